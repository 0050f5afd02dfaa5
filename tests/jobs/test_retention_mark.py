"""The outbox walk's watermark (SQLite and PostgreSQL, injected clock): a second run reads only the
rows past it; it stops at a row that must stay whole for now and goes on once it may; an old
keyboard is let go, a waiting edit holds its row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from jobs.context import JobContext, Schedule
from jobs.retention import run_retention
from models.conversation import Conversation
from models.outbox import OutboxMessage, OutboxStatus
from models.retention_outbox import OUTBOX, read_mark

NOW = datetime(2027, 3, 10, 3, tzinfo=UTC)
OLD = NOW - timedelta(days=40)
TEXT = {"text": "Halo Budi, NIK ************1234"}


async def _add(sessionmaker: async_sessionmaker[AsyncSession], *rows: tuple[datetime, str]) -> list[int]:
    async with sessionmaker() as s:
        added = [
            OutboxMessage(channel="telegram", address="42", payload=dict(TEXT), status=status, created_at=at)
            for at, status in rows
        ]
        s.add_all(added)
        await s.commit()
    return [row.id for row in added]


async def _run(sessionmaker: async_sessionmaker[AsyncSession], batch: int = 7) -> int:
    return await run_retention(JobContext(sessionmaker, Schedule()), NOW, batch=batch)


async def _whole(sessionmaker: async_sessionmaker[AsyncSession]) -> list[int]:
    async with sessionmaker() as s:
        rows = await s.execute(select(OutboxMessage.id, OutboxMessage.payload).order_by(OutboxMessage.id))
        return [row_id for row_id, payload in rows.tuples() if payload != {}]


async def _mark(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as s:
        return await read_mark(s, OUTBOX)


async def test_a_second_run_reads_only_the_rows_past_the_watermark(
    sessionmaker: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    first = await _add(sessionmaker, *[(OLD, OutboxStatus.SENT)] * 20)
    assert await _run(sessionmaker) == 20 and await _mark(sessionmaker) == first[-1]
    new = await _add(sessionmaker, *[(OLD, OutboxStatus.READ)] * 3)
    probe = first[5]  # made whole again by hand: a run that read the old rows again would blank it
    async with sessionmaker() as s:
        await s.execute(update(OutboxMessage).where(OutboxMessage.id == probe).values(payload=TEXT))
        await s.commit()
    walks: list[Any] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM outbox_message" in statement and "ORDER BY outbox_message.id" in statement:
            walks.append(parameters)

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        assert await _run(sessionmaker) == 3  # the rows the database reports changed: the new ones
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
    assert await _whole(sessionmaker) == [probe]
    assert len(walks) == 1 and await _mark(sessionmaker) == new[-1]
    assert await _run(sessionmaker) == 0


async def test_the_walk_stops_at_a_pending_row_and_goes_on_once_it_is_sent(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    rows = await _add(
        sessionmaker, (OLD, OutboxStatus.SENT), (OLD, OutboxStatus.PENDING), (OLD, OutboxStatus.DEAD)
    )
    assert await _run(sessionmaker) == 1
    assert await _whole(sessionmaker) == rows[1:] and await _mark(sessionmaker) == rows[0]
    async with sessionmaker() as s:
        await s.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))
        await s.commit()
    assert await _run(sessionmaker) == 2
    assert await _whole(sessionmaker) == [] and await _mark(sessionmaker) == rows[-1]


async def test_the_walk_stops_at_the_first_recent_row(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    rows = await _add(sessionmaker, (OLD, OutboxStatus.SENT), (NOW - timedelta(days=29), OutboxStatus.SENT))
    assert await _run(sessionmaker) == 1
    assert await _whole(sessionmaker) == rows[1:] and await _mark(sessionmaker) == rows[0]


async def test_an_old_keyboard_is_let_go_and_a_waiting_edit_holds_its_row(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    idle, edited, after = await _add(sessionmaker, *[(OLD, OutboxStatus.SENT)] * 3)
    async with sessionmaker() as s:
        s.add(Conversation(channel="telegram", address="42", keyboard={"row": idle, "choices": []}))
        s.add(
            OutboxMessage(
                channel="telegram",
                address="43",
                payload={"text": "", "edit": {"row": edited, "label": None}},
                created_at=NOW,
            )
        )
        await s.commit()
    assert await _run(sessionmaker) == 1
    async with sessionmaker() as s:
        conv = await s.scalar(select(Conversation))
    assert conv is not None and conv.keyboard is None and conv.version == 1
    assert await _whole(sessionmaker) == [edited, after, after + 1]
    assert await _mark(sessionmaker) == idle
    async with sessionmaker() as s:  # the edit went out: its target serves nobody any more
        await s.execute(update(OutboxMessage).where(OutboxMessage.id > after).values(status="sent"))
        await s.commit()
    assert await _run(sessionmaker) == 2
    assert await _whole(sessionmaker) == [after + 1]
