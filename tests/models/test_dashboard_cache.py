"""The scope versions behind the dashboard's figure cache: each moves with every change of its
pekon, kecamatan or kabupaten a figure depends on (a re-sent report updates its row in place, a row
with a smaller id may commit after a larger one), never with a change elsewhere; a kept figure is
served only while its scope's version stands."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.dashboard_cache import VERSION_KEY, FigureCache, Version, scope_version
from models.event import EventKind, Sex
from models.ledger import record_event, submit_report
from models.months import close_months, reopen_month
from models.period import Baseline, ReportStatus, UnitReport
from models.person_input import PersonInput
from models.region import Unit
from tests.models.dashboard_world import DEADLINE_DAY, DEC, JAN, KEC, OTHER, A, B, at, build

NOW = at(date(2027, 1, 20))
KAB, OTHER_KEC = KEC[:5], OTHER[:8]
SCOPES = (A, KEC, KAB, OTHER_KEC, OTHER)


async def _fresh(session: AsyncSession, scope: str) -> Version | None:
    session.info.pop(VERSION_KEY, None)  # a new request
    return await scope_version(session, scope)


async def _quiet_unit(session: AsyncSession, pekon: str = A) -> Unit:
    reported = select(UnitReport.unit_id).where(UnitReport.period == JAN)
    unit = await session.scalar(
        select(Unit).where(Unit.pekon_kode == pekon, Unit.id.not_in(reported)).order_by(Unit.id)
    )
    assert unit is not None
    return unit


async def _birth(session: AsyncSession, unit: Unit, hour: int = 4) -> None:
    await record_event(session, unit=unit, kind=EventKind.LAHIR, persons=[PersonInput("Bayi", Sex.L)],
                       event_date=date(2027, 1, 18), reporter_id=None, channel="console",
                       now=at(date(2027, 1, 20), hour))  # fmt: skip


def _changes(session: AsyncSession) -> list[tuple[str, Callable[[], Awaitable[object]]]]:
    """Every kind of change a figure of pekon A depends on, in an order the ledger allows."""

    async def report(hour: int) -> None:
        unit = await session.scalar(select(Unit).where(Unit.pekon_kode == A).order_by(Unit.id.desc()))
        assert unit is not None
        when = at(date(2027, 1, 20), hour)
        await submit_report(session, unit=unit, period=JAN, status=ReportStatus.SUBMITTED, member_id=None,
                            channel="console", deadline_day=DEADLINE_DAY, now=when)  # fmt: skip

    async def event() -> None:
        await _birth(session, await _quiet_unit(session))

    async def reopen() -> None:
        await reopen_month(session, pekon_kode=A, period=DEC, actor_id=None, channel="console", reason="x",
                           now=NOW)  # fmt: skip
        await session.flush()

    async def unit() -> None:
        session.add(Unit(kode=f"{A}-09", pekon_kode=A, seq=9, nama="Pemangku 9", nama_norm="pemangku 9"))
        await session.flush()

    async def baseline() -> None:
        added = await session.scalar(select(Unit.id).where(Unit.kode == f"{A}-09"))
        assert added is not None
        zero = dict.fromkeys(("wna_l", "wna_p", "wni_l", "wni_p", "kk", "anggota"), 0)
        session.add(Baseline(unit_id=added, period=DEC, **zero))
        await session.flush()

    return [
        ("report", lambda: report(3)),
        ("event", event),
        ("re-sent report", lambda: report(5)),  # the same row, updated
        ("close", lambda: close_months(session, DEC, [A], now=NOW)),
        ("reopen", reopen),
        ("unit", unit),
        ("baseline", baseline),
    ]


async def test_a_change_in_a_pekon_moves_its_kecamatan_and_kabupaten_not_another(
    session: AsyncSession,
) -> None:
    await build(session)
    seen = {scope: [await _fresh(session, scope)] for scope in SCOPES}
    for name, change in _changes(session):
        await change()
        for scope in SCOPES:
            seen[scope].append(await _fresh(session, scope))
        for scope in (A, KEC, KAB):
            assert seen[scope][-1] != seen[scope][-2], (name, scope)
        for scope in (OTHER_KEC, OTHER):
            assert seen[scope][-1] == seen[scope][0], (name, scope)


async def test_kept_figures_are_recomputed_in_the_scope_that_moved_only(session: AsyncSession) -> None:
    await build(session)
    cache, computed = FigureCache(), Counter[str]()

    async def figures() -> None:
        session.info.pop(VERSION_KEY, None)  # a new request
        for scope in SCOPES:
            for events in (True, False):

                async def compute(scope: str = scope) -> str:
                    computed[scope] += 1
                    return scope

                assert await cache.get(session, (scope, events), compute, scope=scope, events=events) == scope

    await figures()
    await figures()
    assert computed == dict.fromkeys(SCOPES, 2)  # computed once each, then kept
    for name, change in _changes(session):
        before = computed.copy()
        await change()
        await figures()
        moved = 1 if name == "event" else 2  # an event moves the figures that count events only
        assert {s: computed[s] - before[s] for s in SCOPES} == {A: moved, KEC: moved, KAB: moved,
                                                                 OTHER_KEC: 0, OTHER: 0}, name  # fmt: skip


async def test_a_kept_figure_is_served_while_the_version_stands(session: AsyncSession) -> None:
    await build(session)
    cache, calls = FigureCache(size=2), []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    assert [await cache.get(session, "k", compute, scope=KEC) for _ in range(3)] == [1, 1, 1]
    session.info[VERSION_KEY] = {KEC: ("moved",)}
    assert await cache.get(session, "k", compute, scope=KEC) == 2
    for key in ("a", "b"):  # the least recently used goes past the size
        await cache.get(session, key, compute, scope=KEC)
    assert await cache.get(session, "k", compute, scope=KEC) == 5
    assert [await cache.get(session, "x", compute, scope="18") for _ in range(2)] == [6, 7]  # no region


async def test_a_figure_without_events_is_kept_across_an_event_not_a_report(session: AsyncSession) -> None:
    await build(session)
    unit = await _quiet_unit(session)
    cache, calls = FigureCache(), []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    async def both() -> tuple[int, int]:
        session.info.pop(VERSION_KEY, None)  # a new request
        grid = await cache.get(session, "grid", compute, scope=KEC, events=False)
        return grid, await cache.get(session, "b3", compute, scope=KEC)

    assert await both() == (1, 2)
    await _birth(session, unit)
    assert await both() == (1, 3)  # the event moves what counts events, not the grid
    await submit_report(session, unit=unit, period=JAN, status=ReportStatus.SUBMITTED, member_id=None,
                        channel="console", deadline_day=DEADLINE_DAY, now=NOW)  # fmt: skip
    assert await both() == (4, 5)  # a report moves both


async def test_an_event_committed_after_a_later_one_still_moves_the_version(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """PostgreSQL hands out ids before commit: the smaller id commits last. (SQLite has one writer.)"""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite writers are serialised: ids commit in order")
    await build(session)
    async with sessionmaker() as first, sessionmaker() as second, sessionmaker() as reader:
        await _birth(first, await _quiet_unit(first, A))  # the smaller id, not yet committed
        await _birth(second, await _quiet_unit(second, B))  # the larger id, committed first
        await second.commit()
        seen = await _fresh(reader, KEC)
        await reader.rollback()
        await first.commit()
        assert await _fresh(reader, KEC) != seen


async def test_any_writer_moves_the_version_and_a_rolled_back_one_does_not(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """The marks are kept by the database's triggers: an operator's SQL moves them as the chat does,
    and a write rolled back leaves them where they were."""
    await build(session)
    await session.commit()
    before, elsewhere = await _fresh(session, KEC), await _fresh(session, OTHER_KEC)
    await session.rollback()
    async with sessionmaker() as operator:
        await operator.execute(text("UPDATE unit_report SET late = NOT late WHERE unit_id IN "
                                    "(SELECT id FROM unit WHERE pekon_kode = :a)"), {"a": A})  # fmt: skip
        await operator.rollback()
    assert await _fresh(session, KEC) == before
    await session.rollback()
    async with sessionmaker() as operator:
        await operator.execute(text("DELETE FROM baseline WHERE unit_id IN "
                                    "(SELECT id FROM unit WHERE pekon_kode = :a)"), {"a": A})  # fmt: skip
        await operator.commit()
    moved = await _fresh(session, KEC)
    assert moved is not None and before is not None
    assert moved[0] == before[0] and moved[1] > before[1]  # not an event: the grid's part moved
    assert await _fresh(session, OTHER_KEC) == elsewhere


async def test_one_statement_over_two_pekon_moves_each_by_its_own_rows(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """PostgreSQL's triggers run once per statement: each pekon's row still counts its own rows
    (an update counts the old and the new row, as SQLite's row triggers do)."""
    await build(session)
    await session.commit()
    before = {scope: await _fresh(session, scope) for scope in (KEC, OTHER_KEC, KAB)}
    units = {
        pekon: len(list(await session.scalars(select(Unit.id).where(Unit.pekon_kode == pekon))))
        for pekon in (A, OTHER)
    }
    await session.rollback()
    async with sessionmaker() as operator:
        await operator.execute(
            text("UPDATE unit SET nama = nama WHERE pekon_kode IN (:a, :o)"), {"a": A, "o": OTHER}
        )
        await operator.commit()
    after = {scope: await _fresh(session, scope) for scope in (KEC, OTHER_KEC, KAB)}
    moved = {scope: after[scope][1] - before[scope][1] for scope in after}  # type: ignore[index]
    assert moved == {KEC: 2 * units[A], OTHER_KEC: 2 * units[OTHER], KAB: 2 * (units[A] + units[OTHER])}
    assert all(after[scope][0] == before[scope][0] for scope in after)  # type: ignore[index]
