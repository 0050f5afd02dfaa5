"""The console channel: the same conversations in a terminal, choices shown as numbered lines.

Replies travel like on every other channel: the dispatcher queues them in the outbox and the
outbox worker hands them to `ConsoleSender`, which prints them.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Delivery
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.messages import Channel, IncomingMessage, OutgoingMessage
from bot.outbox import OutboxWorker
from models.base import utcnow

Write = Callable[[str], None]
QUIT_WORDS = frozenset({"keluar", "exit", "quit", ":q"})


def render(message: OutgoingMessage) -> str:
    """The text, then each choice as "N. label" (people answer with the number or the word)."""
    lines = [message.text, *(f"  {n}. {c.label}" for n, c in enumerate(message.choices, 1))]
    if message.document is not None:
        lines.append(f"  [berkas: {message.document.filename}]")
    return "\n".join(lines)


class ConsoleSender:
    """Prints outbox rows of the console channel; rows for other people are marked with their name."""

    channel = Channel.CONSOLE.value

    def __init__(self, who: str, write: Write) -> None:
        self._who = who
        self._write = write
        self._ids = itertools.count(1)

    async def send(self, delivery: Delivery) -> str:
        """Print one message and return a local message id."""
        text = render(delivery.message)
        if delivery.address != self._who:
            text = f"(untuk {delivery.address}) {text}"
        self._write(text)
        return f"console-{next(self._ids)}"


def incoming(who: str, text: str, now: datetime) -> IncomingMessage:
    """A typed line as an incoming message of the console channel."""
    return IncomingMessage(
        channel=Channel.CONSOLE,
        sender_id=who,
        external_id=f"console-{uuid.uuid4().hex}",
        received_at=now,
        text=text,
        sender_name=who,
    )


async def converse(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    who: str,
    lines: AsyncIterator[str],
    write: Write,
    *,
    echo: bool = False,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """Feed typed lines to the dispatcher as `who` and print the replies; returns how many were sent."""
    worker = OutboxWorker(sessionmaker, settings, [ConsoleSender(who, write)])  # delivers in real time
    dispatcher = Dispatcher(sessionmaker, settings, clock=clock, on_queued=worker.wake, handoff=worker)
    sent = 0
    async for line in lines:
        if line.strip().lower() in QUIT_WORDS:
            break
        if not line.strip():
            continue
        if echo:
            write(f"{who}> {line}")
        await dispatcher.dispatch(incoming(who, line, clock()))
        await worker.flush()
        sent += 1
    return sent
