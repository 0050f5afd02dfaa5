"""The outbox worker: delivers queued rows through the channels' senders within their limits.

Channel-generic: each channel plugs in a `ChannelSender` and gets a global pace (messages per
second, spaced exactly, so no burst ever exceeds the platform's limit) and a per-chat allowance
for bulk sends (`outbox_pace.ChatBuckets`; an answer to a person's own message never waits for
it). A chat's messages go out one after another in queue order; different chats go out
concurrently, and a chat that waits (a retry, a lease, a send in flight) never hides another.

Safety (see `outbox_store`): rows are claimed under a lease just ahead of the pace (about one
second of sending per claim), so a crash leaves at most that many rows waiting for their lease;
a clean stop gives unsent claims back at once. One send attempt and the writing of its outcome
are in `outbox_send`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox_store as store
from bot.channels.base import ChannelSender
from bot.config import Settings
from bot.outbox_pace import ChatBuckets, Pacer
from bot.outbox_send import ChatKey, Lane, OutboxRecorder, send_one
from models.base import utcnow

PER_CHAT_BATCH = 5  # rows of one chat claimed together


@dataclass(frozen=True)
class Lease:
    """A fast-path claim offered to a turn: rows queued with `until` are this worker's to send."""

    now: datetime
    until: datetime


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
        lease_seconds: float | None = None,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._poll = poll_seconds
        self._lease = timedelta(seconds=lease_seconds or settings.outbox_lease_seconds)
        self._lanes: dict[str, Lane] = {}
        self._held: set[str] = set()  # lanes this worker sends for (bot/roles.py: one per channel)
        self._busy: dict[ChatKey, asyncio.Task[bool]] = {}
        self._claimed = 0  # rows claimed and not yet sent, failed or given back
        self._wake = asyncio.Event()
        self._wakes = 0  # calls of wake(): whether anything was queued while a chat was sending
        self._stopping = False
        self._running = False
        self._releases: set[asyncio.Task[None]] = set()
        self._crowded = False  # the last look was filled by rows of chats that took no more
        self._record = OutboxRecorder(sessionmaker, settings, clock, self.wake)
        for sender in senders:
            self.add_sender(sender)

    def add_sender(self, sender: ChannelSender, *, held: bool = True) -> None:
        """Deliver the rows of `sender.channel` with it, at the channel's configured limits
        (from now on, or once `hold` says this process holds the channel's lane)."""
        name = sender.channel
        rate = float(getattr(self._settings, f"{name}_rate_per_second", 30.0))
        burst = float(getattr(self._settings, f"{name}_chat_burst", 1.0))
        chats = ChatBuckets(burst, float(getattr(self._settings, f"{name}_chat_rate_per_second", 0.0)))
        in_flight = asyncio.Semaphore(max(8, int(rate / 10)))
        self._lanes[name] = Lane(sender, Pacer(rate), chats, in_flight)
        if held:
            self._held.add(name)

    async def hold(self, channel: str) -> None:
        """This process now holds the channel's lane: claim and send its rows."""
        self._held.add(channel)
        self.wake()

    async def drop(self, channel: str) -> None:
        """Another process holds the lane now: claim nothing more; sends not yet begun are given back."""
        self._held.discard(channel)

    @property
    def held(self) -> list[str]:
        """The channels this worker sends for."""
        return sorted(self._held & set(self._lanes))

    def _active(self) -> dict[str, Lane]:
        return {name: lane for name, lane in self._lanes.items() if name in self._held}

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wakes += 1
        self._wake.set()

    def lease(self, channel: str, address: str) -> Lease | None:
        """The fast path (the dispatcher's handoff): a lease for a turn to queue its replies
        already claimed, in its own commit, then `hand` them over; None when this worker is not
        running, does not hold the channel's lane (another process sends it), or is sending to the
        chat right now: the replies are queued as usual then."""
        if (
            not self._running
            or self._stopping
            or channel not in self._active()
            or (channel, address) in self._busy
        ):
            return None
        now = self._clock()
        return Lease(now, now + self._lease)

    def hand(self, channel: str, address: str, batch: list[store.Claimed]) -> None:
        """Send rows a committed turn queued under a `lease`: no look and no claim commit on a
        reply's way. Crash safety is the claim's: unsent, they wait for their lease to run out."""
        key = (channel, address)
        if key not in self._busy:
            self._start_chat(key, batch, handed=True)
            return
        # The chat got busy since the lease was given (a look took rows queued meanwhile): a chat
        # sends in order, one batch at a time, so these go back to the queue, due at once.
        task = asyncio.create_task(self._record.release([c.delivery.outbox_id for c in batch]))
        self._releases.add(task)
        task.add_done_callback(self._releases.discard)
        task.add_done_callback(lambda _: self.wake())

    async def run(self) -> None:
        """Deliver until `stop()`, letting sends in flight finish and giving back unsent claims.

        Cancelling the task instead aborts everything (what a crash does): claimed rows wait
        for their lease to run out and are then sent."""
        self._running = True
        try:
            while not self._stopping:
                self._wake.clear()
                started = await self.start_due()
                if self._stopping:
                    break
                if not (started and self._crowded):
                    await self._idle(started)
        except asyncio.CancelledError:
            for task in list(self._busy.values()):
                task.cancel()
            raise
        finally:
            self._running = False
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
        """Claim due rows of idle chats and start delivering them; how many chats were started."""
        lanes = self._active()
        free = max(16, int(sum(lane.pacer.rate for lane in lanes.values()) * 2)) - len(self._busy)
        if free <= 0 or not lanes:
            return 0
        budget = self._budget()
        limit = min(free, sum(budget.values())) * 2  # room for rows of chats busy here
        async with self._record.transaction() as session:  # one commit: it is on every reply's way
            due = await store.due_rows(session, list(lanes), self._clock(), limit, self._busy)
            planned = self._plan(due, free, budget)
            # The look was filled by chats taking no more rows now (a bulk to one chat): other
            # chats' rows may be just behind; they are leased now, so look again at once.
            self._crowded = len(due) == limit and any(left > 0 for left in budget.values())
            if not planned:
                return 0
            ids = [row_id for chat in planned.values() for row_id in chat]
            taken = await store.claim(session, ids, self._clock(), self._lease)
        claimed = {c.delivery.outbox_id: c for c in taken}
        started = 0
        for key, chat_ids in planned.items():
            # Only an unbroken head of the chat's rows goes out (another worker took the rest).
            head = list(_prefix(chat_ids, claimed))
            lost = [row_id for row_id in chat_ids[len(head) :] if row_id in claimed]
            if lost:
                await self._record.release(lost)
            if head:
                self._start_chat(key, [claimed[row_id] for row_id in head])
                started += 1
        return started

    def _budget(self) -> dict[str, int]:
        """Rows to claim per lane: about one second of its pace, well inside the lease."""
        share = min(1.0, self._lease.total_seconds() / 4)
        return {name: max(1, int(lane.pacer.rate * share)) for name, lane in self._active().items()}

    def _plan(self, due: list[store.DueRow], free: int, budget: dict[str, int]) -> dict[ChatKey, list[int]]:
        """Which rows to claim now: idle chats only, within each lane's budget."""
        planned: dict[ChatKey, list[int]] = {}
        for row in due:
            key = (row.channel, row.address)
            chat = planned.get(key)
            if key in self._busy or budget.get(row.channel, 0) <= 0:
                continue
            if chat is None and len(planned) >= free:
                continue
            if chat is not None and len(chat) >= PER_CHAT_BATCH:
                continue
            planned.setdefault(key, []).append(row.id)
            budget[row.channel] -= 1
        return planned

    def _start_chat(self, key: ChatKey, batch: list[store.Claimed], *, handed: bool = False) -> None:
        self._claimed += len(batch)
        task = asyncio.create_task(self._deliver_chat(key, batch))
        self._busy[key] = task
        task.add_done_callback(functools.partial(self._chat_done, key, self._wakes if handed else None))

    def _chat_done(self, key: ChatKey, woken_before: int | None, task: asyncio.Task[bool]) -> None:
        self._busy.pop(key, None)
        if woken_before == self._wakes and _all_sent(task):
            # A turn's handed replies, all sent, and nothing queued while they went (rows of a
            # busy chat wait for it): there is nothing to look for. Saves two commits a reply.
            return
        # Claim more once half a second of sending is left, not after every message.
        if self._claimed < sum(lane.pacer.rate for lane in self._lanes.values()) / 2:
            self._wake.set()

    async def _idle(self, started: int) -> None:
        """Sleep until woken, until a retry falls due, or until the next poll."""
        timeout = self._poll
        if not started and not self._busy and (lanes := list(self._active())):
            async with self._record.transaction() as session:
                due = await store.next_due(session, lanes, self._clock())
            if due is not None:
                timeout = min(timeout, max(0.0, (due - self._clock()).total_seconds()))
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that races
        # the wake-up, and a cancelled worker then never stops (seen as a hung shutdown).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._wake.wait()

    async def _drain(self) -> None:
        if self._busy:
            await asyncio.gather(*self._busy.values(), return_exceptions=True)

    def _may_send(self, lane: Lane) -> bool:
        """Whether a send may still begin: not stopping, and the lane still held here."""
        return not self._stopping and lane.sender.channel in self._held

    async def _deliver_chat(self, key: ChatKey, batch: list[store.Claimed]) -> bool:
        """Send one chat's claimed rows in order; give back the rest after a failure or on stop.
        True when every row was sent."""
        try:
            return await self._deliver_batch(key, batch)
        finally:
            self._claimed -= len(batch)

    async def _deliver_batch(self, key: ChatKey, batch: list[store.Claimed]) -> bool:
        lane = self._lanes[key[0]]
        loop = asyncio.get_running_loop()
        for done, claimed in enumerate(batch):
            wait = lane.chats.take(key[1], loop.time(), wait=not claimed.reply)
            if wait:
                await asyncio.sleep(wait)
            sent = await send_one(lane, claimed, self._record, functools.partial(self._may_send, lane))
            if sent is None:  # stopping: only sends already in flight finish
                await self._record.release([c.delivery.outbox_id for c in batch[done:]])
                return False
            if not sent:
                await self._record.release([c.delivery.outbox_id for c in batch[done + 1 :]])
                return False
        return True


def _prefix(ids: list[int], claimed: dict[int, store.Claimed]) -> Iterable[int]:
    for row_id in ids:
        if row_id not in claimed:
            return
        yield row_id


def _all_sent(task: asyncio.Task[bool]) -> bool:
    return not task.cancelled() and task.exception() is None and task.result()
