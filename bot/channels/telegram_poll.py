"""Telegram long polling: chats handled side by side, an update confirmed only once it is handled.

PTB's Updater moves its offset past a batch as soon as it has fetched it, so the next getUpdates
confirms the batch to Telegram before the dispatcher has stored it: a crash in between loses those
messages (measured: 2-4 per SIGKILL in bench/soak.py). Here an update is handled (the turn
committed) before the offset moves past it; a crash makes Telegram deliver it again, and the
dispatcher drops what it has already processed.

One slow turn (a list file on a slow link) must not hold up everyone else, so each chat has its
own lane: its updates in order, different chats at once (CHATS_AT_ONCE turns at most). The offset
confirms everything below it, so it stays at the oldest update not yet handled; a later fetch
brings the updates above it again, and those already taken are skipped by id. While an update is
in a turn, Telegram answers getUpdates at once (its unconfirmed updates), so the poller then asks
again when a turn ends or after REFETCH_SECONDS. Limit: getUpdates gives 100 updates at most, so
more than 99 arriving behind one still-running turn wait for it (the download's own timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # after a failed getUpdates (network, 5xx, 409, 429)
CHATS_AT_ONCE = 16  # turns running at the same time
REFETCH_SECONDS = 0.2  # how often new updates are looked for while a turn holds the offset back


def lane_of(update: Update) -> int:
    """The key whose updates must keep their order: the person (or chat) it comes from."""
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return -update.update_id  # nobody's: a lane of its own, apart from every person


class Poller:
    """Fetch updates, hand each to `handle` in its chat's lane, confirm only what was handled."""

    def __init__(
        self,
        bot: Bot,
        handle: Callable[[Update], Awaitable[None]],
        *,
        timeout: int,
        allowed_updates: Sequence[str],
        chats_at_once: int = CHATS_AT_ONCE,
    ) -> None:
        self._bot = bot
        self._handle = handle
        self._timeout = timeout
        self._allowed = list(allowed_updates)
        self._offset: int | None = None
        self._stopping = False
        self._fetching: asyncio.Task[tuple[Update, ...]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._turns = asyncio.Semaphore(chats_at_once)
        self._lanes: dict[int, deque[Update]] = {}
        self._lane_tasks: set[asyncio.Task[None]] = set()
        self._taken: set[int] = set()  # update ids at or above the offset, handed to a lane
        self._unhandled: set[int] = set()  # of those, the ones whose turn has not ended
        self._turn_ended = asyncio.Event()

    async def start(self) -> None:
        """Drop a registered webhook (getUpdates refuses to work beside one), then poll."""
        await self._bot.delete_webhook()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop fetching; the updates in a turn are finished first (never cut mid-turn), those
        still queued are left unconfirmed (Telegram delivers them again, to the next poller)."""
        self._stopping = True
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
                updates = await self._fetch()
            except asyncio.CancelledError:
                if self._stopping:
                    return
                raise
            except TelegramError as exc:
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                logger.warning("telegram getUpdates failed (%s); again in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            fresh = [update for update in updates if update.update_id not in self._taken]
            for update in fresh:
                self._take(update)
            if not fresh and self._unhandled:
                await self._until_a_turn_ends()

    async def _fetch(self) -> tuple[Update, ...]:
        self._confirm()
        timeout = 0 if self._unhandled else self._timeout  # unconfirmed updates come back at once
        self._fetching = asyncio.create_task(
            self._bot.get_updates(offset=self._offset, timeout=timeout, allowed_updates=self._allowed)
        )
        try:
            return await self._fetching
        finally:
            self._fetching = None

    def _confirm(self) -> None:
        """Move the offset up to the oldest update still in a turn (or past all taken)."""
        if self._unhandled:
            self._offset = min(self._unhandled)
        elif self._taken:
            self._offset = max(self._taken) + 1
        offset = self._offset or 0
        self._taken = {update_id for update_id in self._taken if update_id >= offset}

    async def _until_a_turn_ends(self) -> None:
        self._turn_ended.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._turn_ended.wait(), REFETCH_SECONDS)

    def _take(self, update: Update) -> None:
        self._taken.add(update.update_id)
        self._unhandled.add(update.update_id)
        key = lane_of(update)
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append(update)
            return
        self._lanes[key] = deque([update])
        task = asyncio.create_task(self._lane(key))
        self._lane_tasks.add(task)
        task.add_done_callback(self._lane_tasks.discard)

    async def _lane(self, key: int) -> None:
        """The chat's updates one after another; gone when it has none left (or on stop)."""
        lane = self._lanes[key]
        while lane and not self._stopping:
            update = lane[0]
            async with self._turns:
                await self._turn(update)
            lane.popleft()
        del self._lanes[key]

    async def _turn(self, update: Update) -> None:
        try:
            await self._handle(update)  # errors are PTB's error handler's; the update is done
        except Exception as exc:  # not PTB's to catch: logged, and the lane goes on
            logger.error("telegram update %s failed: %s", update.update_id, type(exc).__name__)
        finally:
            self._unhandled.discard(update.update_id)
            self._turn_ended.set()
