"""The outbox worker: delivers queued rows through the channels' senders within their limits.

Channel-generic: each channel plugs in a `ChannelSender` and gets a global pace (messages per
second, spaced exactly, so no burst ever exceeds the platform's limit) and a minimum interval
per chat. A chat's messages go out one after another in queue order; different chats go out
concurrently. Rows are claimed one at a time right before their send (see `outbox_store`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox_store as store
from bot.channels.base import ChannelSender, PermanentFailure, RetryLater, Unreachable
from bot.config import Settings
from models.base import utcnow

logger = logging.getLogger(__name__)

ChatKey = tuple[str, str]  # (channel, address)


class Pacer:
    """Hands out send slots exactly 1/rate seconds apart (no bursts); can be paused (429)."""

    def __init__(self, rate_per_second: float) -> None:
        self.rate = rate_per_second
        self._interval = 1.0 / rate_per_second
        self._next = 0.0

    async def wait(self) -> None:
        """Wait for the next free slot."""
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next)
        self._next = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)

    def pause(self, seconds: float) -> None:
        """Give out no slot for `seconds` (the platform asked us to slow down)."""
        self._next = max(self._next, asyncio.get_running_loop().time() + seconds)


@dataclass
class _Lane:
    """One channel: its sender, its global pace and its per-chat interval."""

    sender: ChannelSender
    pacer: Pacer
    chat_interval: float
    chat_ready_at: dict[str, float] = field(default_factory=dict)


def backoff(attempts: int, base: float = 2.0, cap: float = 600.0) -> float:
    """Seconds before the next try after `attempts` failed tries: 2, 4, 8, ... up to 10 minutes."""
    return float(min(cap, base * 2 ** max(0, attempts - 1)))


class OutboxWorker:
    """Sends due outbox rows; `wake()` (the dispatcher's on_queued) makes it look at once."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        senders: Iterable[ChannelSender] = (),
        *,
        clock: Callable[[], datetime] = utcnow,
        poll_seconds: float = 1.0,
        lease_seconds: float = 120.0,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._settings = settings
        self._clock = clock
        self._poll = poll_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._lanes: dict[str, _Lane] = {}
        self._busy: dict[ChatKey, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        for sender in senders:
            self.add_sender(sender)

    def add_sender(self, sender: ChannelSender) -> None:
        """Deliver the rows of `sender.channel` with it, at the channel's configured limits."""
        rate = float(getattr(self._settings, f"{sender.channel}_rate_per_second", 30.0))
        interval = float(getattr(self._settings, f"{sender.channel}_chat_interval_seconds", 0.0))
        self._lanes[sender.channel] = _Lane(sender, Pacer(rate), interval)

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    @property
    def _max_chats(self) -> int:
        # Enough concurrent chats to keep every lane's pace busy while sends are in flight.
        total = sum(lane.pacer.rate for lane in self._lanes.values())
        return max(16, int(total * 2))

    async def run(self) -> None:
        """Deliver until `stop()`, letting chats in flight finish their current message.

        Cancelling the task instead aborts sends in flight: their rows stay claimed until the
        lease runs out and are then sent again (what a crash does)."""
        try:
            while not self._stopping:
                self._wake.clear()
                started = await self.start_due()
                if self._stopping:
                    break
                await self._idle(started)
        except asyncio.CancelledError:
            for task in list(self._busy.values()):
                task.cancel()
            raise
        await self._drain()

    async def flush(self) -> None:
        """Deliver everything due now and return (for one-shot runs and tests)."""
        while await self.start_due() or self._busy:
            await self._drain()

    async def stop(self) -> None:
        """Ask `run()` to return."""
        self._stopping = True
        self._wake.set()

    async def start_due(self) -> int:
        """Start delivering the chats that have due rows; returns how many chats were started."""
        free = self._max_chats - len(self._busy)
        if free <= 0 or not self._lanes:
            return 0
        async with self._sessionmaker() as session:
            rows = await store.due_rows(session, list(self._lanes), self._clock(), limit=free * 4)
        groups: dict[ChatKey, list[int]] = {}
        for row in rows:
            key = (row.channel, row.address)
            if key in self._busy or (key not in groups and len(groups) >= free):
                continue
            groups.setdefault(key, []).append(row.id)
        for key, ids in groups.items():
            task = asyncio.create_task(self._deliver_chat(key, ids))
            self._busy[key] = task
            task.add_done_callback(functools.partial(self._chat_done, key))
        return len(groups)

    def _chat_done(self, key: ChatKey, _task: asyncio.Task[None]) -> None:
        self._busy.pop(key, None)
        self._wake.set()  # a slot is free: there may be more to start

    async def _idle(self, started: int) -> None:
        """Sleep until woken, until a retry falls due, or until the next poll."""
        timeout = self._poll
        if not started and not self._busy:
            async with self._sessionmaker() as session:
                due = await store.earliest_due(session, list(self._lanes))
            if due is not None:
                timeout = min(timeout, max(0.0, (due - self._clock()).total_seconds()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def _drain(self) -> None:
        if self._busy:
            await asyncio.gather(*self._busy.values(), return_exceptions=True)

    async def _deliver_chat(self, key: ChatKey, ids: list[int]) -> None:
        """Send one chat's due rows in order; stop at the first that did not go out."""
        lane = self._lanes[key[0]]
        loop = asyncio.get_running_loop()
        for row_id in ids:
            if self._stopping:
                return
            ready = lane.chat_ready_at.get(key[1], 0.0)
            if ready > loop.time():
                await asyncio.sleep(ready - loop.time())
            await lane.pacer.wait()
            outcome = await self._deliver_one(lane, row_id)
            if outcome is not None:
                lane.chat_ready_at[key[1]] = loop.time() + lane.chat_interval
            if outcome is False:
                return

    async def _deliver_one(self, lane: _Lane, row_id: int) -> bool | None:
        """One attempt: true when sent, false when it failed, None when the row was not ours."""
        async with self._sessionmaker() as session, session.begin():
            claimed = await store.claim(session, row_id, self._clock(), self._lease)
        if claimed is None:
            return None
        delivery = claimed.delivery
        try:
            platform_id = await lane.sender.send(delivery)
        except RetryLater as exc:
            if exc.after:
                lane.pacer.pause(exc.after)
            await self._retry(row_id, claimed.attempts, f"retry: {exc}", exc.after)
            return False
        except Unreachable as exc:
            await self._unreachable(lane.sender.channel, delivery.address, f"unreachable: {exc}")
            return False
        except PermanentFailure as exc:
            await self._write(store.mark_dead, row_id, f"refused: {exc}")
            logger.warning("outbox %s refused by %s: %s", row_id, lane.sender.channel, exc)
            return False
        except Exception as exc:  # an unknown failure is retried, never lost
            logger.exception("outbox %s: unexpected error from the %s sender", row_id, lane.sender.channel)
            await self._retry(row_id, claimed.attempts, f"error: {type(exc).__name__}: {exc}", None)
            return False
        revive = (lane.sender.channel, delivery.address) if claimed.identity_unreachable else None
        # Shielded: a cancellation (shutdown) right after the platform confirmed must not lose the
        # mark, or the message would be sent again once the lease runs out.
        await asyncio.shield(self._write(store.mark_sent, row_id, platform_id, self._clock(), revive))
        return True

    async def _retry(self, row_id: int, attempts: int, error: str, after: float | None) -> None:
        at = self._clock() + timedelta(seconds=after if after else backoff(attempts))
        async with self._sessionmaker() as session, session.begin():
            dead = await store.mark_retry(
                session, row_id, error, at, attempts, self._settings.outbox_max_attempts
            )
        if dead:
            logger.warning("outbox %s is dead after %s attempts: %s", row_id, attempts, error)

    async def _unreachable(self, channel: str, address: str, error: str) -> None:
        async with self._sessionmaker() as session, session.begin():
            told = await store.mark_unreachable(session, channel, address, error)
        logger.warning("a %s identity became unreachable; staff told: %s", channel, told)
        if told:
            self.wake()

    async def _write(self, step: Callable[..., Awaitable[object]], *args: object) -> None:
        """Run a short write transaction, retrying a few times: losing a 'sent' mark would resend."""
        for attempt in range(5):
            try:
                async with self._sessionmaker() as session, session.begin():
                    await step(session, *args)
                return
            except Exception:
                if attempt == 4:
                    raise
                logger.warning("outbox write failed, retrying", exc_info=True)
                await asyncio.sleep(0.2 * 2**attempt)
