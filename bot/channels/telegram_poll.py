"""Telegram long polling: an update confirmed once it is stored, handled in its person's lane.

PTB's Updater moves its offset past a batch as soon as it has fetched it, so the next getUpdates
confirms the batch to Telegram before anything is stored: a crash in between loses those
messages (measured: 2-4 per SIGKILL in bench/soak.py). Here each fetched page is first stored, in
one transaction, as its people's waiting messages (bot/channels/telegram_store.py); only then
does the offset move past it. So the offset never waits for a turn: a list file downloading on a
slow link holds up its sender's lane alone, and the pages behind it keep coming. A crash before
the store makes Telegram deliver the page again; a crash after it loses nothing either: at
start every stored message no turn took is handled, and every SWEEP_SECONDS those stored
ORPHAN_AGE ago and not in hand (another process's, which stopped polling or died).

Each person has a lane: their updates in order, different people at once (CHATS_AT_ONCE turns at
most). Order holds beyond the lanes too: a turn handles with its own message every earlier one of
its person stored as waiting (bot/dispatcher.py), so a later update never overtakes an earlier
one, and nothing is handled twice: the dispatcher claims each message by its id (a redelivery
finds it handled), and an update fetched again while in hand is skipped by its update_id. At most
IN_HAND_MAX updates are in hand; beyond, fetching pauses and the rest wait at Telegram.
A button press the bot does not read (a keyboard of another chat) is stored nowhere but still
goes to its presser's lane, to be answered as in webhook mode: Telegram wants every press answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update

from bot.channels.telegram_store import Polled, UpdateStore

logger = logging.getLogger(__name__)

RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # after a failed getUpdates (network, 5xx, 409, 429) or store
CHATS_AT_ONCE = 16  # turns running at the same time
IN_HAND_MAX = 1000  # stored updates whose turn has not ended: fetching waits below this
SWEEP_SECONDS = 15.0  # how often stored updates nobody took are looked for


class Poller:
    """Fetch updates, store each page, confirm it, and hand each update to `handle` in its lane."""

    def __init__(
        self,
        bot: Bot,
        store: UpdateStore,
        handle: Callable[[Polled], Awaitable[None]],
        *,
        timeout: int,
        allowed_updates: Sequence[str],
        chats_at_once: int = CHATS_AT_ONCE,
    ) -> None:
        self._bot = bot
        self._store = store
        self._handle = handle
        self._timeout = timeout
        self._allowed = list(allowed_updates)
        self._offset: int | None = None
        self._stopping = False
        self._fetching: asyncio.Task[tuple[Update, ...]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._turns = asyncio.Semaphore(chats_at_once)
        self._lanes: dict[str, deque[Polled]] = {}
        self._lane_tasks: set[asyncio.Task[None]] = set()
        self._in_hand: set[int] = set()  # update ids stored and taken, whose turn has not ended
        self._room = asyncio.Event()
        self._swept_at: float | None = None

    async def start(self) -> None:
        """Drop a registered webhook (getUpdates refuses to work beside one), then poll."""
        await self._bot.delete_webhook()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop fetching; the updates in a turn are finished first (never cut mid-turn), those
        still queued stay stored (the next poller handles them)."""
        self._stopping = True
        self._room.set()
        if self._fetching is not None:
            self._fetching.cancel()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._lane_tasks:
            await asyncio.gather(*self._lane_tasks, return_exceptions=True)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                await self._sweep()
                await self._keep(await self._fetch())
            except asyncio.CancelledError:
                if self._stopping:
                    return
                raise
            except Exception as exc:  # Telegram or the database: nothing confirmed, try again
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                logger.warning("telegram polling failed (%s); again in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            await self._until_room()

    async def _fetch(self) -> tuple[Update, ...]:
        self._fetching = asyncio.create_task(
            self._bot.get_updates(offset=self._offset, timeout=self._timeout, allowed_updates=self._allowed)
        )
        try:
            return await self._fetching
        finally:
            self._fetching = None

    async def _keep(self, updates: tuple[Update, ...]) -> None:
        """Store the page, then let the next getUpdates confirm it; its updates go to their lanes."""
        fresh = [update for update in updates if update.update_id not in self._in_hand]
        for polled in await self._store.keep(fresh):
            self._take(polled)
        if updates:
            self._offset = max(update.update_id for update in updates) + 1

    async def _sweep(self) -> None:
        """Take up stored updates no turn took: at start all (a previous run's), later orphans."""
        first = self._swept_at is None
        if not first and time.monotonic() - (self._swept_at or 0.0) < SWEEP_SECONDS:
            return
        room = IN_HAND_MAX - len(self._in_hand)
        found = await self._store.left_over(self._in_hand, orphans_only=not first, limit=room)
        self._swept_at = time.monotonic()
        for polled in found:
            self._take(polled)
        if found:
            logger.info("telegram: %s stored updates taken up again", len(found))

    async def _until_room(self) -> None:
        while len(self._in_hand) >= IN_HAND_MAX and not self._stopping:
            self._room.clear()
            await self._room.wait()

    def _take(self, polled: Polled) -> None:
        self._in_hand.add(polled.update_id)
        key = polled.sender_id
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append(polled)
            return
        self._lanes[key] = deque([polled])
        task = asyncio.create_task(self._lane(key))
        self._lane_tasks.add(task)
        task.add_done_callback(self._lane_tasks.discard)

    async def _lane(self, key: str) -> None:
        """The person's updates one after another; gone when none are left (or on stop)."""
        lane = self._lanes[key]
        while lane and not self._stopping:
            polled = lane[0]
            async with self._turns:
                await self._turn(polled)
            lane.popleft()
        del self._lanes[key]

    async def _turn(self, polled: Polled) -> None:
        try:
            await self._handle(polled)
        except Exception as exc:  # logged, and the lane goes on (the row waits for a sweep)
            logger.error("telegram update %s failed: %s", polled.update_id, type(exc).__name__)
        finally:
            self._in_hand.discard(polled.update_id)
            self._room.set()
