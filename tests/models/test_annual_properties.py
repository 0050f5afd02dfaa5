"""Property tests of the annual recap, on SQLite and PostgreSQL: random months of reports, late
reports, corrections, a reopened month, closes up to a random month; then the year must be the sum of
its closed months, its closing December's closing and the next year's opening, and a closed year must
read back identically after later activity."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import make_engine, make_sessionmaker
from models.annual import AnnualRecap, Level, annual_recap
from models.b3_rows import AKHIR, AWAL, HEADS, MOVES
from models.base import Base, add_months, last_day
from models.event import EventKind, Sex
from models.ledger import LedgerError, record_event
from models.months import close_months, reopen_month
from models.period import Baseline
from models.person_input import PersonInput
from models.recap import compute_b3
from models.region import Unit
from tests.factories import TRIMULYO, seed_pekon

YEAR = 2026
JANUARY = date(YEAR, 1, 1)
LATE_UNIT_START = date(YEAR, 5, 1)  # the third unit's baseline: it joins the books in May


@dataclass(frozen=True)
class Move:
    month: int  # 0..12: January of YEAR .. January of the next year
    unit: int
    kind: EventKind
    sex: Sex
    head: bool
    days_back: int  # > 0 reaches into a closed month: a late (susulan) report


moves = st.lists(
    st.builds(
        Move,
        st.integers(0, 12),
        st.integers(0, 2),
        st.sampled_from(EventKind),
        st.sampled_from(Sex),
        st.booleans(),
        st.sampled_from([0, 0, 0, 40]),
    ),
    max_size=20,
)


async def _seed(session: AsyncSession) -> list[Unit]:
    units = await seed_pekon(session, units=3, baseline_period=JANUARY)
    await session.execute(update(Baseline).values(kk_l=50, kk_p=20))
    await session.execute(
        update(Baseline).where(Baseline.unit_id == units[2].id).values(period=LATE_UNIT_START)
    )
    await session.commit()
    return units


async def _record(session: AsyncSession, unit: Unit, move: Move, month: date) -> None:
    now = datetime.combine(last_day(month) - timedelta(days=1), datetime.min.time(), UTC)
    head = move.head and move.kind != EventKind.LAHIR
    try:
        await record_event(
            session,
            unit=unit,
            kind=move.kind,
            persons=[PersonInput("Warga", move.sex, is_head=head)],
            event_date=max(JANUARY, now.date() - timedelta(days=move.days_back)),
            reporter_id=None,
            channel="console",
            now=now,
        )
        await session.commit()
    except LedgerError:  # a figure would go negative (or the unit had not started): refused
        await session.rollback()
        for u in await session.scalars(select(Unit)):
            await session.refresh(u)


async def _close(session: AsyncSession, month: date, reopen: bool, units: list[Unit]) -> None:
    closing = datetime.combine(add_months(month, 1) + timedelta(days=11), datetime.min.time(), UTC)
    await close_months(session, month, [TRIMULYO], now=closing)
    await session.commit()
    if reopen:  # a mistake found: reopened, corrected, closed again as revision 2
        await reopen_month(
            session,
            pekon_kode=TRIMULYO,
            period=month,
            actor_id=None,
            channel="console",
            reason="koreksi",
            now=closing + timedelta(minutes=30),
        )
        await _record(session, units[0], Move(0, 0, EventKind.LAHIR, Sex.P, False, 0), month)
        await close_months(session, month, [TRIMULYO], now=closing + timedelta(hours=1))
        await session.commit()


async def _run(session: AsyncSession, plan: list[Move], closed_upto: int, reopen_at: int) -> list[Unit]:
    units = await _seed(session)
    for index in range(13):
        month = add_months(JANUARY, index)
        for move in (m for m in plan if m.month == index):
            await _record(session, units[move.unit], move, month)
        if index < closed_upto:
            await _close(session, month, index == reopen_at, units)
    return units


async def check_year(session: AsyncSession, closed_upto: int) -> None:
    year = await annual_recap(session, YEAR, Level.PEKON, TRIMULYO)
    closed = [add_months(JANUARY, i) for i in range(min(closed_upto, 12))]
    assert year.provisional == (closed_upto < 12)
    assert [m.period for m in year.open_months] == [date(YEAR, m, 1) for m in range(len(closed) + 1, 13)]
    if not closed:
        assert year.rows == []
        return
    tables = [await compute_b3(session, TRIMULYO, p) for p in closed]
    for row in year.rows:
        monthly = [r for t in tables for r in t.rows if r.unit_kode == row.kode]
        assert row.months == len(monthly)
        for column in MOVES:  # the year's movements = the sum of its closed months, column by column
            assert row.figures[column] == sum(r.figures[column] for r in monthly)
        assert [row.figures[c] for c in AWAL] == [monthly[0].figures[c] for c in AWAL]
        assert [row.figures[c] for c in AKHIR] == [monthly[-1].figures[c] for c in AKHIR]
        assert [row.heads[h] for h in HEADS[:2]] == [monthly[0].heads[h] for h in HEADS[:2]]
        assert [row.heads[h] for h in HEADS[2:]] == [monthly[-1].heads[h] for h in HEADS[2:]]
    total = year.total
    for column in MOVES:
        assert total.figures[column] == sum(t.total.figures[column] for t in tables)
    assert {c: total.figures[c] for c in AKHIR} == {c: tables[-1].total.figures[c] for c in AKHIR}
    if closed_upto == 13:  # December's closing is the next year's opening, KK by sex included
        following = await annual_recap(session, YEAR + 1, Level.PEKON, TRIMULYO)
        for this, after in zip(year.rows, following.rows, strict=True):
            for c in AKHIR:
                assert this.figures[c] == after.figures[c.replace("akhir", "awal")]
            assert this.heads["akhir_kk_p"] == after.heads["awal_kk_p"]


async def _later_activity(session: AsyncSession, units: list[Unit]) -> None:
    """Reports in the next year after the year was closed: they must not change it."""
    month = add_months(JANUARY, 13)
    for kind in (EventKind.LAHIR, EventKind.MENINGGAL):
        move = Move(13, 0, kind, Sex.L, False, 400)  # dated in the closed year: counts as susulan
        await _record(session, units[0], move, month)
    await close_months(session, month, [TRIMULYO], now=datetime(YEAR + 1, 3, 12, tzinfo=UTC))
    await session.commit()


def frozen(year: AnnualRecap) -> str:
    """Everything the recap says, as text."""
    return repr(asdict(year))


async def scenario(db_url: str, plan: list[Move], closed_upto: int, reopen_at: int) -> None:
    engine = make_engine(db_url)
    try:
        async with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                await conn.execute(delete(table))
        async with make_sessionmaker(engine)() as session:
            units = await _run(session, plan, closed_upto, reopen_at)
            await check_year(session, closed_upto)
            if closed_upto >= 12:
                before = frozen(await annual_recap(session, YEAR, Level.PEKON, TRIMULYO))
                if closed_upto == 13:
                    await _later_activity(session, units)
                assert frozen(await annual_recap(session, YEAR, Level.PEKON, TRIMULYO)) == before
    finally:
        await engine.dispose()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=moves, closed_upto=st.sampled_from([0, 5, 12, 13, 13]), reopen_at=st.integers(-1, 12))
def test_year_is_its_closed_months(db_url: str, plan: list[Move], closed_upto: int, reopen_at: int) -> None:
    asyncio.run(scenario(db_url, plan, closed_upto, reopen_at))
