"""Import of opening figures (baseline) per pemangku unit: validated in full, then written all or nothing.

A baseline anchors a unit's first month: `bulan` is the first month the unit reports, and the
figures are its population at the start of that month (B.3 "awal bulan", i.e. the closing figures of
the month before). models/b3_statement.py opens month `bulan` with them and counts every event from `bulan`
on. A baseline may be replaced only while nothing has happened to the unit yet (no events, no
closed-month snapshot), because after that it is part of history.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import record_audit
from models.csvfile import CsvRow, Problem, Progress, check, require_values
from models.event import Event
from models.period import Baseline, MonthStatus, PekonMonth, UnitSnapshot
from models.region import Unit

NUMBERS = ("wna_l", "wna_p", "wni_l", "wni_p", "kk", "anggota")
BASELINE_COLUMNS = ("unit", "bulan", *NUMBERS)
HEAD_SEX = ("kk_l", "kk_p")  # KK by the head's sex (the profil pekon's figure); both or neither
BASELINE_OPTIONAL = ("nama", *HEAD_SEX)  # nama: the unit's name, for people reading the file; not checked
MONTH = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR, LAST_YEAR = 2000, 2099  # months outside these years are typing mistakes
COUNT_MAX = 1_000_000  # people or families in one unit; far above any real unit, within an INTEGER


@dataclass(frozen=True)
class BaselineEntry:
    """One validated row: the unit, its first month, and its opening figures."""

    line: int
    unit: Unit
    period: date
    figures: dict[str, int | None]


def parse_month(text: str) -> date | None:
    """'2026-10' -> date(2026, 10, 1); None when it is not a YYYY-MM month."""
    match = MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    if not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def _figures(row: CsvRow) -> tuple[dict[str, int], list[Problem]]:
    figures: dict[str, int] = {}
    problems: list[Problem] = []
    for column in NUMBERS:
        value = row.get(column)
        # refuses "-3", "1.5", "12 jiwa" and a count no unit has (which would not fit the column)
        if not (value.isascii() and value.isdigit() and int(value) <= COUNT_MAX):
            problems.append(Problem(row.line, "not_a_count", {"column": column, "value": value[:20]}))
        else:
            figures[column] = int(value)
    return figures, problems


def _head_sex(row: CsvRow, kk: int | None) -> tuple[dict[str, int | None], list[Problem]]:
    """The optional KK split by the head's sex: both columns or neither, adding up to kk."""
    given = [c for c in HEAD_SEX if row.get(c)]
    if not given:
        return dict.fromkeys(HEAD_SEX), []
    if len(given) < len(HEAD_SEX):
        return {}, [Problem(row.line, "head_sex_partial")]
    values: dict[str, int | None] = {}
    for column in HEAD_SEX:
        value = row.get(column)
        if not (value.isascii() and value.isdigit() and int(value) <= COUNT_MAX):
            return {}, [Problem(row.line, "not_a_count", {"column": column, "value": value[:20]})]
        values[column] = int(value)
    heads = sum(v or 0 for v in values.values())
    if kk is not None and heads != kk:
        return {}, [Problem(row.line, "head_sex_disagree", {"heads": str(heads), "kk": str(kk)})]
    return values, []


def _consistency(line: int, f: dict[str, int]) -> list[Problem]:
    persons = f["wna_l"] + f["wna_p"] + f["wni_l"] + f["wni_p"]
    households = f["kk"] + f["anggota"]
    if persons != households:
        return [Problem(line, "totals_disagree", {"persons": str(persons), "households": str(households)})]
    if f["kk"] == 0 and f["anggota"] > 0:
        return [Problem(line, "members_without_head")]
    return []


def next_month(today: date) -> date:
    """The first day of the month after today's: the latest month a baseline may start."""
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def _check_row(
    row: CsvRow, units: dict[str, Unit], latest: date | None
) -> tuple[BaselineEntry | None, list[Problem]]:
    missing = require_values(row, ("unit", "bulan"))
    if missing:
        return None, missing
    unit = units.get(row.get("unit"))
    period = parse_month(row.get("bulan"))
    problems = []
    if unit is None:
        problems.append(Problem(row.line, "unknown_unit", {"kode": row.get("unit")[:40]}))
    if period is None:
        problems.append(Problem(row.line, "bad_month", {"value": row.get("bulan")[:20]}))
    elif latest is not None and period > latest:
        problems.append(
            Problem(row.line, "month_ahead", {"value": f"{period:%Y-%m}", "latest": f"{latest:%Y-%m}"})
        )
    figures, bad = _figures(row)
    problems += bad or _consistency(row.line, figures)
    heads, bad_heads = _head_sex(row, figures.get("kk"))
    problems += bad_heads
    if problems or unit is None or period is None:
        return None, problems
    return BaselineEntry(row.line, unit, period, {**figures, **heads}), []


