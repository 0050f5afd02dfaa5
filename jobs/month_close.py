"""The automatic month close, `close_after_deadline_days` after the deadline, for every pekon that
has units in that month (a pekon whose baselines start later has nothing to close yet).

Months close in order (the ledger refuses a month while an earlier one is open). A month that staff
reopened is theirs to close again with "tutup bulan"; it is closed by this pass at the latest when
the next month is due to close, so one forgotten reopen cannot hold the books back for ever.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.context import JobContext, Schedule, recent_periods
from models.base import wib_date
from models.beneficiary import BeneficiaryList
from models.beneficiary_match import refresh_matches
from models.months import close_months
from models.mutasi import active_pekon
from models.period import MonthStatus, PekonMonth


def due_period(schedule: Schedule, now: datetime) -> date | None:
    """The latest month whose close day has come (WIB)."""
    today = wib_date(now)
    due = [p for p in recent_periods(now) if schedule.close_day(p) <= today]
    return due[-1] if due else None


async def _open_before(session: AsyncSession, period: date) -> list[tuple[date, str]]:
    stmt = (
        select(PekonMonth.period, PekonMonth.pekon_kode)
        .where(PekonMonth.period < period, PekonMonth.status == MonthStatus.OPEN)
        .order_by(PekonMonth.period, PekonMonth.pekon_kode)
    )
    return [(row.period, row.pekon_kode) for row in await session.execute(stmt)]


async def _reopened(session: AsyncSession, period: date) -> list[str]:
    stmt = select(PekonMonth.pekon_kode).where(
        PekonMonth.period == period, PekonMonth.status == MonthStatus.OPEN, PekonMonth.revision > 0
    )
    return list(await session.scalars(stmt))


async def close_due_months(session: AsyncSession, period: date, now: datetime) -> int:
    """Close earlier months left open, then `period` for every active pekon not reopened by staff."""
    closed = 0
    earlier: dict[date, list[str]] = {}
    for month, pekon in await _open_before(session, period):
        earlier.setdefault(month, []).append(pekon)
    for month, pekons in sorted(earlier.items()):
        closed += await close_months(session, month, pekons, now=now)
    reopened = set(await _reopened(session, period))
    scope = [k for k in await active_pekon(session, period) if k not in reopened]
    return closed + (await close_months(session, period, scope, now=now) if scope else 0)


async def run_month_close(ctx: JobContext, now: datetime) -> int:
    """Close the month that is due and every earlier month left open; returns how many pekon-months."""
    period = due_period(ctx.schedule, now)
    if period is None:
        return 0
    async with ctx.pass_session("close") as session:
        closed = await close_due_months(session, period, now)
        await session.commit()
        if closed:  # the month's deaths and moves against the beneficiary lists (Daftar Bantuan reads)
            await refresh_listed_pekon(session)
            await session.commit()
    return closed


async def refresh_listed_pekon(session: AsyncSession) -> int:
    """refresh_matches for every pekon with a current beneficiary list; returns the new matches."""
    listed = select(BeneficiaryList.pekon_kode).where(BeneficiaryList.replaced_by_id.is_(None)).distinct()
    return sum([await refresh_matches(session, kode) for kode in await session.scalars(listed)])
