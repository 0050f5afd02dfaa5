"""The month's registers, pure data: B.2 person lines, births, susulan and correction notes,
each unit's report state, who is still missing, and each pekon's completeness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

# completeness moved to its own module; these names stay importable from here
from models.completeness import PekonCompleteness as PekonCompleteness
from models.completeness import existed_in as existed_in
from models.completeness import pekon_completeness as pekon_completeness
from models.completeness import pekon_completeness_months as pekon_completeness_months
from models.event import Action, Event, EventKind, EventPerson
from models.names import proper_name
from models.period import Baseline, MonthStatus, PekonMonth, UnitReport
from models.person import Member, Role
from models.region import Pekon, Unit


@dataclass(frozen=True)
class MutasiLine:
    """One person line of a month, with the event it belongs to (a B.2 row, or a birth)."""

    unit_nama: str
    kind: str
    sign: int
    name: str
    sex: str
    citizenship: str
    is_head: bool
    birth_place: str | None
    birth_date: date | None
    father_name: str | None
    mother_name: str | None
    origin: str | None
    destination: str | None
    death_place: str | None
    event_date: date
    receipt: str
    action: str
    susulan: bool
    event_id: int = 0
    corrects_id: int | None = None  # the event this line's event corrects or cancels
    corrects: str | None = None  # ... and its receipt
    reason: str | None = None


@dataclass(frozen=True)
class Note:
    """A susulan report or a correction counted in the month."""

    unit_nama: str
    receipt: str
    kind: str
    action: str
    event_date: date
    reported_at: datetime
    susulan: bool
    reason: str | None
    corrects: str | None


@dataclass(frozen=True)
class UnitStatus:
    """A unit's monthly report: status None means missing."""

    unit_id: int
    seq: int
    nama: str
    status: str | None
    late: bool
    submitted_at: datetime | None
    pemangku: tuple[str, ...]


@dataclass(frozen=True)
class MissingTarget:
    """A pemangku whose unit has not reported a month that is still open."""

    member_id: int
    member_name: str
    unit_id: int
    unit_nama: str
    pekon_kode: str
    pekon_nama: str


async def first_period(session: AsyncSession, *pekon_kodes: str) -> date | None:
    """The first month of the pekon (together): the earliest unit baseline, None without any."""
    first: date | None = await session.scalar(
        select(func.min(Baseline.period))
        .join(Unit, Unit.id == Baseline.unit_id)
        .where(Unit.pekon_kode.in_(pekon_kodes))
    )
    return first


async def active_pekon(session: AsyncSession, period: date) -> list[str]:
    """Pekon with at least one unit that existed in `period` (the others have nothing to close yet)."""
    stmt = select(Unit.pekon_kode).where(existed_in(period)).distinct().order_by(Unit.pekon_kode)
    return list(await session.scalars(stmt))


async def mutasi_lines(session: AsyncSession, pekon_kode: str, period: date) -> list[MutasiLine]:
    """Every person line counted in the pekon's month, by event date, then unit order."""
    ep = EventPerson
    original = Event.__table__.alias("original")
    stmt = (
        select(Unit.nama, ep, Event, original.c.receipt)
        .join(Event, Event.id == ep.event_id)
        .join(Unit, Unit.id == ep.unit_id)
        .outerjoin(original, original.c.id == Event.correction_of_id)
        .where(ep.pekon_kode == pekon_kode, ep.period == period)
        .order_by(Event.event_date, Unit.seq, ep.id)
    )
    return [mutasi_line(*row) for row in await session.execute(stmt)]


def mutasi_line(unit_nama: str, line: EventPerson, event: Event, corrects: str | None) -> MutasiLine:
    """A person line with its event, names in their proper case (books and pages alike)."""
    return MutasiLine(
        unit_nama=unit_nama,
        kind=line.kind,
        sign=line.sign,
        name=proper_name(line.name),
        sex=line.sex,
        citizenship=line.citizenship,
        is_head=line.is_head,
        birth_place=line.birth_place,
        birth_date=line.birth_date,
        father_name=line.father_name and proper_name(line.father_name),
        mother_name=line.mother_name and proper_name(line.mother_name),
        origin=line.origin,
        destination=line.destination,
        death_place=line.death_place,
        event_date=event.event_date,
        receipt=event.receipt,
        action=event.action,
        susulan=event.susulan,
        event_id=event.id,
        corrects_id=event.correction_of_id,
        corrects=corrects,
        reason=event.reason,
    )


def standing_lines(lines: list[MutasiLine]) -> list[MutasiLine]:
    """Each person once, as the month's latest version says: a reversal and the line it reverses,
    both counted in this month, cancel out (a corrected child is listed once, as corrected). A
    reversal of a line of an earlier, closed month stays: it is what changed this month."""
    out = list(lines)
    for reversal in (line for line in lines if line.sign < 0):
        reversed_line = next(
            (
                line
                for line in out
                if line.sign > 0 and line.event_id == reversal.corrects_id and line.name == reversal.name
            ),
            None,
        )
        if reversed_line is not None:
            out.remove(reversed_line)
            out.remove(reversal)
    return out


