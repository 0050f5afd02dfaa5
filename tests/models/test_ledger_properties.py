"""Property tests of the ledger: random sequences of events, corrections, late reports, NIHIL and month
closes, on SQLite and PostgreSQL. After every sequence the B.3 books must still add up."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import make_engine, make_sessionmaker
from models.b3_rows import AKHIR, AWAL, FIGURES, GROUPS, HOUSEHOLD, MOVES, B3Table
from models.base import Base, add_months, last_day
from models.event import Citizenship, Event, EventKind, Sex
from models.ledger import LedgerError, correct_event, record_event, submit_report
from models.months import close_months
from models.period import ReportStatus
from models.person_input import PersonInput
from models.recap import compute_b3
from models.region import Unit
from tests.factories import TRIMULYO, seed_pekon

START = date(2026, 10, 1)

persons = st.builds(
    PersonInput,
    name=st.sampled_from(["Siti", "Budi Santoso", "Made", "Wayan"]),
    sex=st.sampled_from(Sex),
    citizenship=st.sampled_from([Citizenship.WNI, Citizenship.WNI, Citizenship.WNA]),
    is_head=st.booleans(),
)


@dataclass(frozen=True)
class Report:
    unit: int
    kind: EventKind
    people: tuple[PersonInput, ...]
    days_back: int  # how long before "today" it happened: late reports cross closed months


@dataclass(frozen=True)
class Correct:
    pick: int
    people: tuple[PersonInput, ...] | None  # None cancels


@dataclass(frozen=True)
class Submit:
    unit: int
    nihil: bool


@dataclass(frozen=True)
class CloseAndAdvance:
    pass


Op = Report | Correct | Submit | CloseAndAdvance
Frozen = dict[date, list[list[Any]]]  # closed month -> its B.3 rows as first seen

ops = st.lists(
    st.one_of(
        st.builds(
            Report,
            st.integers(0, 2),
            st.sampled_from(EventKind),
            st.lists(persons, min_size=1, max_size=3).map(tuple),
            st.integers(0, 70),
        ),
        st.builds(
            Correct, st.integers(0, 50), st.none() | st.lists(persons, min_size=1, max_size=2).map(tuple)
        ),
        st.builds(Submit, st.integers(0, 2), st.booleans()),
        st.just(CloseAndAdvance()),
    ),
    min_size=1,
    max_size=25,
)


def fix_heads(kind: EventKind, people: tuple[PersonInput, ...]) -> list[PersonInput]:
    """Births have no head of family; a group has at most one."""
    fixed, head_seen = [], False
    for p in people:
        head = p.is_head and kind != EventKind.LAHIR and not head_seen
        head_seen = head_seen or head
        fixed.append(PersonInput(p.name, p.sex, p.citizenship, head))
    return fixed


def assert_row_identities(table: B3Table) -> None:
    for row in [*table.rows, table.total]:
        c = row.columns()
        assert c[2] + c[3] + c[4] + c[5] == c[8] == c[6] + c[7]
        assert c[25] + c[26] + c[27] + c[28] == c[31] == c[29] + c[30]
        assert all(row.figures[f] >= 0 for f in FIGURES), row
        f = row.figures
        for g in GROUPS:
            assert f[f"akhir_{g}"] == (
                f[f"awal_{g}"] + f[f"lahir_{g}"] + f[f"datang_{g}"] - f[f"meninggal_{g}"] - f[f"pindah_{g}"]
            )
    for name in AWAL + MOVES + AKHIR:
        assert table.total.figures[name] == sum(r.figures[name] for r in table.rows)


async def apply(session: AsyncSession, units: list[Unit], op: Op, month: date, frozen: Frozen) -> date:
    """Apply one operation; returns the current month (it moves on CloseAndAdvance)."""
    now = datetime.combine(last_day(month) - timedelta(days=2), datetime.min.time(), UTC)
    today = now.date()
    try:
        if isinstance(op, Report):
            await record_event(
                session,
                unit=units[op.unit],
                kind=op.kind,
                persons=fix_heads(op.kind, op.people),
                event_date=max(START, today - timedelta(days=op.days_back)),
                reporter_id=None,
                channel="console",
                now=now,
            )
        elif isinstance(op, Correct):
            events = list(await session.scalars(select(Event).order_by(Event.id)))
            if events:
                target = events[op.pick % len(events)]
                unit = next(u for u in units if u.id == target.unit_id)
                people = None if op.people is None else fix_heads(EventKind(target.kind), op.people)
                await correct_event(
                    session,
                    original=target,
                    unit=unit,
                    persons=people,
                    reason="salah ketik",
                    actor_id=None,
                    channel="console",
                    now=now,
                )
        elif isinstance(op, Submit):
            status = ReportStatus.NIHIL if op.nihil else ReportStatus.SUBMITTED
            await submit_report(
                session,
                unit=units[op.unit],
                period=month,
                status=status,
                member_id=None,
                channel="console",
                deadline_day=5,
                now=now,
            )
        else:
            await close_months(session, month, [TRIMULYO], now=now + timedelta(days=3))
            await session.commit()
            frozen[month] = [r.columns() for r in (await compute_b3(session, TRIMULYO, month)).rows]
            hypothesis_event("closed a month")
            return add_months(month, 1)
        await session.commit()
    except LedgerError as refused:
        hypothesis_event(f"refused: {refused.code}")
        await session.rollback()
        for unit in units:  # a rollback expires loaded rows; reload them outside lazy loading
            await session.refresh(unit)
    return month


async def scenario(db_url: str, sequence: list[Op]) -> None:
    engine = make_engine(db_url)
    try:
        async with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                await conn.execute(delete(table))
        async with make_sessionmaker(engine)() as session:
            units = await seed_pekon(session, units=3, baseline_period=START)
            month, frozen = START, Frozen()
            for op in sequence:
                month = await apply(session, units, op, month, frozen)
            susulan = await session.scalar(select(func.count(Event.id)).where(Event.susulan.is_(True)))
            hypothesis_event(
                f"susulan events: {min(int(susulan or 0), 2)}{'+' if (susulan or 0) >= 2 else ''}"
            )
            await check_books(session, month, frozen)
    finally:
        await engine.dispose()


async def check_books(session: AsyncSession, last: date, frozen: Frozen) -> None:
    month, previous = START, None
    while month <= last:
        table = await compute_b3(session, TRIMULYO, month)
        assert_row_identities(table)
        if month in frozen:
            assert [r.columns() for r in table.rows] == frozen[month]  # byte-identical after later activity
        if previous is not None:
            for before, after in zip(previous.rows, table.rows, strict=True):
                for g in GROUPS + HOUSEHOLD:
                    assert before.figures[f"akhir_{g}"] == after.figures[f"awal_{g}"]
        previous, month = table, add_months(month, 1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=ops)
def test_books_always_balance(db_url: str, sequence: list[Op]) -> None:
    asyncio.run(scenario(db_url, sequence))
