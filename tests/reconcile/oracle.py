"""The per-pekon findings as they were before issue 14's set-based rewrite: five statements per
pekon, kept only as the oracle the set-based `findings_by_pekon` is checked against (and the
baseline bench/reconcile.py times it against)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.beneficiary import Beneficiary, BeneficiaryList, BeneficiaryMatch, MatchStatus, valid_nik
from models.beneficiary_findings import Finding, FindingKind
from models.beneficiary_match import current_lists
from models.event import Action, Event, EventKind, EventPerson
from models.mutasi import b2_lines, mutasi_lines
from models.names import proper_name
from models.period import UnitReport
from models.person import Member
from models.region import Pekon, Unit


def standing(pekon_kode: str) -> list[Any]:
    """The old conditions for a standing person line: the pekon's corrected events as a subquery."""
    corrected = select(Event.correction_of_id).where(
        Event.pekon_kode == pekon_kode, Event.correction_of_id.is_not(None)
    )
    return [
        EventPerson.sign > 0,
        Event.id == EventPerson.event_id,
        Event.action != Action.CANCEL,
        Event.id.not_in(corrected.scalar_subquery()),
    ]


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


async def oracle_findings(
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
