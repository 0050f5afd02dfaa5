"""The B.3 total rows of many pekon over many months at once (the dashboard's tables and trends): the
closed months' snapshots summed in one statement, each month still open by the live statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.b3_rows import FIGURES
from models.b3_statement import PEKON_KODES, scoped_b3_select
from models.period import Baseline, MonthStatus, PekonMonth, UnitSnapshot
from models.region import Unit


async def pekon_totals(
    session: AsyncSession, pekon_kodes: Sequence[str], period: date
) -> dict[str, dict[str, int]]:
    """The figures of each pekon's B.3 total row for a month, read as compute_b3 reads them (the
    snapshots of a closed month, the live statement for an open one). A pekon without units in the
    month is absent."""
    return (await pekon_totals_months(session, pekon_kodes, [period]))[period]


async def pekon_totals_months(
    session: AsyncSession, pekon_kodes: Sequence[str], periods: Sequence[date]
) -> dict[date, dict[str, dict[str, int]]]:
    """pekon_totals of each month in `periods`: two statements for every closed month together,
    and one live statement per month that some of the pekon have still open (the open months of a
    pekon are those after its latest closed one, so usually only the last one or two)."""
    closed = (
        select(PekonMonth.pekon_kode, PekonMonth.period, PekonMonth.revision)
        .where(
            PekonMonth.pekon_kode.in_(pekon_kodes),
            PekonMonth.period.in_(periods),
            PekonMonth.status == MonthStatus.CLOSED,
        )
        .subquery("closed")
    )
    snap = UnitSnapshot.__table__.c
    snaps = (
        select(snap.pekon_kode, snap.period, *(func.sum(snap[c]).label(c) for c in FIGURES))
        .join(
            closed,
            and_(
                closed.c.pekon_kode == snap.pekon_kode,
                closed.c.period == snap.period,
                closed.c.revision == snap.revision,
            ),
        )
        .group_by(snap.pekon_kode, snap.period)
    )
    out: dict[date, dict[str, dict[str, int]]] = {p: {} for p in periods}
    for r in await session.execute(snaps):
        out[r.period][r.pekon_kode] = {c: int(getattr(r, c)) for c in FIGURES}
    done = set((await session.execute(select(closed.c.pekon_kode, closed.c.period))).tuples())
    starts = await _first_months(session, pekon_kodes)
    for period in periods:
        # a month before all of a pekon's units started has no row: no live statement for it
        still_open = sorted(k for k, first in starts.items() if (k, period) not in done and first <= period)
        if still_open:
            out[period].update(await _live_totals(session, still_open, period))
    return out


async def _first_months(session: AsyncSession, pekon_kodes: Sequence[str]) -> dict[str, date]:
    """Each pekon's first month: its earliest unit baseline; date.min if a unit has none."""
    first = func.min(func.coalesce(Baseline.period, date.min))
    stmt = (
        select(Unit.pekon_kode, first)
        .outerjoin(Baseline, Baseline.unit_id == Unit.id)
        .where(Unit.pekon_kode.in_(pekon_kodes))
        .group_by(Unit.pekon_kode)
    )
    return dict((await session.execute(stmt)).tuples().all())


async def _live_totals(
    session: AsyncSession, pekon_kodes: list[str], period: date
) -> dict[str, dict[str, int]]:
    """The B.3 total rows of open months, summed from the live statement."""
    sums = _live_sums(period)
    found = await session.execute(sums, {PEKON_KODES: pekon_kodes})
    return {r.pekon_kode: {c: int(getattr(r, c)) for c in FIGURES} for r in found}


@lru_cache(maxsize=64)
def _live_sums(period: date) -> Select[Any]:
    live = scoped_b3_select(period).subquery("live")
    return select(live.c.pekon_kode, *(func.sum(live.c[c]).label(c) for c in FIGURES)).group_by(
        live.c.pekon_kode
    )
