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
from sqlalchemy.orm import aliased, noload

from models.beneficiary import Beneficiary, BeneficiaryList, BeneficiaryMatch, MatchStatus, valid_nik
from models.beneficiary_match import chunks, current_lists, standing
from models.event import Event, EventKind, EventPerson
from models.mutasi import MutasiLine, b2_lines, mutasi_line
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
    pekon: str
    program: str
    line: int
    name: str
    nik: str | None
    unit: str
    unit_id: int | None


async def _rows(session: AsyncSession, kodes: Sequence[str], program: str | None) -> list[_Row]:
    b = Beneficiary
    unit = func.coalesce(Unit.nama, b.dusun, "-")
    stmt = (
        select(
            b.id, BeneficiaryList.pekon_kode, BeneficiaryList.program, b.line, b.name, b.nik, unit, b.unit_id
        )
        .join(BeneficiaryList, BeneficiaryList.id == b.list_id)
        .outerjoin(Unit, Unit.id == b.unit_id)
        .where(*current_lists(kodes))
        .order_by(BeneficiaryList.pekon_kode, BeneficiaryList.program, b.line)
    )
    if program is not None:
        stmt = stmt.where(BeneficiaryList.program == program)
    core = await session.connection()  # plain rows: the ORM's loading costs a third more here
    return [
        _Row(i, pekon, prog, line, name, nik, unit, unit_id)
        for i, pekon, prog, line, name, nik, unit, unit_id in await core.execute(stmt)
    ]


