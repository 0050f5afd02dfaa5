"""The outbox's claims: two workers never send a row twice, a crash loses nothing, and a chat that
waits (a retry, a bulk, a hung send) never hides another."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox_store
from bot.channels.base import Delivery, RetryLater
from bot.outbox import PER_CHAT_BATCH, OutboxWorker
from models.base import utcnow
from models.outbox import OutboxMessage, OutboxStatus
from tests.bot.outbox_helpers import FakeSender, eventually, queue, rows, settings, worker_for


async def test_two_workers_never_send_a_row_twice(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    items = [(str(n % 7), f"m{n}") for n in range(60)]
    await queue(sessionmaker, *items)
    sender = FakeSender(delay=0.002)
    one, two = worker_for(sessionmaker, sender), worker_for(sessionmaker, sender)
    await asyncio.gather(one.flush(), two.flush())
    assert sorted(sender.texts()) == sorted(text for _, text in items)
    for address in {a for a, _ in items}:
        assert sender.texts(address) == [t for a, t in items if a == address]


async def test_a_crash_mid_send_loses_nothing(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await queue(sessionmaker, *[(str(n), f"m{n}") for n in range(20)])
    stuck = FakeSender(hang_after=5)
    crashed = OutboxWorker(sessionmaker, settings(), [stuck], lease_seconds=0.3)
    task = asyncio.create_task(crashed.run())
    await eventually(lambda: len(stuck.delivered) == 5 and stuck.hanging == 15)
    await asyncio.sleep(0.1)  # the five confirmed sends are recorded
    task.cancel()  # the process dies with fifteen sends in flight
    with pytest.raises(asyncio.CancelledError):
        await task
    done_before = set(stuck.texts())
    await asyncio.sleep(0.35)  # the leases of the interrupted rows run out
    after = FakeSender()
    await worker_for(sessionmaker, after).flush()
    assert set(after.texts()) == {f"m{n}" for n in range(20)} - done_before
    assert len(after.texts()) == 15
    assert {r.status for r in (await rows(sessionmaker)).values()} == {OutboxStatus.SENT}


async def test_a_chat_waiting_to_retry_hides_no_other_chat(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await queue(sessionmaker, *[("1", f"m{n}") for n in range(300)], ("2", "other"))
    sender = FakeSender()
    sender.failures["m0"].append(RetryLater("whatsapp: temporary error HTTP 500", after=30))
    await worker_for(sessionmaker, sender, telegram_rate_per_second=50).flush()
    assert sender.texts() == ["other"]  # chat 1 waits for its first message, in order


async def test_a_bulk_to_one_chat_does_not_hold_back_another_chat(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await queue(sessionmaker, *[("1", f"m{n}") for n in range(300)], ("2", "other"))
    sender = FakeSender()
    worker = worker_for(sessionmaker, sender, telegram_rate_per_second=50)
    task = asyncio.create_task(worker.run())
    await eventually(lambda: "other" in sender.texts())
    await worker.stop()
    await task
    assert sender.texts().index("other") <= PER_CHAT_BATCH  # in the first round, not after chat 1
    assert sender.texts("1") == [f"m{n}" for n in range(len(sender.texts("1")))]


async def test_the_worker_sleeps_while_only_a_retry_is_due_later(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, *_ = await queue(sessionmaker, *[("1", f"m{n}") for n in range(10)])
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == first)
            .values(next_attempt_at=utcnow() + timedelta(seconds=30), attempts=1)
        )
    looks = 0
    due_rows = outbox_store.due_rows

    async def counted(*args: Any) -> list[outbox_store.DueRow]:
        nonlocal looks
        looks += 1
        return await due_rows(*args)

    monkeypatch.setattr(outbox_store, "due_rows", counted)
    worker = OutboxWorker(sessionmaker, settings(), [FakeSender()], poll_seconds=1.0)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.5)
    await worker.stop()
    await task
    assert looks <= 2  # one look, then asleep until the poll: no busy loop over the waiting chat


async def test_a_send_that_outlasts_its_lease_hides_no_other_chat(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    class StuckOnOne(FakeSender):
        async def send(self, delivery: Delivery) -> str:
            if delivery.address == "1":
                await asyncio.Event().wait()  # the platform never answers this chat
            return await super().send(delivery)

    await queue(sessionmaker, *[("1", f"m{n}") for n in range(300)])
    sender = StuckOnOne()
    worker = OutboxWorker(sessionmaker, settings(telegram_rate_per_second=50), [sender], lease_seconds=0.2)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.4)  # chat 1's leases have run out while its send still hangs
    await queue(sessionmaker, ("2", "other"))
    worker.wake()
    try:
        await eventually(lambda: sender.texts() == ["other"])
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