def b2_lines(lines: list[MutasiLine]) -> list[MutasiLine]:
    """The rows of B.2: persons who came, left or died (births are listed apart), each once."""
    return [line for line in standing_lines(lines) if line.kind != EventKind.LAHIR]


def birth_lines(lines: list[MutasiLine]) -> list[MutasiLine]:
    """The births of the month, each child once."""
    return [line for line in standing_lines(lines) if line.kind == EventKind.LAHIR]


async def month_notes(session: AsyncSession, pekon_kode: str, period: date) -> list[Note]:
    """Susulan reports and corrections counted in the pekon's month, oldest first."""
    original = Event.__table__.alias("original")
    stmt = (
        select(Unit.nama, Event, original.c.receipt)
        .join(Unit, Unit.id == Event.unit_id)
        .outerjoin(original, original.c.id == Event.correction_of_id)
        .where(
            Event.pekon_kode == pekon_kode,
            Event.period == period,
            or_(Event.susulan.is_(True), Event.action != Action.REPORT),
        )
        .order_by(Event.reported_at, Event.id)
    )
    return [
        Note(
            unit_nama=nama,
            receipt=event.receipt,
            kind=event.kind,
            action=event.action,
            event_date=event.event_date,
            reported_at=event.reported_at,
            susulan=event.susulan,
            reason=event.reason,
            corrects=corrects,
        )
        for nama, event, corrects in await session.execute(stmt)
    ]


def unit_status_select(pekon_kode: str, period: date) -> Select[Any]:
    """Each unit of the pekon that existed in the month with its report (status, late, submitted_at;
    NULL: none yet), in unit order: the one reading of a unit's status, for the chat and the pages."""
    return (
        select(Unit.id, Unit.seq, Unit.nama, UnitReport.status, UnitReport.late, UnitReport.submitted_at)
        .outerjoin(UnitReport, and_(UnitReport.unit_id == Unit.id, UnitReport.period == period))
        .where(Unit.pekon_kode == pekon_kode, existed_in(period))
        .order_by(Unit.seq)
    )


async def unit_statuses(session: AsyncSession, pekon_kode: str, period: date) -> list[UnitStatus]:
    """Each unit's report for the month, with its pemangku's names, in unit order."""
    stmt = unit_status_select(pekon_kode, period)
    names: dict[int, list[str]] = {}
    pemangku = (
        select(Member.unit_id, Member.name)
        .join(Unit, Unit.id == Member.unit_id)
        .where(Member.role == Role.PEMANGKU, Member.active.is_(True), Unit.pekon_kode == pekon_kode)
    )
    for unit_id, name in await session.execute(pemangku.order_by(Member.id)):
        names.setdefault(unit_id, []).append(name)
    return [
        UnitStatus(r.id, r.seq, r.nama, r.status, bool(r.late), r.submitted_at, tuple(names.get(r.id, [])))
        for r in await session.execute(stmt)
    ]


def unreported_in_open_month(period: date) -> ColumnElement[bool]:
    """The condition on `Unit`: it existed in `period`, has no report for it, and its pekon's month
    is not closed (the units still expected to report: reminders and the dashboard's late list)."""
    reported = select(UnitReport.id).where(UnitReport.unit_id == Unit.id, UnitReport.period == period)
    closed = select(PekonMonth.id).where(
        PekonMonth.pekon_kode == Unit.pekon_kode,
        PekonMonth.period == period,
        PekonMonth.status == MonthStatus.CLOSED,
    )
    return and_(~reported.exists(), ~closed.exists(), existed_in(period))


async def missing_targets(session: AsyncSession, period: date) -> list[MissingTarget]:
    """Active pemangku whose unit has no report for `period` while their pekon's month is open."""
    stmt = (
        select(Member.id, Member.name, Unit.id, Unit.nama, Pekon.kode, Pekon.nama)
        .join(Unit, Unit.id == Member.unit_id)
        .join(Pekon, Pekon.kode == Unit.pekon_kode)
        .where(
            Member.role == Role.PEMANGKU,
            Member.active.is_(True),
            unreported_in_open_month(period),
        )
        .order_by(Pekon.kode, Unit.seq, Member.id)
    )
    return [MissingTarget(*row) for row in await session.execute(stmt)]


async def members_with_role(
    session: AsyncSession, role: Role, *, pekon_kode: str | None = None, kecamatan_kode: str | None = None
) -> list[Member]:
    """Active members of a role in a pekon or a kecamatan."""
    stmt = select(Member).where(Member.role == role, Member.active.is_(True))
    if pekon_kode is not None:
        stmt = stmt.where(Member.pekon_kode == pekon_kode)
    if kecamatan_kode is not None:
        stmt = stmt.where(Member.kecamatan_kode == kecamatan_kode)
    return list(await session.scalars(stmt.order_by(Member.id)))
