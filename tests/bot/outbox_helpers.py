"""The outbox tests' fake sender and helpers: queue rows, read them back, make a worker, wait."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Delivery
from bot.config import Settings
from bot.messages import OutgoingMessage
from bot.outbox import OutboxWorker
from models.base import utcnow
from models.outbox import OutboxMessage, OutboxStatus, enqueue


class FakeSender:
    """Records deliveries; raises the exceptions queued for a text, one per attempt."""

    channel = "telegram"

    def __init__(self, delay: float = 0.0, hang_after: int | None = None) -> None:
        self.delivered: list[Delivery] = []
        self.hang_after = hang_after
        self.hanging = 0
        self.failures: dict[str, list[Exception]] = defaultdict(list)
        self.delay = delay
        self.times: dict[str, list[float]] = defaultdict(list)

    async def send(self, delivery: Delivery) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hang_after is not None and len(self.delivered) >= self.hang_after:
            self.hanging += 1
            await asyncio.Event().wait()  # never answers
        queued = self.failures[delivery.message.text]
        if queued:
            raise queued.pop(0)
        self.delivered.append(delivery)
        self.times[delivery.address].append(asyncio.get_running_loop().time())
        return f"p{delivery.outbox_id}"

    def texts(self, address: str | None = None) -> list[str]:
        return [d.message.text for d in self.delivered if address is None or d.address == address]


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"database_url": "sqlite://", "telegram_rate_per_second": 1000.0}
    values |= {"telegram_chat_rate_per_second": 0.0, "outbox_max_attempts": 3}
    return Settings(**(values | overrides))


async def queue(
    sessionmaker: async_sessionmaker[AsyncSession], *items: tuple[str, str], **payload: Any
) -> list[int]:
    """Queue (address, text) pairs to Telegram; their ids."""
    async with sessionmaker() as session, session.begin():
        rows = [
            enqueue(
                session,
                channel="telegram",
                address=address,
                payload=OutgoingMessage(text=text, **payload).to_payload(),
            )
            for address, text in items
        ]
        await session.flush()
        return [row.id for row in rows]


async def rows(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, OutboxMessage]:
    async with sessionmaker() as session:
        found = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return {row.id: row for row in found}


def worker_for(
    sessionmaker: async_sessionmaker[AsyncSession], sender: FakeSender, **overrides: Any
) -> OutboxWorker:
    return OutboxWorker(sessionmaker, settings(**overrides), [sender], poll_seconds=0.05)


async def make_due(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Skip the backoff wait."""
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


async def eventually(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until the condition holds."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
