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
from models.mutasi import unit_status_select, unreported_in_open_month
from models.period import PekonMonth, UnitSnapshot
from models.person import Identity, Member, Role
from models.recap import compute_b3
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


UnitPemangku = tuple[tuple[int, tuple[Pemangku, ...]], ...]  # (unit id, its pemangku), by unit id


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
    pemangku: UnitPemangku | None = None,
) -> PekonPage:
    """The pekon page's data: the month's compute_b3 (unless the caller has it), each unit's report,
    the month's history and the pemangku (read now, unless the caller has read them: the dashboard
    keeps the page while they and the pekon's ledger stand). LookupError for an unknown pekon."""
    pekon = await session.get(Pekon, pekon_kode)
    if pekon is None:
        raise LookupError(pekon_kode)
    table = b3 or await compute_b3(session, pekon_kode, period)
    people = dict(await unit_pemangku(session, pekon_kode) if pemangku is None else pemangku)
    return PekonPage(
        pekon_kode=pekon.kode,
        pekon_nama=pekon.nama,
        kecamatan_kode=pekon.kecamatan_kode,
        kecamatan_nama=pekon.kecamatan.nama,
        period=period,
        deadline=deadline_of(period, deadline_day),
        closed=table.closed,
        revision=table.revision,
        units=tuple(
            replace(line, pemangku=people.get(line.unit_id, ()))
            for line in await unit_reports(session, pekon_kode, period)
        ),
        b3=table,
        history=await month_history(session, pekon_kode, period),
    )


async def unit_reports(session: AsyncSession, pekon_kode: str, period: date) -> tuple[UnitLine, ...]:
    """Each unit's report (models.mutasi.unit_status_select, as the chat and the books) and its
    events, without the pemangku, in one statement."""
    events = (
        select(Event.unit_id, func.count(Event.id).label("events"), func.max(Event.reported_at).label("last"))
        .where(Event.pekon_kode == pekon_kode, Event.period == period)
        .group_by(Event.unit_id)
        .subquery("events")
    )
    rows = await session.execute(
        unit_status_select(pekon_kode, period)
        .add_columns(Unit.kode, events.c.events, events.c.last)
        .outerjoin(events, events.c.unit_id == Unit.id)
    )
    return tuple(
        UnitLine(
            unit_id=r.id,
            kode=r.kode,
            seq=r.seq,
            nama=r.nama,
            state=UnitState(r.status or UnitState.MISSING),
            late=bool(r.late),
            reported_at=r.submitted_at,
            last_event_at=r.last,
            events=int(r.events or 0),
            pemangku=(),
        )
        for r in rows
    )


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


async def unit_pemangku(session: AsyncSession, pekon_kode: str) -> UnitPemangku:
    """The active pemangku of each unit of the pekon, with their reachable channels, by unit id in
    unit id order (hashable: the dashboard keys its kept page on them)."""
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
    return tuple(sorted((unit_id, tuple(found)) for unit_id, found in out.items()))


async def month_history(session: AsyncSession, pekon_kode: str, period: date) -> tuple[HistoryEntry, ...]:
    """The month's closes (one per revision, from its frozen snapshots) and reopens (from the
    audit trail, with reason and actor), in order. Who closed is known for the standing revision
    (the month row); an earlier revision's closer is not kept apart from the audit, so it is None."""
    found = (
        await session.execute(
            select(PekonMonth, Member.name)
            .outerjoin(Member, Member.id == PekonMonth.closed_by_member_id)
            .where(PekonMonth.pekon_kode == pekon_kode, PekonMonth.period == period)
        )
    ).one_or_none()
    if found is None:
        return ()
    month, closer = found
    closes = await session.execute(
        select(UnitSnapshot.revision, func.min(UnitSnapshot.created_at))
        .where(UnitSnapshot.pekon_kode == pekon_kode, UnitSnapshot.period == period)
        .group_by(UnitSnapshot.revision)
    )
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
