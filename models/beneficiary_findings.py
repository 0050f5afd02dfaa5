"""What a pekon's beneficiary lists say, checked against the ledger: per program and unit, those who
died or moved out (with the event, its receipt, its B.2 row and who reported it), a NIK twice in one
list or in another pekon's list, NIKs that are not valid, and units that have never reported."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.beneficiary import Beneficiary, BeneficiaryList, BeneficiaryMatch, MatchStatus, valid_nik
from models.beneficiary_match import current_lists, standing
from models.event import Event, EventKind, EventPerson
from models.mutasi import b2_lines, mutasi_lines
from models.names import proper_name
from models.period import UnitReport
from models.person import Member
from models.region import Pekon, Unit


class FindingKind(StrEnum):
    """The kinds of finding, in the order the document lists them."""

    MENINGGAL = "meninggal"
    PINDAH = "pindah"
    GANDA = "ganda"  # the same NIK twice in one list
    GANDA_PEKON = "ganda_pekon"  # the same NIK in a list of another pekon
    NIK = "nik"  # empty or not a valid NIK
    BELUM_LAPOR = "belum_lapor"  # the row's unit has never reported: it cannot be checked there


@dataclass(frozen=True)
class Finding:
    """One beneficiary row that needs a look, with what the ledger says about it."""

    kind: FindingKind
    program: str
    unit: str
    name: str
    nik: str | None
    line: int
    event_date: date | None = None
    receipt: str | None = None
    period: date | None = None  # the month the ledger counted the event in
    b2_no: int | None = None  # its row in that month's B.2
    reporter: str | None = None
    detail: str = ""  # "certain"/"confirmed", the other row or the other pekon


@dataclass(frozen=True)
class _Row:
    id: int
    program: str
    line: int
    name: str
    nik: str | None
    unit: str


async def _rows(session: AsyncSession, pekon_kode: str, program: str | None) -> list[_Row]:
    b = Beneficiary
    stmt = (
        select(b.id, BeneficiaryList.program, b.line, b.name, b.nik, func.coalesce(Unit.nama, b.dusun, "-"))
        .join(BeneficiaryList, BeneficiaryList.id == b.list_id)
        .outerjoin(Unit, Unit.id == b.unit_id)
        .where(*current_lists([pekon_kode]))
        .order_by(BeneficiaryList.program, b.line)
    )
    if program is not None:
        stmt = stmt.where(BeneficiaryList.program == program)
    return [
        _Row(i, prog, line, proper_name(name), nik, unit)
        for i, prog, line, name, nik, unit in await session.execute(stmt)
    ]


async def _left(
    session: AsyncSession, pekon_kode: str, program: str | None, b2: bool = True
) -> list[Finding]:
    """Rows matched (certain or confirmed) to a standing death or move out; with `b2`, each with
    its row number in the month's B.2 (one mutasi_lines per month: the costly part of a check)."""
    stmt = (
        select(
            Beneficiary.name,
            Beneficiary.nik,
            Beneficiary.line,
            BeneficiaryList.program,
            BeneficiaryMatch.status,
            EventPerson.kind,
            Event.id,
            Event.event_date,
            Event.receipt,
            Event.period,
            Unit.nama,
            Member.name,
        )  # columns, not entities: an Event entity would load its persons too (selectin)
        .join(Beneficiary, Beneficiary.id == BeneficiaryMatch.beneficiary_id)
        .join(BeneficiaryList, BeneficiaryList.id == Beneficiary.list_id)
        .join(EventPerson, EventPerson.id == BeneficiaryMatch.event_person_id)
        .join(Event, Event.id == EventPerson.event_id)
        .join(Unit, Unit.id == Event.unit_id)
        .outerjoin(Member, Member.id == Event.reporter_id)
        .where(*current_lists([pekon_kode]), *standing(pekon_kode))
        .where(BeneficiaryMatch.status.in_([MatchStatus.CERTAIN, MatchStatus.CONFIRMED]))
        .where(EventPerson.kind.in_([EventKind.MENINGGAL, EventKind.PINDAH]))
        .order_by(BeneficiaryList.program, Event.event_date, Beneficiary.line)
    )
    if program is not None:
        stmt = stmt.where(BeneficiaryList.program == program)
    found = []
    months: dict[date, list[int]] = {}
    for r in await session.execute(stmt):
        name, nik, line, prog, status, kind, event_id, event_date, receipt, period, unit, reporter = r
        if b2 and period not in months:  # the B.2 row numbers, as the month's book prints them
            book = b2_lines(await mutasi_lines(session, pekon_kode, period))
            months[period] = [item.event_id for item in book]
        rows = months.get(period, [])
        found.append(
            Finding(
                FindingKind(kind),
                prog,
                unit,
                proper_name(name),
                nik,
                line,
                event_date=event_date,
                receipt=receipt,
                period=period,
                b2_no=rows.index(event_id) + 1 if event_id in rows else None,
                reporter=reporter,
                detail=status,
            )
        )
    return found


def _within(rows: list[_Row]) -> list[Finding]:
    first: dict[tuple[str, str], _Row] = {}
    found = []
    for row in rows:
        if not row.nik:
            continue
        seen = first.setdefault((row.program, row.nik), row)
        if seen is not row:
            found.append(
                Finding(
                    FindingKind.GANDA,
                    row.program,
                    row.unit,
                    row.name,
                    row.nik,
                    row.line,
                    detail=str(seen.line),
                )
            )
    return found


