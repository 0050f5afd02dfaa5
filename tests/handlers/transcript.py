"""A transcript harness: feed a person's lines to a Dispatcher, get the bot's reply texts back.

Reusable by every helper: `Chat(dispatcher, "budi").say("DAFTAR ABCD-EFGH")` returns the texts of
the replies, choices rendered as numbered lines like the console channel shows them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.messages import IncomingMessage, OutgoingMessage
from handlers.questions import unstamp
from models.person import Channel

_ids = itertools.count(1)
START = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 WIB, a Friday in an open month


@dataclass
class Clock:
    """A settable clock for the dispatcher."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move time forward."""
        self.now += timedelta(**delta)


def make_dispatcher(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock | None = None, **settings: object
) -> Dispatcher:
    """A dispatcher on the test database with a fake clock."""
    config = Settings(database_url="sqlite://", **settings)  # type: ignore[arg-type]
    return Dispatcher(sessionmaker, config, clock=clock or Clock())


def render(message: OutgoingMessage) -> str:
    """The text with its choices as numbered lines (as in the console)."""
    lines = [message.text, *(f"{n}. {c.label}" for n, c in enumerate(message.choices, 1))]
    return "\n".join(lines)


def offered_id(last: list[OutgoingMessage], choice_id: str) -> str:
    """The id as the last keyboard carries it ("q7:simpan" for "simpan"): what a press sends."""
    for message in reversed(last):
        for choice in message.choices:
            if choice.id == choice_id or unstamp(choice.id)[1] == choice_id:
                return choice.id
    return choice_id


def keyboard_ids(last: list[OutgoingMessage]) -> dict[str, str]:
    """Bare id -> marked id of the choices in the last replies (to press them later: stale)."""
    return {unstamp(c.id)[1]: c.id for message in last for c in message.choices}


@dataclass
class Chat:
    """One person talking to the dispatcher."""

    dispatcher: Dispatcher
    who: str
    channel: Channel = Channel.CONSOLE
    clock: Clock | None = None
    last: list[OutgoingMessage] = field(default_factory=list)

    def _incoming(self, **fields: object) -> IncomingMessage:
        received = self.clock() if self.clock else datetime.now(UTC)
        return IncomingMessage(
            channel=self.channel,
            sender_id=self.who,
            external_id=f"t-{next(_ids)}",
            received_at=received,
            **fields,  # type: ignore[arg-type]
        )

    async def send(self, message: IncomingMessage) -> str:
        """Dispatch a prepared message; the replies as one text."""
        self.last = await self.dispatcher.dispatch(message)
        return "\n".join(render(m) for m in self.last)

    async def say(self, text: str) -> str:
        """Type a line; the replies as one text."""
        return await self.send(self._incoming(text=text))

    async def tap(self, choice_id: str) -> str:
        """Press a button of the last replies (by its bare id, or its full marked id); the replies."""
        return await self.send(self._incoming(choice_id=offered_id(self.last, choice_id)))

    async def sends(self, **fields: object) -> str:
        """Send something else (unsupported=..., contact_phone=...); the replies as one text."""
        return await self.send(self._incoming(**fields))

    async def script(self, *lines: str) -> list[str]:
        """Type several lines; the reply text of each."""
        return [await self.say(line) for line in lines]
