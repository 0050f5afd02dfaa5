"""Stored WhatsApp bodies processed in batches: whatever arrived while the last batch was taken.

Three kinds of transaction instead of three per body: one per batch moves the people who changed
their number (whatsapp_number.py) and opens the senders' windows (and releases what was held
for them) before any turn; then one turn per message (the
dispatcher's) in its person's lane, each person's messages in arrival order, different people at
once; then, once every message of a body is done, one commit applies the statuses and marks
processed all the bodies done meanwhile (a group commit). A person still busy (a list file on a
slow link) holds up only their own lane: the next batch starts at once. A turn that fails holds
its person's later messages back until the sweep tries its body again (order is kept while there
is hope); on the body's last try the failing message is set aside instead (its person asked to
send it again, the body dead as before) and their later messages go on. A crash anywhere leaves
bodies unprocessed; they are processed again and the dispatcher drops the turns already taken
(by message id).
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import inbound_queue, inbound_store
from bot.channels import whatsapp_store as store
from bot.channels.base import MessageSink
from bot.channels.whatsapp_number import apply_number_changes
from bot.channels.whatsapp_payload import ParsedBody
from bot.messages import IncomingMessage, OutgoingMessage
from handlers.texts import error_words
from models.base import WIB

logger = logging.getLogger(__name__)

BATCH_MAX = 200  # bodies per batch and per processed-mark commit: bounds those transactions
UNFINISHED_MAX = 2000  # bodies taken but not yet marked: a new batch waits below this


@dataclass
class Body:
    """One stored body to process, and who waits for it."""

    payload_id: int
    parsed: ParsedBody
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    failure: Exception | None = None
    answered: list[IncomingMessage] = field(default_factory=list)
    left: int = 0  # its messages whose turn has not ended


class BatchProcessor:
    """Processes submitted bodies: batches taken one after another, people in lanes of their own."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        sink: MessageSink,
        *,
        clock: Callable[[], datetime],
        on_answered: Callable[[list[IncomingMessage]], None],
        people_at_once: int,
        max_attempts: int = 8,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._max_attempts = max_attempts  # failed tries before a body is dead (bot/inbound_store.py)
        self._sink = sink
        self._clock = clock
        self._on_answered = on_answered
        self._people = asyncio.Semaphore(people_at_once)
        self._queue: list[Body] = []
        self._runner: asyncio.Task[None] | None = None
        self._lanes: dict[str, deque[tuple[Body, IncomingMessage]]] = {}
        self._settled: list[Body] = []  # every message done: to be marked processed
        self._marker: asyncio.Task[None] | None = None
        self._unfinished: set[asyncio.Future[None]] = set()
        self._room = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, payload_id: int, parsed: ParsedBody) -> asyncio.Future[None]:
        """Queue a body; the future is done once it is processed (or failed and noted)."""
        body = Body(payload_id, parsed)
        self._queue.append(body)
        self._unfinished.add(body.done)
        body.done.add_done_callback(self._finished)
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return body.done

    async def wait_idle(self) -> None:
        """Until every submitted body is processed."""
        while self._unfinished:
            await asyncio.wait(list(self._unfinished))

    def _finished(self, done: asyncio.Future[None]) -> None:
        self._unfinished.discard(done)
        self._room.set()

    async def _run(self) -> None:
        while self._queue:
            while len(self._unfinished) - len(self._queue) >= UNFINISHED_MAX:
                self._room.clear()
                await self._room.wait()
            batch, self._queue = self._queue[:BATCH_MAX], self._queue[BATCH_MAX:]
            opened = await self._open_each(batch)
            await self._note_failures(batch)
            self._distribute(opened)

    async def _open_each(self, batch: list[Body]) -> list[Body]:
        """Open the batch's windows in one transaction; when that fails, body by body, so a body
        that breaks it (a poison body) fails alone and the others go on. Returns those opened."""
        try:
            await self._open(batch)
            return batch
        except Exception as exc:
            if len(batch) == 1:
                batch[0].failure = exc
                return []
        return [body for one in batch for body in await self._open_each([one])]

    async def _open(self, batch: list[Body]) -> None:
        messages = [m for body in batch for m in body.parsed.messages]
        changes = [c for body in batch for c in body.parsed.number_changes]
        if messages or changes:
            async with self._sessionmaker() as session, session.begin():
                await apply_number_changes(session, changes, self._clock())
                if messages:
                    await before_turns(session, messages, self._clock())

    def _distribute(self, batch: list[Body]) -> None:
        """Each message to its person's lane (behind what the person already has going)."""
        for body in batch:
            body.left = len(body.parsed.messages)
            if not body.left:
                self._settle(body)
            for message in body.parsed.messages:
                lane = self._lanes.get(message.sender_id)
                if lane is not None:
                    lane.append((body, message))
                    continue
                self._lanes[message.sender_id] = deque([(body, message)])
                self._spawn(self._lane(message.sender_id))

    async def _lane(self, sender: str) -> None:
        """The person's messages one after another; gone when none are left. After a turn fails,
        the person's messages still queued wait for the sweep (none overtakes the failed one),
        unless it failed on its body's last try: then it is set aside and the lane goes on."""
        lane = self._lanes[sender]
        broken: Exception | None = None
        while lane:
            body, message = lane[0]
            if broken is None and (failure := await self._turn(body, message)) is not None:
                body.failure = body.failure or failure
                if not await self._set_aside(body, message):
                    broken = failure
            body.failure = body.failure or broken
            lane.popleft()
            body.left -= 1
            if not body.left:
                self._settle(body)
        del self._lanes[sender]

    async def _turn(self, body: Body, message: IncomingMessage) -> Exception | None:
        try:
            async with self._people:
                if await self._sink.dispatch(message):  # a redelivery: []
                    body.answered.append(message)
        except Exception as exc:
            return exc
        return None

    async def _set_aside(self, body: Body, message: IncomingMessage) -> bool:
        """On the body's last try (it goes dead, its admins told), the message that failed is
        marked handled, so no later turn of its person meets it waiting, and the person is asked
        to send it again. False while the body has tries left: its person's order is kept."""
        try:
            async with self._sessionmaker() as session, session.begin():
                if not await inbound_store.on_last_try(session, body.payload_id, self._max_attempts):
                    return False
                # which message: the person may have sent several since, hours ago
                sent = f"{message.received_at.astimezone(WIB):%d-%m-%Y pukul %H.%M}"
                sorry = OutgoingMessage(text=error_words.MESSAGE_SET_ASIDE.format(sent=sent))
                await inbound_queue.answer_instead(session, message, [sorry], self._clock())
        except Exception as exc:
            kind = type(exc).__name__
            logger.error("could not set aside a message of whatsapp payload %s: %s", body.payload_id, kind)
            return False
        logger.error("whatsapp payload %s: a message set aside after its last try", body.payload_id)
        return True

    def _settle(self, body: Body) -> None:
        self._settled.append(body)
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._mark_all())

    async def _mark_all(self) -> None:
        """Mark settled bodies processed, those settled meanwhile together in the next commit."""
        while self._settled:
            group, self._settled = self._settled[:BATCH_MAX], self._settled[BATCH_MAX:]
            await self._mark_each(group)
            answered = [m for body in group if body.failure is None for m in body.answered]
            if answered:
                self._on_answered(answered)
            await self._note_failures(group)
            for body in group:
                if not body.done.done():
                    body.done.set_result(None)

    async def _mark_each(self, group: list[Body]) -> None:
        """Mark the group in one commit; when that fails, body by body, so a body that breaks it
        fails alone (left for the sweep, its try counted) and the others are marked."""
        try:
            await self._mark(group)
            return
        except Exception as exc:
            if len(group) == 1:
                group[0].failure = group[0].failure or exc
                return
        for body in group:
            await self._mark_each([body])

    async def _mark(self, group: list[Body]) -> None:
        now = self._clock()
        done = [body for body in group if body.failure is None]
        if not done:
            return
        async with self._sessionmaker() as session, session.begin():
            for body in done:
                for status in body.parsed.statuses:
                    await store.apply_status(session, status, now)
            notes = {body.payload_id: body.parsed.problem_note() for body in done}
            await store.mark_processed(session, notes, now)

    async def _note_failures(self, batch: list[Body]) -> None:
        for body in batch:
            if body.failure is not None and not body.done.done():
                log_failure(body.payload_id, body.failure)
                try:
                    async with self._sessionmaker() as session, session.begin():
                        error = type(body.failure).__name__
                        now = self._clock()
                        await inbound_store.record_failure(
                            session, body.payload_id, error, now, self._max_attempts
                        )
                except Exception:
                    logger.error("could not record the error of whatsapp payload %s", body.payload_id)
                body.done.set_result(None)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


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