async def _elsewhere(session: AsyncSession, pekon_kode: str, rows: list[_Row]) -> list[Finding]:
    """Rows whose NIK stands in a current list of another pekon (one self-join on the NIK index)."""
    mine, theirs = aliased(Beneficiary), aliased(Beneficiary)
    my_list, their_list = aliased(BeneficiaryList), aliased(BeneficiaryList)
    found = await session.execute(
        select(mine.nik, Pekon.nama, their_list.program)
        .join(my_list, my_list.id == mine.list_id)
        .join(theirs, theirs.nik == mine.nik)
        .join(their_list, their_list.id == theirs.list_id)
        .join(Pekon, Pekon.kode == their_list.pekon_kode)
        .where(my_list.pekon_kode == pekon_kode, my_list.replaced_by_id.is_(None))
        .where(their_list.pekon_kode != pekon_kode, their_list.replaced_by_id.is_(None))
        .distinct()
        .order_by(mine.nik, Pekon.nama, their_list.program)
    )
    other: dict[str, list[str]] = defaultdict(list)
    for nik, nama, program in found:
        other[nik].append(f"{nama} ({program})")
    return [
        Finding(
            FindingKind.GANDA_PEKON, r.program, r.unit, r.name, r.nik, r.line, detail=", ".join(other[r.nik])
        )
        for r in rows
        if r.nik and r.nik in other
    ]


async def _silent_units(session: AsyncSession, pekon_kode: str) -> set[int]:
    """Units of the pekon that have never sent a report nor an event."""
    reported = select(UnitReport.id).where(UnitReport.unit_id == Unit.id)
    events = select(Event.id).where(Event.unit_id == Unit.id)
    stmt = select(Unit.id).where(Unit.pekon_kode == pekon_kode, ~reported.exists(), ~events.exists())
    return set(await session.scalars(stmt))


async def pekon_findings(
    session: AsyncSession, pekon_kode: str, program: str | None = None, *, b2: bool = True
) -> list[Finding]:
    """Every finding of the pekon's current lists (of one program, or all), grouped by kind; without
    `b2` the deaths and moves carry no B.2 row number (enough for counting)."""
    rows = await _rows(session, pekon_kode, program)
    found = await _left(session, pekon_kode, program, b2)
    found += _within(rows)
    found += await _elsewhere(session, pekon_kode, rows)
    found += [
        Finding(FindingKind.NIK, r.program, r.unit, r.name, r.nik, r.line)
        for r in rows
        if not valid_nik(r.nik)
    ]
    silent = await _silent_units(session, pekon_kode)
    if silent:
        stmt = select(Beneficiary.id).where(Beneficiary.unit_id.in_(silent))
        units = set(await session.scalars(stmt))
        found += [
            Finding(FindingKind.BELUM_LAPOR, r.program, r.unit, r.name, r.nik, r.line)
            for r in rows
            if r.id in units
        ]
    order = list(FindingKind)
    return sorted(found, key=lambda f: order.index(f.kind))


async def month_findings(session: AsyncSession, pekon_kode: str, period: date) -> list[Finding]:
    """The deaths and moves out counted in a month that concern a beneficiary: news of the close."""
    return [f for f in await _left(session, pekon_kode, None) if f.period == period]


async def findings_count_by_pekon(session: AsyncSession, pekon_kodes: Sequence[str]) -> dict[str, int]:
    """How many findings each pekon's current lists have (0 for a pekon without lists); for the
    dashboard's kecamatan grid. Reads only: matches are refreshed by imports, checks and closes."""
    with_lists = set(
        await session.scalars(
            select(BeneficiaryList.pekon_kode).where(*current_lists(pekon_kodes)).distinct()
        )
    )
    return {
        kode: len(await pekon_findings(session, kode)) if kode in with_lists else 0 for kode in pekon_kodes
    }


@dataclass(frozen=True)
class PendingMatch:
    """A probable match waiting for staff: the list row and the ledger line side by side."""

    match_id: int
    program: str
    name: str
    nik: str | None
    birth_date: date | None
    dusun: str | None
    line_name: str
    line_nik: str | None
    line_birth_date: date | None
    line_sex: str
    kind: str
    event_date: date
    receipt: str
    unit: str
    score: int


async def pending_matches(session: AsyncSession, pekon_kode: str) -> list[PendingMatch]:
    """Probable matches of the pekon's current lists still waiting for a decision, oldest first."""
    stmt = (
        select(BeneficiaryMatch, Beneficiary, BeneficiaryList.program, EventPerson, Event, Unit.nama)
        .join(Beneficiary, Beneficiary.id == BeneficiaryMatch.beneficiary_id)
        .join(BeneficiaryList, BeneficiaryList.id == Beneficiary.list_id)
        .join(EventPerson, EventPerson.id == BeneficiaryMatch.event_person_id)
        .join(Event, Event.id == EventPerson.event_id)
        .join(Unit, Unit.id == Event.unit_id)
        .where(
            *current_lists([pekon_kode]),
            *standing(pekon_kode),
            BeneficiaryMatch.status == MatchStatus.PENDING,
        )
        .where(or_(EventPerson.kind == EventKind.MENINGGAL, EventPerson.kind == EventKind.PINDAH))
        .order_by(BeneficiaryMatch.id)
    )
    return [
        PendingMatch(
            m.id,
            prog,
            proper_name(b.name),
            b.nik,
            b.birth_date,
            b.dusun,
            proper_name(line.name),
            line.nik,
            line.birth_date,
            line.sex,
            line.kind,
            event.event_date,
            event.receipt,
            unit,
            m.score,
        )
        for m, b, prog, line, event, unit in await session.execute(stmt)
    ]
