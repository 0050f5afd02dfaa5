"""Sending one claimed outbox row and recording what became of it.

`send_one` makes one attempt within the lane's pace and reads the sender's answer: sent, retry later
(with backoff, or the platform's own wait), unreachable (staff told), refused for good. The
`OutboxRecorder` writes each outcome in a short transaction. A confirmed send is marked sent in the
very next commit (confirmations arriving while a commit runs share the following one), shielded from
cancellation so a message the platform took never goes out twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox_outcome as outcome
from bot import outbox_store as store
from bot.channels.base import ChannelSender, Delivery, PermanentFailure, RetryLater, Unreachable
from bot.config import Settings
from bot.metrics import SENT
from bot.outbox_pace import ChatBuckets, Pacer, backoff

logger = logging.getLogger("bot.outbox")  # the worker's one logger, as operators filter it

ChatKey = tuple[str, str]  # (channel, address)


@dataclass
class Lane:
    """One channel: its sender, its global pace and its per-chat allowance."""

    sender: ChannelSender
    pacer: Pacer
    chats: ChatBuckets
    in_flight: asyncio.Semaphore  # a few connections suffice; hundreds only slow the HTTP pool


class OutboxRecorder:
    """The outcomes of sends, written in short transactions; `on_told` is called when staff were
    told of an unreachable chat (their notice is queued)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        clock: Callable[[], datetime],
        on_told: Callable[[], None],
    ) -> None:
        self._sessionmaker = sessionmaker
        self._settings = settings
        self._clock = clock
        self._on_told = on_told
        self._marks: list[tuple[int, str, str, ChatKey | None, asyncio.Future[None]]] = []
        self._marker: asyncio.Task[None] | None = None
        bind = sessionmaker.kw.get("bind")
        sqlite = bind is not None and bind.dialect.name == "sqlite"
        self._serial: contextlib.AbstractAsyncContextManager[object] = (
            asyncio.Lock() if sqlite else contextlib.nullcontext()
        )

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A short transaction. On SQLite (where bot.db begins every transaction IMMEDIATE) they
        take turns here: waiting in asyncio is far cheaper than SQLite's busy handler, which
        sleeps in steps of up to 100 ms."""
        async with self._serial, self._sessionmaker() as session, session.begin():
            yield session

    async def mark_sent(self, row_id: int, address: str, platform_id: str, revive: ChatKey | None) -> None:
        """Record a confirmation of a send to `address` in the next commit. Shielded: a cancellation
        (shutdown) right after the platform confirmed must not lose the mark, or the message would
        go out again."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._marks.append((row_id, address, platform_id, revive, done))
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._write_marks())
        await asyncio.shield(done)

    async def _write_marks(self) -> None:
        """Commit the confirmations gathered so far, again and again until none are left."""
        while self._marks:
            batch, self._marks = self._marks, []
            sent = [(row_id, address, platform_id) for row_id, address, platform_id, _, _ in batch]
            revive = {key for *_, key, _ in batch if key is not None}
            try:
                await self.write(outcome.mark_sent, sent, self._clock(), revive)
            except Exception as exc:
                for *_, done in batch:
                    done.set_exception(exc)
                continue
            for *_, done in batch:
                done.set_result(None)

    async def release(self, ids: list[int]) -> None:
        """Give claimed rows that were not sent back to the queue."""
        if ids:
            await self.write(store.release, ids, self._clock())

    async def retry(self, row_id: int, sent_to: str, attempts: int, error: str, after: float | None) -> None:
        """Try again after `after` seconds (or the backoff), or give up after the last attempt."""
        at = self._clock() + timedelta(seconds=after if after else backoff(attempts))
        async with self.transaction() as session:
            dead = await outcome.mark_retry(
                session, row_id, sent_to, error, at, attempts, self._settings.outbox_max_attempts
            )
        if dead:
            logger.warning("outbox %s is dead after %s attempts: %s", row_id, attempts, error)

    async def unreachable(self, channel: str, address: str, error: str) -> None:
        """Mark the chat unreachable; `on_told` runs when a notice to staff was queued."""
        async with self.transaction() as session:
            told = await outcome.mark_unreachable(session, channel, address, error)
        logger.warning("a %s identity became unreachable; staff told: %s", channel, told)
        if told:
            self._on_told()

    async def write(self, step: Callable[..., Awaitable[object]], *args: object) -> None:
        """Run a short write transaction, retrying a few times: losing a 'sent' mark would resend."""
        for attempt in range(5):
            try:
                async with self.transaction() as session:
                    await step(session, *args)
                return
            except Exception:
                if attempt == 4:
                    raise
                logger.warning("outbox write failed, retrying", exc_info=True)
                await asyncio.sleep(0.2 * 2**attempt)


async def send_one(
    lane: Lane, claimed: store.Claimed, record: OutboxRecorder, may_send: Callable[[], bool]
) -> bool | None:
    """One attempt; true when the platform took it, None when stopping before the send."""
    delivery = claimed.delivery
    row_id = delivery.outbox_id
    if not _encodable(delivery):  # a lone surrogate, say: no platform will ever take it
        await record.write(
            outcome.mark_dead, row_id, delivery.address, "refused: text cannot be encoded as UTF-8"
        )
        return False
    try:
        async with lane.in_flight, lane.pacer.slot():  # the slot ends with the answer
            if not may_send():
                return None
            platform_id = await lane.sender.send(delivery)
    except RetryLater as exc:
        if exc.after and exc.whole_channel:
            lane.pacer.pause(exc.after)
        await record.retry(row_id, delivery.address, claimed.attempts, f"retry: {exc}", exc.after)
        return False
    except Unreachable as exc:
        await record.unreachable(lane.sender.channel, delivery.address, f"unreachable: {exc}")
        return False
    except UnicodeError as exc:  # the same text fails the same way on every try
        await record.write(outcome.mark_dead, row_id, delivery.address, f"refused: {type(exc).__name__}")
        return False
    except PermanentFailure as exc:
        await record.write(outcome.mark_dead, row_id, delivery.address, f"refused: {exc}")
        logger.warning("outbox %s refused by %s: %s", row_id, lane.sender.channel, exc)
        return False
    except Exception as exc:  # an unknown failure is retried, never lost
        logger.exception("outbox %s: unexpected error from the %s sender", row_id, lane.sender.channel)
        await record.retry(
            row_id, delivery.address, claimed.attempts, f"error: {type(exc).__name__}: {exc}", None
        )
        return False
    SENT.labels(lane.sender.channel).inc()
    revive = (lane.sender.channel, delivery.address) if claimed.identity_unreachable else None
    await record.mark_sent(row_id, delivery.address, platform_id, revive)
    return True


def _encodable(delivery: Delivery) -> bool:
    """Whether every text of the message can go over the wire (UTF-8 JSON or form data)."""
    try:
        json.dumps(delivery.message.to_payload(), ensure_ascii=False).encode()
    except UnicodeError:
        return False
    return True
