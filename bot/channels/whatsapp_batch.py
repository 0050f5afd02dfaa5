"""Stored WhatsApp bodies processed in batches: whatever arrived while the last batch ran.

Per batch, three kinds of transaction instead of three per body: one opens the senders' windows
(and releases what was held for them) before any turn, then one turn per message (the
dispatcher's), different people at once and each person's messages in arrival order, then one
applies the statuses and marks every body processed. A crash anywhere leaves bodies unprocessed;
they are processed again and the dispatcher drops the turns already taken (by message id).
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels import whatsapp_store as store
from bot.channels.base import MessageSink
from bot.channels.whatsapp_payload import ParsedBody
from bot.messages import IncomingMessage

logger = logging.getLogger(__name__)

BATCH_MAX = 200  # bodies per batch: bounds the two batch transactions


@dataclass
class Body:
    """One stored body to process, and who waits for it."""

    payload_id: int
    parsed: ParsedBody
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    failure: Exception | None = None
    answered: list[IncomingMessage] = field(default_factory=list)


class BatchProcessor:
    """Processes submitted bodies, one batch at a time, many people at once within a batch."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        sink: MessageSink,
        *,
        clock: Callable[[], datetime],
        on_answered: Callable[[list[IncomingMessage]], None],
        people_at_once: int,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._sink = sink
        self._clock = clock
        self._on_answered = on_answered
        self._people = asyncio.Semaphore(people_at_once)
        self._queue: list[Body] = []
        self._runner: asyncio.Task[None] | None = None

    def submit(self, payload_id: int, parsed: ParsedBody) -> asyncio.Future[None]:
        """Queue a body; the future is done once it is processed (or failed and noted)."""
        body = Body(payload_id, parsed)
        self._queue.append(body)
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return body.done

    async def wait_idle(self) -> None:
        """Until every submitted body is processed."""
        while self._runner is not None and not self._runner.done():
            await asyncio.shield(self._runner)

    async def _run(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:BATCH_MAX], self._queue[BATCH_MAX:]
            try:
                await self._batch(batch)
            except Exception as exc:  # a batch transaction failed: every body is left for the sweep
                for body in batch:
                    body.failure = body.failure or exc
                await self._note_failures(batch)
            for body in batch:
                if not body.done.done():
                    body.done.set_result(None)

    async def _batch(self, batch: list[Body]) -> None:
        now = self._clock()
        messages = [m for body in batch for m in body.parsed.messages]
        if messages:
            async with self._sessionmaker() as session, session.begin():
                await before_turns(session, messages, now)
        await self._turns(batch)
        async with self._sessionmaker() as session, session.begin():
            done = [body for body in batch if body.failure is None]
            for body in done:
                await self._finish(session, body, now)
            notes = {body.payload_id: body.parsed.problem_note() for body in done}
            await store.mark_processed(session, notes, now)
        await self._note_failures(batch)
        answered = [m for body in batch for m in body.answered]
        if answered:
            self._on_answered(answered)

    async def _turns(self, batch: list[Body]) -> None:
        """Each person's messages in order; different people at once."""
        people: dict[str, list[tuple[Body, IncomingMessage]]] = defaultdict(list)
        for body in batch:
            for message in body.parsed.messages:
                people[message.sender_id].append((body, message))
        await asyncio.gather(*(self._person(items) for items in people.values()))

    async def _person(self, items: list[tuple[Body, IncomingMessage]]) -> None:
        async with self._people:
            for index, (body, message) in enumerate(items):
                try:
                    if await self._sink.dispatch(message):  # a redelivery: []
                        body.answered.append(message)
                except Exception as exc:  # this body and the person's later ones wait for the sweep
                    for later, _ in items[index:]:
                        later.failure = later.failure or exc
                    return

    async def _finish(self, session: AsyncSession, body: Body, now: datetime) -> None:
        for status in body.parsed.statuses:
            await store.apply_status(session, status, now)

    async def _note_failures(self, batch: list[Body]) -> None:
        for body in batch:
            if body.failure is not None and not body.done.done():
                log_failure(body.payload_id, body.failure)
                try:
                    async with self._sessionmaker() as session, session.begin():
                        await store.record_error(session, body.payload_id, type(body.failure).__name__)
                except Exception:
                    logger.error("could not record the error of whatsapp payload %s", body.payload_id)
                body.done.set_result(None)


def log_failure(payload_id: int, exc: Exception) -> None:
    """Type and place only, on one line: a database error's text can carry what people typed."""
    where = " <- ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
        for f in reversed(traceback.extract_tb(exc.__traceback__))
    )
    logger.error("whatsapp payload %s failed: %s at %s", payload_id, type(exc).__name__, where)


async def before_turns(session: AsyncSession, messages: list[IncomingMessage], now: datetime) -> None:
    """The people wrote: notices they got as templates follow in full, their windows open, and
    what was held for them is released, all before the turns so the replies may go free-form."""
    senders = {message.sender_id for message in messages}
    await store.follow_up(session, senders, now)
    await store.touch_windows(session, messages)
    await store.release_held(session, senders, now)
