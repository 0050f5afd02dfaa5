"""The pekon page's data: units with their pemangku and channels, each unit's report for a month,
the month's B.3 (models.recap.compute_b3) and the month's history (closes, reopens, revisions).

Names are personal data: the caller records the view with models.audit.record_audit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import AuditEntry
from models.b3_rows import B3Table
from models.event import Event
from models.months import deadline_of
from models.mutasi import unit_statuses, unreported_in_open_month
from models.period import UnitSnapshot
from models.person import Identity, Member, Role
from models.recap import compute_b3, month_state
from models.region import Pekon, Unit


class UnitState(StrEnum):
    """A unit's monthly report (labelled in handlers/texts/dashboard_words.DASHBOARD_UNIT_STATE)."""

    SUBMITTED = "submitted"
    NIHIL = "nihil"
    MISSING = "missing"


@dataclass(frozen=True)
class Pemangku:
    """A unit's active pemangku and the channels they can be reached on."""

    member_id: int
    name: str
    channels: tuple[str, ...]  # models.person.Channel values, reachable identities only


@dataclass(frozen=True)
class UnitLine:
    """One unit of the pekon for the month."""

    unit_id: int
    kode: str
    seq: int
    nama: str
    state: UnitState
    late: bool  # reported after the deadline
    reported_at: datetime | None  # the monthly report (kirim / NIHIL), UTC
    last_event_at: datetime | None  # the latest event counted in the month, UTC
    events: int  # events (reports and corrections) counted in the month
    pemangku: tuple[Pemangku, ...]

    @property
    def last_report_at(self) -> datetime | None:
        """The unit's latest sign of life for the month: its report or its latest event."""
        stamps = [t for t in (self.reported_at, self.last_event_at) if t is not None]
        return max(stamps) if stamps else None


class HistoryKind(StrEnum):
    """A step of a month's history (labelled in handlers/texts/dashboard_words.DASHBOARD_HISTORY)."""

    CLOSED = "closed"
    REOPENED = "reopened"


@dataclass(frozen=True)
class HistoryEntry:
    """A close (with the revision it made) or a reopen (with its reason), oldest first."""

    kind: HistoryKind
    at: datetime  # UTC
    revision: int  # the revision closed, or the revision reopened
    actor_name: str | None  # None: the schedule (closes), or unknown
    reason: str | None = None


@dataclass(frozen=True)
class PekonPage:
    """Everything the pekon page shows for one month."""

    pekon_kode: str
    pekon_nama: str
    kecamatan_kode: str
    kecamatan_nama: str
    period: date
    deadline: date
    closed: bool
    revision: int
    units: tuple[UnitLine, ...]
    b3: B3Table
    history: tuple[HistoryEntry, ...]


async def pekon_page(
    session: AsyncSession,
    pekon_kode: str,
    period: date,
    *,
    deadline_day: int,
    b3: B3Table | None = None,
    reports: tuple[UnitLine, ...] | None = None,
    history: tuple[HistoryEntry, ...] | None = None,
) -> PekonPage:
    """The pekon page's data; the parts that depend on the ledger alone (the month's compute_b3,
    unit_reports, month_history) are read here unless the caller has them already. The pemangku
    are always read now. LookupError for an unknown pekon."""
    pekon = await session.get(Pekon, pekon_kode)
    if pekon is None:
        raise LookupError(pekon_kode)
    table = b3 or await compute_b3(session, pekon_kode, period)
    if reports is None:
        reports = await unit_reports(session, pekon_kode, period)
    return PekonPage(
        pekon_kode=pekon.kode,
        pekon_nama=pekon.nama,
        kecamatan_kode=pekon.kecamatan_kode,
        kecamatan_nama=pekon.kecamatan.nama,
        period=period,
        deadline=deadline_of(period, deadline_day),
        closed=table.closed,
        revision=table.revision,
        units=with_pemangku(reports, await _pemangku(session, pekon_kode)),
        b3=table,
        history=await month_history(session, pekon_kode, period) if history is None else history,
    )


async def unit_lines(session: AsyncSession, pekon_kode: str, period: date) -> tuple[UnitLine, ...]:
    """Each unit's report, its events and its pemangku with their channels."""
    reports = await unit_reports(session, pekon_kode, period)
    return with_pemangku(reports, await _pemangku(session, pekon_kode))


async def unit_reports(session: AsyncSession, pekon_kode: str, period: date) -> tuple[UnitLine, ...]:
    """Each unit's report (models.mutasi.unit_statuses, as the chat and the books) and its events,
    without the pemangku: a function of the ledger alone, so the pages may keep it."""
    kodes = dict(
        (await session.execute(select(Unit.id, Unit.kode).where(Unit.pekon_kode == pekon_kode)))
        .tuples()
        .all()
    )
    events = {
        unit_id: (int(count), last)
        for unit_id, count, last in await session.execute(
            select(Event.unit_id, func.count(Event.id), func.max(Event.reported_at))
            .where(Event.pekon_kode == pekon_kode, Event.period == period)
            .group_by(Event.unit_id)
        )
    }
    return tuple(
        UnitLine(
            unit_id=s.unit_id,
            kode=kodes[s.unit_id],
            seq=s.seq,
            nama=s.nama,
            state=UnitState(s.status or UnitState.MISSING),
            late=s.late,
            reported_at=s.submitted_at,
            last_event_at=events.get(s.unit_id, (0, None))[1],
            events=events.get(s.unit_id, (0, None))[0],
            pemangku=(),
        )
        for s in await unit_statuses(session, pekon_kode, period)
    )


