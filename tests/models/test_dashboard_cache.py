"""The ledger version behind the dashboard's figure cache moves with every change a figure depends
on (a re-sent report updates its row in place), and a kept figure is served only while it stands."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.dashboard_cache import VERSION_KEY, FigureCache, ledger_version
from models.event import EventKind, Sex
from models.ledger import PersonInput, record_event, submit_report
from models.months import close_months, reopen_month
from models.period import ReportStatus, UnitReport
from models.region import Unit
from tests.models.dashboard_world import DEADLINE_DAY, DEC, JAN, A, at, build

NOW = at(date(2027, 1, 20))


async def _fresh(session: AsyncSession) -> tuple[object, ...]:
    session.info.pop(VERSION_KEY, None)  # a new request
    return await ledger_version(session)


async def test_the_version_moves_with_every_change_of_the_figures(session: AsyncSession) -> None:
    await build(session)
    reported = select(UnitReport.unit_id).where(UnitReport.period == JAN)
    unit = await session.scalar(select(Unit).where(Unit.pekon_kode == A, Unit.id.not_in(reported)))
    assert unit is not None
    seen = [await _fresh(session)]

    async def report(status: ReportStatus, hour: int) -> None:
        await submit_report(session, unit=unit, period=JAN, status=status, member_id=None, channel="console",
                            deadline_day=DEADLINE_DAY, now=at(date(2027, 1, 20), hour))  # fmt: skip

    await report(ReportStatus.SUBMITTED, 3)
    seen.append(await _fresh(session))
    await record_event(session, unit=unit, kind=EventKind.LAHIR, persons=[PersonInput("Bayi", Sex.L)],
                       event_date=date(2027, 1, 18), reporter_id=None, channel="console",
                       now=at(date(2027, 1, 20), 4))  # fmt: skip
    seen.append(await _fresh(session))
    await report(ReportStatus.SUBMITTED, 5)  # the same row, re-sent
    seen.append(await _fresh(session))
    await close_months(session, DEC, [A], now=NOW)
    seen.append(await _fresh(session))
    await reopen_month(
        session, pekon_kode=A, period=DEC, actor_id=None, channel="console", reason="x", now=NOW
    )
    await session.flush()
    seen.append(await _fresh(session))
    assert len(set(seen)) == len(seen), seen


async def test_a_kept_figure_is_served_while_the_version_stands(session: AsyncSession) -> None:
    await build(session)
    cache, calls = FigureCache(size=2), []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    assert [await cache.get(session, "k", compute) for _ in range(3)] == [1, 1, 1]
    session.info[VERSION_KEY] = ("moved",)
    assert await cache.get(session, "k", compute) == 2
    for key in ("a", "b"):  # the least recently used goes past the size
        await cache.get(session, key, compute)
    assert await cache.get(session, "k", compute) == 5


async def test_a_figure_without_events_is_kept_across_an_event_not_a_report(session: AsyncSession) -> None:
    await build(session)
    reported = select(UnitReport.unit_id).where(UnitReport.period == JAN)
    unit = await session.scalar(select(Unit).where(Unit.pekon_kode == A, Unit.id.not_in(reported)))
    assert unit is not None
    cache, calls = FigureCache(), []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    async def both() -> tuple[int, int]:
        session.info.pop(VERSION_KEY, None)  # a new request
        grid = await cache.get(session, "grid", compute, events=False)
        return grid, await cache.get(session, "b3", compute)

    assert await both() == (1, 2)
    await record_event(session, unit=unit, kind=EventKind.LAHIR, persons=[PersonInput("Bayi", Sex.L)],
                       event_date=date(2027, 1, 18), reporter_id=None, channel="console",
                       now=at(date(2027, 1, 20), 4))  # fmt: skip
    assert await both() == (1, 3)  # the event moves what counts events, not the grid
    await submit_report(session, unit=unit, period=JAN, status=ReportStatus.SUBMITTED, member_id=None,
                        channel="console", deadline_day=DEADLINE_DAY, now=NOW)  # fmt: skip
    assert await both() == (4, 5)  # a report moves both
