"""Which month a monthly report or a status is about (the reporting-month rule)."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.month_names import parse_month_name
from handlers.show import show_month
from handlers.texts import month_words
from models.base import add_months, month_of, wib_date
from models.event import EventPerson
from models.months import latest_closed
from models.mutasi import first_period
from models.period import Baseline, MonthStatus, PekonMonth, UnitReport
from models.region import Unit


async def reporting_period(session: AsyncSession, unit: Unit, now: datetime) -> date:
    """The month a pemangku's Kirim or Nihil is about: the earliest month before the current one
    that is still open for the pekon and not yet reported by this unit, else the current month.

    Months considered: the previous month, and any earlier month the pekon has an open month row
    for (something happened in it); never before the unit's baseline or a closed month. So months
    are reported in order, every open month can be reported, and the confirmation names the month.
    """
    current = month_of(wib_date(now))
    candidates = {add_months(current, -1)}
    candidates |= set(
        await session.scalars(
            select(PekonMonth.period).where(
                PekonMonth.pekon_kode == unit.pekon_kode,
                PekonMonth.status == MonthStatus.OPEN,
                PekonMonth.period < current,
            )
        )
    )
    closed = await latest_closed(session, unit.pekon_kode)
    started = await session.scalar(_UNIT_START, {"unit_id": unit.id})
    reported = set(
        await session.scalars(
            select(UnitReport.period).where(UnitReport.unit_id == unit.id, UnitReport.period.in_(candidates))
        )
    )
    for period in sorted(candidates):
        too_early = (closed is not None and period <= closed) or (started is not None and period < started)
        if not too_early and period not in reported:
            return period
    return current


async def staff_period(session: AsyncSession, pekon_kode: str, now: datetime) -> date:
    """The month staff look at and close: the earliest month before the current one that is still
    open (months close in order), else the current month; never before the pekon's first month."""
    default = await _staff_default(session, pekon_kode, now)
    first = await first_period(session, pekon_kode)
    return default if first is None else max(default, first)


async def asked_period(
    session: AsyncSession, pekon_kodes: list[str], now: datetime, asked: str
) -> date | str:
    """The month a person named (e.g. "november", "10/2026", "bulan lalu"), or the kind reply why
    it cannot be shown: not a month, a month to come, or a month before the first month of data."""
    today = wib_date(now)
    period = parse_month_name(asked, today)
    if period is None:
        return month_words.MONTH_UNKNOWN.format(typed=asked.strip()[:40])
    if period > month_of(today):
        return month_words.MONTH_FUTURE.format(bulan=show_month(period))
    first = await first_period(session, *pekon_kodes)
    if first is not None and period < first:
        return month_words.MONTH_BEFORE_START.format(bulan=show_month(period), mulai=show_month(first))
    return period


async def _staff_default(session: AsyncSession, pekon_kode: str, now: datetime) -> date:
    current = month_of(wib_date(now))
    previous = add_months(current, -1)
    earliest: date | None = await session.scalar(
        select(func.min(PekonMonth.period)).where(
            PekonMonth.pekon_kode == pekon_kode,
            PekonMonth.status == MonthStatus.OPEN,
            PekonMonth.period < previous,
        )
    )
    if earliest is not None:
        return earliest
    closed = await latest_closed(session, pekon_kode)
    return current if closed is not None and closed >= previous else previous


# A status turn's statements, built once (a statement object keeps its cache key, so each turn
# only binds values) on the tables, as Core, which skips the ORM's per-statement setup.
_BASELINE = cast(Table, Baseline.__table__)
_REPORT = cast(Table, UnitReport.__table__)
_PERSON = cast(Table, EventPerson.__table__)
_UNIT_START = select(_BASELINE.c.period).where(_BASELINE.c.unit_id == bindparam("unit_id"))
_REPORT_STATES = select(_REPORT.c.period, _REPORT.c.status).where(
    _REPORT.c.unit_id == bindparam("unit_id"), _REPORT.c.period.in_(bindparam("periods", expanding=True))
)
_KIND_COUNTS = (
    select(_PERSON.c.period, _PERSON.c.kind, func.sum(_PERSON.c.sign))
    .where(
        _PERSON.c.unit_id == bindparam("unit_id"), _PERSON.c.period.in_(bindparam("periods", expanding=True))
    )
    .group_by(_PERSON.c.period, _PERSON.c.kind)
)


async def status_periods(session: AsyncSession, unit: Unit, now: datetime) -> list[date]:
    """The months a pemangku's status shows: the previous and the current one, from the unit's start."""
    current = month_of(wib_date(now))
    started = await session.scalar(_UNIT_START, {"unit_id": unit.id})
    return [p for p in (add_months(current, -1), current) if started is None or p >= started]


async def kind_counts(session: AsyncSession, unit_id: int, period: date) -> dict[str, int]:
    """Persons per kind counting in a unit's month (corrections included, so net)."""
    return (await months_kind_counts(session, unit_id, [period]))[period]


async def months_kind_counts(
    session: AsyncSession, unit_id: int, periods: list[date]
) -> dict[date, dict[str, int]]:
    """`kind_counts` of several months of a unit, in one query."""
    rows = await session.execute(_KIND_COUNTS, {"unit_id": unit_id, "periods": periods})
    counts = {period: {"lahir": 0, "meninggal": 0, "datang": 0, "pindah": 0} for period in periods}
    for period, kind, total in rows:
        counts[period][kind] = int(total or 0)
    return counts


async def report_states(session: AsyncSession, unit_id: int, periods: list[date]) -> dict[date, str]:
    """A unit's report status (submitted, nihil) of each of these months that has one."""
    rows = await session.execute(_REPORT_STATES, {"unit_id": unit_id, "periods": periods})
    return {period: status for period, status in rows}