def with_pemangku(
    reports: tuple[UnitLine, ...], pemangku: dict[int, tuple[Pemangku, ...]]
) -> tuple[UnitLine, ...]:
    """The unit lines with each unit's pemangku."""
    return tuple(replace(line, pemangku=pemangku.get(line.unit_id, ())) for line in reports)


@dataclass(frozen=True)
class LateUnit:
    """A unit of an open month with no report yet (the pekon page's MISSING), and its pemangku."""

    pekon_nama: str
    unit_id: int
    unit_nama: str
    pemangku: tuple[str, ...]  # active pemangku names, oldest first


async def late_units(session: AsyncSession, region_kode: str, period: date) -> list[LateUnit]:
    """The units with no report for `period` of the pekon in `region_kode` (a pekon, or every pekon
    under a kecamatan or kabupaten code) whose month is still open, in pekon and unit order: one
    query for the units, one for their pemangku, whatever the number of pekon."""
    in_region = (
        Pekon.kode == region_kode if len(region_kode) == 13 else Pekon.kode.startswith(region_kode + ".")
    )
    units = (
        (
            await session.execute(
                select(Pekon.nama, Unit.id, Unit.nama)
                .join(Unit, Unit.pekon_kode == Pekon.kode)
                .where(in_region, unreported_in_open_month(period))
                .order_by(Pekon.kode, Unit.seq)
            )
        )
        .tuples()
        .all()
    )
    names: dict[int, list[str]] = {}
    if units:
        people = select(Member.unit_id, Member.name).where(
            Member.unit_id.in_([unit_id for _, unit_id, _ in units]),
            Member.role == Role.PEMANGKU,
            Member.active.is_(True),
        )
        for unit_id, name in await session.execute(people.order_by(Member.id)):
            names.setdefault(unit_id, []).append(name)
    return [LateUnit(pekon, unit_id, nama, tuple(names.get(unit_id, ()))) for pekon, unit_id, nama in units]


async def _pemangku(session: AsyncSession, pekon_kode: str) -> dict[int, tuple[Pemangku, ...]]:
    """The active pemangku of each unit of the pekon, with their reachable channels."""
    rows = await session.execute(
        select(Member.unit_id, Member.id, Member.name, Identity.channel)
        .join(Unit, Unit.id == Member.unit_id)
        .outerjoin(Identity, and_(Identity.member_id == Member.id, Identity.reachable.is_(True)))
        .where(Unit.pekon_kode == pekon_kode, Member.role == Role.PEMANGKU, Member.active.is_(True))
        .order_by(Member.id, Identity.id)
    )
    people: dict[int, tuple[int, str, list[str]]] = {}
    for unit_id, member_id, name, channel in rows:
        entry = people.setdefault(member_id, (unit_id, name, []))
        if channel is not None and channel not in entry[2]:
            entry[2].append(channel)
    out: dict[int, list[Pemangku]] = {}
    for member_id, (unit_id, name, channels) in people.items():
        out.setdefault(unit_id, []).append(Pemangku(member_id, name, tuple(channels)))
    return {unit_id: tuple(found) for unit_id, found in out.items()}


async def month_history(session: AsyncSession, pekon_kode: str, period: date) -> tuple[HistoryEntry, ...]:
    """The month's closes (one per revision, from its frozen snapshots) and reopens (from the
    audit trail, with reason and actor), in order. Who closed is known for the standing revision
    (the month row); an earlier revision's closer is not kept apart from the audit, so it is None."""
    month = await month_state(session, pekon_kode, period)
    if month is None:
        return ()
    closes = await session.execute(
        select(UnitSnapshot.revision, func.min(UnitSnapshot.created_at))
        .where(UnitSnapshot.pekon_kode == pekon_kode, UnitSnapshot.period == period)
        .group_by(UnitSnapshot.revision)
    )
    closer = await _name(session, month.closed_by_member_id)
    entries = [
        HistoryEntry(HistoryKind.CLOSED, at, revision, closer if revision == month.revision else None)
        for revision, at in closes
    ]
    reopens = await session.execute(
        select(AuditEntry, Member.name)
        .outerjoin(Member, Member.id == AuditEntry.actor_member_id)
        .where(
            AuditEntry.entity == "pekon_month",
            AuditEntry.entity_id == str(month.id),
            AuditEntry.action == "month.reopen",
        )
    )
    entries += [
        HistoryEntry(
            HistoryKind.REOPENED,
            audit.created_at,
            int((audit.before or {}).get("revision", 0)),
            name,
            (audit.after or {}).get("reason"),
        )
        for audit, name in reopens
    ]
    # a reopen follows the close of the revision it reopened (the clocks of the two may differ)
    return tuple(sorted(entries, key=lambda e: (e.revision, e.kind != HistoryKind.CLOSED, e.at)))


async def _name(session: AsyncSession, member_id: int | None) -> str | None:
    if member_id is None:
        return None
    name: str | None = await session.scalar(select(Member.name).where(Member.id == member_id))
    return name
