"""Polled Telegram updates stored before the offset confirms them (bot/channels/telegram_poll.py).

A fetched page becomes its people's waiting messages in one transaction (the queue of
bot/inbound_queue.py: `processed_message` rows without `handled_at`, deduplicated by the
message's id), so the page may be confirmed at once, whatever turn is still running. A turn then
takes its message from there (the dispatcher claims the waiting row); one that no turn took,
because its process died or stopped polling, is found again by `left_over`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import CallbackQuery, Update

from bot import inbound_queue
from bot.channels.telegram_member import apply_reachability, reachability
from bot.messages import IncomingMessage
from models.person import Channel

ORPHAN_AGE = timedelta(seconds=60)  # stored this long and not in hand: its process never took it


@dataclass(frozen=True)
class Polled:
    """An update to handle: its stored message, and the button press to settle (known only to
    the process that fetched it). A press the bot does not read (a keyboard of another chat, an
    inline message) has no message, yet is handed on all the same: every press must be answered."""

    update_id: int
    message: IncomingMessage | None
    query: CallbackQuery | None = None

    @property
    def sender_id(self) -> str:
        """Whose lane the update goes in: its message's sender, else the presser."""
        if self.message is not None:
            return self.message.sender_id
        assert self.query is not None  # an update without a message is an unread press
        return str(self.query.from_user.id)


class UpdateStore:
    """Stores fetched pages and finds what was stored but never handled."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        read: Callable[[Update, datetime], IncomingMessage | None],
        clock: Callable[[], datetime],
    ) -> None:
        self._sessionmaker = sessionmaker
        self._read = read  # the update's message, or None for what the bot ignores
        self._clock = clock

    async def keep(self, updates: Sequence[Update]) -> list[Polled]:
        """Store the updates' messages in one commit (those seen before are left as they are),
        with the blocks and unblocks of the page applied; returns the messages to handle, and
        the presses not read, to be answered."""
        now = self._clock()
        polled = []
        for update in updates:
            message = self._read(update, now)
            if message is not None or update.callback_query is not None:
                polled.append(Polled(update.update_id, message, update.callback_query))
        messages = [item.message for item in polled if item.message is not None]
        blocks = [change for update in updates if (change := reachability(update)) is not None]
        if messages or blocks:
            async with self._sessionmaker() as session, session.begin():
                await apply_reachability(session, blocks)
                await inbound_queue.store_many(session, messages, now)
        return polled

    async def left_over(self, in_hand: Collection[int], *, orphans_only: bool, limit: int) -> list[Polled]:
        """Stored messages no turn has taken, oldest first, but those `in_hand` (by update_id):
        every one, or with `orphans_only` those stored ORPHAN_AGE ago."""
        now = self._clock()
        before = now - ORPHAN_AGE if orphans_only else None
        async with self._sessionmaker() as session, session.begin():
            queued = await inbound_queue.left_waiting(session, Channel.TELEGRAM, before, limit, now)
        return [Polled(item.position, item.message) for item in queued if item.position not in in_hand]