async def _left(
    session: AsyncSession,
    kodes: Sequence[str],
    program: str | None,
    b2: bool = True,
    period: date | None = None,
) -> list[tuple[str, Finding]]:
    """Rows matched (certain or confirmed) to a standing death or move out, with their pekon; with
    `b2`, each with its row number in the month's B.2; with `period`, only events of that month."""
    stmt = (
        select(
            BeneficiaryList.pekon_kode,
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
        .where(*current_lists(kodes), *standing())
        .where(BeneficiaryMatch.status.in_([MatchStatus.CERTAIN, MatchStatus.CONFIRMED]))
        .where(EventPerson.kind.in_([EventKind.MENINGGAL, EventKind.PINDAH]))
        .order_by(BeneficiaryList.pekon_kode, BeneficiaryList.program, Event.event_date, Beneficiary.line)
        .order_by(Event.id)
    )
    if program is not None:
        stmt = stmt.where(BeneficiaryList.program == program)
    if period is not None:
        stmt = stmt.where(Event.period == period)
    matched = list(await session.execute(stmt))
    books = await _b2_rows(session, {(r[0], r[10]) for r in matched}) if b2 else {}
    found = []
    for r in matched:
        pekon, name, nik, line, prog, status, kind, event_id, event_date, receipt, month, unit, reporter = r
        rows = books.get((pekon, month), {})
        finding = Finding(
            FindingKind(kind),
            prog,
            unit,
            proper_name(name),
            nik,
            line,
            event_date=event_date,
            receipt=receipt,
            period=month,
            b2_no=rows.get(event_id),
            reporter=reporter,
            detail=status,
        )
        found.append((pekon, finding))
    return found


async def _b2_rows(
    session: AsyncSession, months: set[tuple[str, date]]
) -> dict[tuple[str, date], dict[int, int]]:
    """For each (pekon, month): event id -> its row in that month's B.2, as the book numbers them
    (the book's own mutasi_line and b2_lines, over every wanted month's lines in one statement)."""
    ep = EventPerson
    original = Event.__table__.alias("original")
    lines: dict[tuple[str, date], list[MutasiLine]] = defaultdict(list)
    pekons = sorted({pekon for pekon, _ in months})
    for kodes in chunks(pekons):
        stmt = (
            select(Unit.nama, ep, Event, original.c.receipt)
            .join(Event, Event.id == ep.event_id)
            .join(Unit, Unit.id == ep.unit_id)
            .outerjoin(original, original.c.id == Event.correction_of_id)
            .where(ep.pekon_kode.in_(kodes), ep.period.in_({month for _, month in months}))
            .order_by(ep.pekon_kode, ep.period, Event.event_date, Unit.seq, ep.id)
            .options(noload(Event.persons))
        )
        for nama, line, event, corrects in await session.execute(stmt):
            if (line.pekon_kode, line.period) in months:
                lines[(line.pekon_kode, line.period)].append(mutasi_line(nama, line, event, corrects))
    return {
        month: {item.event_id: no for no, item in reversed(list(enumerate(b2_lines(book), 1)))}
        for month, book in lines.items()
    }


def _within(rows: list[_Row]) -> list[tuple[str, Finding]]:
    """A NIK twice in one list: every row after the first, naming the first's line."""
    first: dict[tuple[str, str, str], _Row] = {}
    found = []
    for row in rows:
        if not row.nik:
            continue
        seen = first.setdefault((row.pekon, row.program, row.nik), row)
        if seen is not row:
            found.append(_row_finding(FindingKind.GANDA, row, str(seen.line)))
    return found


def _row_finding(kind: FindingKind, row: _Row, detail: str = "") -> tuple[str, Finding]:
    name = proper_name(row.name)  # here, not per row read: most rows are no finding
    return row.pekon, Finding(kind, row.program, row.unit, name, row.nik, row.line, detail=detail)


async def _elsewhere(
    session: AsyncSession, kodes: Sequence[str], rows: list[_Row]
) -> list[tuple[str, Finding]]:
    """Rows whose NIK stands in a current list of another pekon (one self-join on the NIK index)."""
    mine, theirs = aliased(Beneficiary), aliased(Beneficiary)
    my_list, their_list = aliased(BeneficiaryList), aliased(BeneficiaryList)
    found = await session.execute(
        select(my_list.pekon_kode, mine.nik, Pekon.nama, their_list.program)
        .join(my_list, my_list.id == mine.list_id)
        .join(theirs, theirs.nik == mine.nik)
        .join(their_list, their_list.id == theirs.list_id)
        .join(Pekon, Pekon.kode == their_list.pekon_kode)
        .where(my_list.pekon_kode.in_(kodes), my_list.replaced_by_id.is_(None))
        .where(their_list.pekon_kode != my_list.pekon_kode, their_list.replaced_by_id.is_(None))
        .distinct()
        .order_by(my_list.pekon_kode, mine.nik, Pekon.nama, their_list.program)
    )
    other: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pekon, nik, nama, program in found:
        other[(pekon, nik)].append(f"{nama} ({program})")
    return [
        _row_finding(FindingKind.GANDA_PEKON, r, ", ".join(other[(r.pekon, r.nik)]))
        for r in rows
        if r.nik and (r.pekon, r.nik) in other
    ]


async def _silent_units(session: AsyncSession, kodes: Sequence[str]) -> set[int]:
    """Units of these pekon that have never sent a report nor an event."""
    reported = select(UnitReport.id).where(UnitReport.unit_id == Unit.id)
    events = select(Event.id).where(Event.unit_id == Unit.id)
    stmt = select(Unit.id).where(Unit.pekon_kode.in_(kodes), ~reported.exists(), ~events.exists())
    return set(await session.scalars(stmt))


async def findings_by_pekon(
    session: AsyncSession, pekon_kodes: Sequence[str], program: str | None = None, *, b2: bool = True
) -> dict[str, list[Finding]]:
    """Every finding of these pekon's current lists (of one program, or all), per pekon (none for a
    pekon without lists), grouped by kind: four statements per 2,000 pekon, whatever their number.
    Without `b2` the deaths and moves carry no B.2 row number (enough for counting)."""
    found: dict[str, list[Finding]] = {kode: [] for kode in pekon_kodes}
    for kodes in chunks(list(found)):
        rows = await _rows(session, kodes, program)
        pairs = await _left(session, kodes, program, b2)
        if rows:
            silent = await _silent_units(session, kodes)
            pairs += _within(rows) + await _elsewhere(session, kodes, rows)
            pairs += [_row_finding(FindingKind.NIK, r) for r in rows if not valid_nik(r.nik)]
            pairs += [_row_finding(FindingKind.BELUM_LAPOR, r) for r in rows if r.unit_id in silent]
        for pekon, finding in pairs:
            found[pekon].append(finding)
    order = list(FindingKind)
    return {kode: sorted(f, key=lambda f: order.index(f.kind)) for kode, f in found.items()}


async def pekon_findings(
    session: AsyncSession, pekon_kode: str, program: str | None = None, *, b2: bool = True
) -> list[Finding]:
    """Every finding of one pekon's current lists (see findings_by_pekon)."""
    return (await findings_by_pekon(session, [pekon_kode], program, b2=b2))[pekon_kode]


async def month_findings(session: AsyncSession, pekon_kode: str, period: date) -> list[Finding]:
    """The deaths and moves out counted in a month that concern a beneficiary: news of the close."""
    return [f for _, f in await _left(session, [pekon_kode], None, period=period)]


async def findings_count_by_pekon(session: AsyncSession, pekon_kodes: Sequence[str]) -> dict[str, int]:
    """How many findings each pekon's current lists have (0 for a pekon without lists): the length
    of the same findings the document lists, for the dashboard's grid and the upload's reply. Reads
    only: matches are refreshed by imports, checks and closes."""
    found = await findings_by_pekon(session, pekon_kodes, b2=False)
    return {kode: len(found[kode]) for kode in pekon_kodes}


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
            *standing(),
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
