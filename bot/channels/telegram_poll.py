"""Telegram long polling that confirms an update only after its turn is committed.

PTB's Updater moves its offset past a batch as soon as it has fetched it, so the next getUpdates
confirms the batch to Telegram before the dispatcher has stored it: a crash in between loses those
messages (measured: 2-4 per SIGKILL in bench/soak.py). Here an update is handled (the turn
committed) before the offset moves past it; a crash makes Telegram deliver it again, and the
dispatcher drops what it has already processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # after a failed getUpdates (network, 5xx, 409, 429)


class Poller:
    """Fetch updates in order and hand each to `handle`, confirming only what was handled."""

    def __init__(
        self,
        bot: Bot,
        handle: Callable[[Update], Awaitable[None]],
        *,
        timeout: int,
        allowed_updates: Sequence[str],
    ) -> None:
        self._bot = bot
        self._handle = handle
        self._timeout = timeout
        self._allowed = list(allowed_updates)
        self._offset: int | None = None
        self._stopping = False
        self._fetching: asyncio.Task[tuple[Update, ...]] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Drop a registered webhook (getUpdates refuses to work beside one), then poll."""
        await self._bot.delete_webhook()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop fetching; an update being handled is finished first (never cut mid-turn)."""
        self._stopping = True
        if self._fetching is not None:
            self._fetching.cancel()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

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
            for update in updates:
                await self._handle(update)  # errors are PTB's error handler's; the update is done
                self._offset = update.update_id + 1

    async def _fetch(self) -> tuple[Update, ...]:
        self._fetching = asyncio.create_task(
            self._bot.get_updates(offset=self._offset, timeout=self._timeout, allowed_updates=self._allowed)
        )
        try:
            return await self._fetching
        finally:
            self._fetching = None
