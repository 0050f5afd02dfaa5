"""The conversations' transcript harness (tests/handlers/transcript.py) over Telegram.

`TelegramChat` has `Chat`'s interface, but every line is an update from the fake Bot API handed
to the real PTB application (what the webhook route does after its secret check), every press
is a callback query on the message that carried the button, and the replies are read back from
the outbox rows the worker delivered to the fake server (each checked sent, with its text).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot.channels.telegram_bot import TelegramChannel
from bot.dispatcher import Dispatcher
from bot.messages import OutgoingMessage
from bot.outbox import OutboxWorker
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Channel, Role
from tests.bot.telegram.conftest import telegram_settings
from tests.factories import TRIMULYO, add_member, seed_pekon
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_wire import Sent
from tests.handlers.conftest import OTHER_PEKON, World
from tests.handlers.transcript import Clock, offered_id, render


@dataclass
class TelegramWorld:
    """The fake Bot API, the channel (webhook mode, updates handed in directly) and the worker."""

    fake: FakeTelegram
    channel: TelegramChannel
    worker: OutboxWorker
    sessionmaker: async_sessionmaker[AsyncSession]

    async def hand_in(self, update: dict[str, Any]) -> None:
        """Process one update as the webhook route would, then deliver what it queued."""
        app = self.channel.application
        await app.process_update(Update.de_json(update, app.bot))
        await self.worker.flush()


@asynccontextmanager
async def telegram_world(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> AsyncIterator[TelegramWorld]:
    """Start the fake Bot API and the bot in webhook mode (no polling: updates are handed in)."""
    async with FakeTelegram() as fake:
        settings = telegram_settings(
            fake, telegram_mode="webhook", telegram_webhook_secret="s3cret", public_url="https://bot.test"
        )
        worker = OutboxWorker(sessionmaker, settings, poll_seconds=0.05)
        dispatcher = Dispatcher(sessionmaker, settings, clock=clock)
        channel = TelegramChannel(settings, dispatcher)
        worker.add_sender(channel.sender)
        await channel.start()
        try:
            yield TelegramWorld(fake, channel, worker, sessionmaker)
        finally:
            await channel.stop()


@dataclass
class TelegramChat:
    """One person of a transcript, talking over Telegram."""

    world: TelegramWorld
    who: str
    user_id: int
    clock: Clock | None = None
    channel: Channel = Channel.TELEGRAM
    last: list[OutgoingMessage] = field(default_factory=list)

    async def say(self, text: str) -> str:
        """Type a line; the replies as one text."""
        return await self._turn(self.world.fake.say(self.user_id, text))

    async def tap(self, choice_id: str) -> str:
        """Press a button (bare id: on the last keyboard) on the message that carried it."""
        marked = offered_id(self.last, choice_id)
        carrier = await self._carrier(marked)
        answered = len(self.world.fake.answers)
        answer = await self._turn(self.world.fake.press(self.user_id, carrier, marked))
        notices = [a.get("text") for a in self.world.fake.answers[answered:]]
        return answer or (notices[0] or "" if notices else "")

    async def script(self, *lines: str) -> list[str]:
        """Type several lines."""
        return [await self.say(line) for line in lines]

    async def _turn(self, update: dict[str, Any]) -> str:
        seen = await self._last_row_id()
        await self.world.hand_in(update)
        replies = await self._delivered_since(seen)
        if replies:  # a press answered only by a notice leaves the screen as it was
            self.last = replies
        return "\n".join(render(m) for m in replies)

    async def _carrier(self, marked: str) -> Sent:
        """The sent message whose keyboard offered `marked` (the last one, or none, for a forged id)."""
        async with self.world.sessionmaker() as session:
            rows = await session.execute(
                select(OutboxMessage.payload, OutboxMessage.platform_message_id)
                .where(OutboxMessage.address == str(self.user_id), OutboxMessage.channel == self.channel)
                .order_by(OutboxMessage.id.desc())
            )
            for payload, platform_id in rows.all():
                if any(c["id"] == marked for c in payload.get("choices", [])):
                    return self.world.fake.message(self.user_id, int(platform_id))
        sent = self.world.fake.chats.get(self.user_id)
        return sent[-1] if sent else Sent(0, self.user_id, "", None)

    async def _last_row_id(self) -> int:
        async with self.world.sessionmaker() as session:
            return int(await session.scalar(select(func.max(OutboxMessage.id))) or 0)

    async def _delivered_since(self, seen: int) -> list[OutgoingMessage]:
        """The replies queued to us by this turn (edits of earlier messages left out), each sent."""
        async with self.world.sessionmaker() as session:
            rows = list(
                await session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.channel == self.channel,
                        OutboxMessage.address == str(self.user_id),
                        OutboxMessage.id > seen,
                    )
                    .order_by(OutboxMessage.id)
                )
            )
        replies = []
        for row in rows:
            assert row.status == OutboxStatus.SENT, f"reply {row.id}: {row.status} {row.last_error}"
            message = OutgoingMessage.from_payload(row.payload)
            if message.edit is not None:
                continue
            if not message.remove_keyboard:  # sent as two messages: the text, then the keyboard
                sent = self.world.fake.message(self.user_id, int(str(row.platform_message_id)))
                assert len(message.text) > 4000 or sent.text == message.text, (message.text, sent.text)
            replies.append(message)
        return replies


@dataclass
class TelegramTranscriptWorld(World):
    """The conversations' World, every person on Telegram."""

    telegram: TelegramWorld | None = None
    users: dict[str, int] | None = None

    def chat(self, who: str) -> TelegramChat:  # type: ignore[override]
        """A chat as `who` over Telegram."""
        assert self.telegram is not None and self.users is not None
        return TelegramChat(self.telegram, who, self.users[who], clock=self.clock)


async def transcript_world(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[TelegramTranscriptWorld]:
    """The same people as tests/handlers/conftest.py's world, with Telegram user ids."""
    ids = itertools.count(7001)
    users: dict[str, int] = {}
    clock = Clock()

    async def person(name: str, role: Role, **scope: Any) -> Any:
        users[name] = next(ids)
        address = str(users[name])
        return await add_member(
            session, name.title(), role, channel=Channel.TELEGRAM, address=address, **scope
        )

    units = await seed_pekon(session, units=3)
    others = await seed_pekon(session, kode=OTHER_PEKON, nama="Sukajaya", units=2)
    pemangku = [
        await person(name, Role.PEMANGKU, unit=unit)
        for name, unit in zip(("budi", "sari", "joko"), units, strict=True)
    ]
    await person("ops", Role.STAFF, pekon_kode=TRIMULYO)
    await person("camat", Role.CAMAT, kecamatan_kode=TRIMULYO[:8])
    await person("lain", Role.PEMANGKU, unit=others[0])
    await person("ops-lain", Role.STAFF, pekon_kode=OTHER_PEKON)
    await session.rollback()  # SQLite: the test's reads must not hold the write lock
    async with telegram_world(sessionmaker, clock) as tg:
        yield TelegramTranscriptWorld(sessionmaker, clock, units, others, pemangku, tg, users)