async def _history(session: AsyncSession, unit_ids: set[int]) -> set[int]:
    """Units that already have events or closed-month snapshots."""
    with_events = await session.scalars(select(Event.unit_id).where(Event.unit_id.in_(unit_ids)).distinct())
    with_snaps = await session.scalars(
        select(UnitSnapshot.unit_id).where(UnitSnapshot.unit_id.in_(unit_ids)).distinct()
    )
    return set(with_events) | set(with_snaps)


async def _latest_closed(session: AsyncSession, pekon_kodes: set[str]) -> dict[str, date]:
    rows = await session.execute(
        select(PekonMonth.pekon_kode, func.max(PekonMonth.period))
        .where(PekonMonth.pekon_kode.in_(pekon_kodes), PekonMonth.status == MonthStatus.CLOSED)
        .group_by(PekonMonth.pekon_kode)
    )
    return {kode: period for kode, period in rows.tuples()}


async def plan_baselines(
    session: AsyncSession, rows: Sequence[CsvRow], today: date | None = None
) -> list[BaselineEntry]:
    """Validate a baseline file against the database; raises ImportRejected naming the lines.

    With `today`, a month later than next month is refused too (a baseline set up ahead of time).
    """
    latest = next_month(today) if today else None
    wanted = {row.get("unit") for row in rows}
    units = {u.kode: u for u in await session.scalars(select(Unit).where(Unit.kode.in_(wanted)))}
    entries: list[BaselineEntry] = []
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for row in rows:
        entry, found = _check_row(row, units, latest)
        problems += found
        if entry is None:
            continue
        if entry.unit.kode in first:
            problems.append(
                Problem(
                    row.line, "duplicate", {"kode": entry.unit.kode, "first": str(first[entry.unit.kode])}
                )
            )
            continue
        first[entry.unit.kode] = row.line
        entries.append(entry)
    problems += await _history_problems(session, entries)
    check(sorted(problems, key=lambda p: p.line or 0))
    return entries


async def _history_problems(session: AsyncSession, entries: list[BaselineEntry]) -> list[Problem]:
    used = await _history(session, {e.unit.id for e in entries})
    closed = await _latest_closed(session, {e.unit.pekon_kode for e in entries})
    problems = []
    for e in entries:
        if e.unit.id in used:
            problems.append(Problem(e.line, "baseline_in_use", {"kode": e.unit.kode}))
        elif e.unit.pekon_kode in closed and e.period <= closed[e.unit.pekon_kode]:
            problems.append(
                Problem(
                    e.line,
                    "month_closed",
                    {"kode": e.unit.kode, "bulan": f"{closed[e.unit.pekon_kode]:%Y-%m}"},
                )
            )
    return problems


async def import_baselines(
    session: AsyncSession,
    rows: Sequence[CsvRow],
    *,
    actor_id: int | None = None,
    channel: str = "cli",
    progress: Progress | None = None,
    today: date | None = None,
) -> tuple[int, int]:
    """Validate and write the baselines; returns (created, replaced); a replacement audits old values."""
    entries = await plan_baselines(session, rows, today)
    existing = {
        b.unit_id: b
        for b in await session.scalars(
            select(Baseline).where(Baseline.unit_id.in_([e.unit.id for e in entries]))
        )
    }
    for entry in entries:
        old = existing.get(entry.unit.id)
        before = (
            None
            if old is None
            else {"bulan": f"{old.period:%Y-%m}", **{c: getattr(old, c) for c in NUMBERS + HEAD_SEX}}
        )
        if old is None:
            session.add(Baseline(unit_id=entry.unit.id, period=entry.period, **entry.figures))
        else:
            old.period = entry.period
            for column, value in entry.figures.items():
                setattr(old, column, value)
        record_audit(
            session,
            actor_member_id=actor_id,
            channel=channel,
            action="baseline.import",
            entity="unit",
            entity_id=entry.unit.kode,
            before=before,
            after={"bulan": f"{entry.period:%Y-%m}", **entry.figures},
        )
        if progress:
            progress(1)
    await session.flush()
    return len(entries) - len(existing), len(existing)
