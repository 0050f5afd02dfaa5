"""Which month a monthly report or a status is about (the reporting-month rule)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import add_months, month_of, wib_date
from models.event import EventPerson
from models.ledger import latest_closed
from models.period import Baseline, UnitReport
from models.region import Unit


async def reporting_period(session: AsyncSession, unit: Unit, now: datetime) -> date:
    """The month a pemangku's Kirim or Nihil is about.

    The previous month while it is still open for the pekon and this unit has not reported it
    (whatever the date: an open, unreported month must be reported before the next one, and the
    confirmation always names the month); otherwise the current month.
    """
    current = month_of(wib_date(now))
    previous = add_months(current, -1)
    closed = await latest_closed(session, unit.pekon_kode)
    if closed is not None and closed >= previous:
        return current
    started = await session.scalar(select(Baseline.period).where(Baseline.unit_id == unit.id))
    if started is not None and started > previous:
        return current
    reported = await session.scalar(
        select(UnitReport.id).where(UnitReport.unit_id == unit.id, UnitReport.period == previous)
    )
    return current if reported is not None else previous


async def staff_period(session: AsyncSession, pekon_kode: str, now: datetime) -> date:
    """The month staff look at: the previous month until it is closed, then the current one."""
    current = month_of(wib_date(now))
    previous = add_months(current, -1)
    closed = await latest_closed(session, pekon_kode)
    return current if closed is not None and closed >= previous else previous


async def kind_counts(session: AsyncSession, unit_id: int, period: date) -> dict[str, int]:
    """Persons per kind counting in a unit's month (corrections included, so net)."""
    rows = await session.execute(
        select(EventPerson.kind, func.sum(EventPerson.sign))
        .where(EventPerson.unit_id == unit_id, EventPerson.period == period)
        .group_by(EventPerson.kind)
    )
    counts = {"lahir": 0, "meninggal": 0, "datang": 0, "pindah": 0}
    counts.update({kind: int(total or 0) for kind, total in rows})
    return counts
