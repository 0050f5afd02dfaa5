"""The dispatcher: one incoming message in, one transaction, the replies out (via the outbox).

Per turn: lock the sender's conversation row, claim the message's id (a redelivery is dropped),
then handle it together with every message of the same person stored as waiting (by any process:
bot/inbound_queue.py), in the platform's order; save the facts, the new state, the identity's last
inbound time and the replies as outbox rows in the same transaction. When the conversation is in
another turn the message is stored as waiting first, then the turn waits for the lock: whichever
turn comes next handles it in its place, so a person's messages are handled in order whichever
process receives them.

A file a message carries is downloaded before the turn, outside any transaction
(bot/file_prefetch.py): a turn that meets a waiting message whose file this process has not
brought (another process received it, or it was stored before its own call got here) gives the
turn up, brings the file, and starts again.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import conversation_row, inbound_queue, keyboard_edits, outbox_store, sent_twice
from bot.channels.whatsapp_store import late_notice, notify_late
from bot.config import Settings, public_base
from bot.conversation_row import Busy, Held, StaleState
from bot.file_prefetch import Fetched, Prefetched, prefetch
from bot.inbound_queue import Queued
from bot.messages import FileFetcher, IncomingMessage, OutgoingMessage
from bot.outbox import Lease
from handlers.core import HandlerConfig, State, Turn
from handlers.router import handle
from handlers.texts import error_words
from models.base import utcnow
from models.identity_move import moved_to
from models.outbox import enqueue_replies, has_pending
from models.person import Channel, Identity

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
WINDOW_PRECISION = timedelta(minutes=1)
DEFAULT_TURNS_AT_ONCE = 10
REMEMBERED_ANSWERS = 1000
PREFETCHED_MAX = 64  # files brought for turns to come (at most 5 MB each)


class Handoff(Protocol):
    """The outbox worker's fast path (`OutboxWorker.lease` and `hand`)."""

    def lease(self, channel: str, address: str) -> Lease | None:
        """A lease to queue a chat's replies under, or None."""

    def hand(self, channel: str, address: str, batch: list[outbox_store.Claimed]) -> None:
        """Send rows queued under a lease, after the commit."""


Key = tuple[str, str]  # (channel, external id) of an incoming message


@dataclass
class _Done:
    """A committed turn: each handled message's replies, and the rows to hand to the worker."""

    answers: dict[Key, list[OutgoingMessage]]
    handed: list[outbox_store.Claimed] = field(default_factory=list)


class _NeedsFiles(Exception):
    """The turn met messages whose files were not brought yet: bring them first, outside it."""

    def __init__(self, messages: list[IncomingMessage]) -> None:
        super().__init__(len(messages))
        self.messages = messages


class _Moved(Exception):
    """The sender's address is one a registered person moved away from after sending this message
    (WhatsApp's number change): the message is theirs, and is handled on their address now."""

    def __init__(self, message: IncomingMessage) -> None:
        super().__init__(message.external_id)
        self.message = message


class _HandlerFailed(Exception):
    """A handler raised on `message` (one of the turn's messages)."""

    def __init__(self, message: IncomingMessage) -> None:
        super().__init__(message.external_id)
        self.message = message


def handler_config(settings: Settings) -> HandlerConfig:
    """The part of the settings the conversations use."""
    return HandlerConfig(
        deadline_day=settings.deadline_day,
        draft_ttl_hours=settings.draft_ttl_hours,
        invite_ttl_days=settings.invite_ttl_days,
        village_word=settings.village_word,
        telegram_bot_username=settings.telegram_bot_username,
        public_url=public_base(settings),
    )


class Dispatcher:
    """Turns incoming messages into handler calls and their replies into outbox rows."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
        on_queued: Callable[[], None] | None = None,
        handoff: Handoff | None = None,
        files: Mapping[str, FileFetcher] | None = None,  # per channel; filled as channels start
        transport_clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._files = files if files is not None else {}
        self._config = handler_config(settings)
        self._clock = clock
        self._transport_clock = transport_clock  # the platforms' time: WhatsApp's 24-hour window
        self._late_notice = late_notice(settings)
        self._copies = timedelta(seconds=settings.sent_twice_seconds)  # one text twice within: a copy
        self._on_queued = on_queued
        self._handoff = handoff
        self._gate = asyncio.Semaphore(_turns_at_once(sessionmaker))
        # replies to messages a turn took in the place of their own dispatch call (which collects them)
        self._answers: OrderedDict[Key, list[OutgoingMessage]] = OrderedDict()
        self._prefetched: OrderedDict[Key, Fetched] = OrderedDict()  # files brought before their turn

    async def dispatch(self, message: IncomingMessage) -> list[OutgoingMessage]:
        """Handle one message exactly once, in its sender's order; returns its replies (already
        queued in the outbox; empty for a redelivery, or when another process's turn took it)."""
        key = _key(message)
        try:
            if message.file is not None:
                await self._prefetch([message])
            return await self._dispatch(message, key)
        finally:
            self._answers.pop(key, None)
            self._prefetched.pop(key, None)

    async def _prefetch(self, messages: list[IncomingMessage]) -> None:
        """Bring the messages' files, outside any transaction and any turn's slot."""
        for message in messages:
            fetcher = self._files.get(message.channel)
            self._prefetched[_key(message)] = await prefetch(self._sessionmaker, fetcher, message)
        while len(self._prefetched) > PREFETCHED_MAX:
            self._prefetched.popitem(last=False)

    async def _dispatch(self, message: IncomingMessage, key: Key) -> list[OutgoingMessage]:
        busy = stored = False
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self._gate:
                    if busy and not stored:  # waiting where other turns of the person look
                        stored = await self._store(message)
                        if not stored:
                            return []
                    done = await self._turn(message, busy)
            except Busy:
                busy = True
                continue
            except inbound_queue.HandledBefore:
                return self._answers.get(key, [])
            except _NeedsFiles as needs:
                await self._prefetch(needs.messages)
                continue
            except _Moved as moved:
                message, busy, stored = moved.message, False, False
                await self._readdress(message)
                continue
            except _HandlerFailed as failed:
                replies = await self._failed(failed.message, failed.__cause__ or failed)
                if _key(failed.message) == key:
                    return replies
                continue  # another waiting message broke: it is answered; now this one
            except (StaleState, PoolTimeout):  # a burst larger than the pool waits its turn
                continue
            except DBAPIError as exc:
                if conversation_row.transient(exc) and attempt < MAX_ATTEMPTS:
                    continue
                return await self._failed(message, exc)
            except Exception as exc:  # a bug must not lose the message silently
                return await self._failed(message, exc)
            if done.handed and self._handoff is not None:
                self._handoff.hand(message.channel, message.sender_id, done.handed)
            else:
                self._queued([reply for replies in done.answers.values() for reply in replies])
            return done.answers.get(key, self._answers.get(key, []))
        return await self._failed(message, RuntimeError("too many concurrent turns"))

    async def _readdress(self, message: IncomingMessage) -> None:
        """The message, if it waits, waits in its person's queue on the address they use now."""
        async with self._sessionmaker() as session, session.begin():
            await inbound_queue.readdress(session, message)

    async def _store(self, message: IncomingMessage) -> bool:
        """Store the message as waiting for its person's turn; false when it was handled before."""
        async with self._sessionmaker() as session, session.begin():
            return await inbound_queue.store(session, message, self._clock())

    async def _turn(self, message: IncomingMessage, busy: bool) -> _Done:
        now = self._clock()
        async with self._sessionmaker() as session, session.begin():
            conv, identity, others = await conversation_row.lock(session, message, now, wait=busy)
            if identity is None:  # a stranger, or a person's old address (rolled back: nothing kept)
                moved = await moved_to(session, message.channel, message.sender_id, message.received_at)
                if moved is not None:
                    raise _Moved(replace(message, sender_id=moved))
            batch, waited = await inbound_queue.turn_batch(session, message, now, busy, others)
            unfetched = [m for m in (i.message for i in batch) if m.file and _key(m) not in self._prefetched]
            if unfetched:
                raise _NeedsFiles(unfetched)  # rolled back: no download inside a transaction
            done = await self._handle(session, conv, identity, batch, now)
            await inbound_queue.mark_handled(session, waited, now)
            self._remember(done.answers, _key(message))  # before the commit lets their own turns in
        for item in batch:
            self._prefetched.pop(_key(item.message), None)
        return done

    def _remember(self, answers: dict[Key, list[OutgoingMessage]], own: Key) -> None:
        """Keep the replies to the other messages a turn took, for their own dispatch calls here
        (the oldest are forgotten: those calls may be in another process)."""
        for key, replies in answers.items():
            if key != own:
                self._answers[key] = replies
        while len(self._answers) > REMEMBERED_ANSWERS:
            self._answers.popitem(last=False)

    async def _handle(
        self,
        session: AsyncSession,
        conv: Held,
        identity: Identity | None,
        batch: list[Queued],
        now: datetime,
    ) -> _Done:
        """Each message of the batch in order, the state carried from one to the next."""
        state = State(conv.flow, conv.step, dict(conv.data or {}), conv.question)
        last_active, keyboard = conv.updated_at, conv.keyboard
        lease: Lease | None = None
        answers: dict[Key, list[OutgoingMessage]] = {}
        rows: list[Any] = []
        for item in batch:
            message = item.message
            files = Prefetched(self._prefetched.get(_key(message)))
            turn = Turn(session, message, identity, state, now, self._config, last_active, files)
            replies, copy = await sent_twice.answer(turn, _handled, self._copies)  # a copy changes nothing
            identity = turn.identity  # registration binds the sender during the turn
            if identity is not None and _window_moves(identity.last_inbound_at, message.received_at):
                identity.last_inbound_at = message.received_at
            outgoing = [*([] if copy else keyboard_edits.edits(message, keyboard, replies)), *replies]
            if outgoing and not rows and lease is None:
                lease = await self._lease(session, message)
            queued = await enqueue_replies(
                session,
                channel=message.channel,
                address=message.sender_id,
                payloads=[out.to_payload() for out in outgoing],
                member_id=identity.member_id if identity is not None else None,
                leased_until=lease.until if lease else None,
            )
            if replies and not copy:
                keyboard = keyboard_edits.last_keyboard(outgoing, queued.owners)
            rows += queued.rows
            answers[_key(message)] = replies
            last_active = turn.now
        await conversation_row.save(session, conv, state, last_active, keyboard)
        self._notify_late(session, [item.message for item in batch if answers[_key(item.message)]])
        handed = await _claimed(session, rows, lease, identity) if lease else []
        return _Done(answers, handed)

    def _notify_late(self, session: AsyncSession, answered: list[IncomingMessage]) -> None:
        """WhatsApp messages that reached us after their window closed: the notice, in this turn."""
        late = [message for message in answered if message.channel == Channel.WHATSAPP]
        if late:
            notify_late(session, late, self._late_notice, self._transport_clock())

    async def _lease(self, session: AsyncSession, message: IncomingMessage) -> Lease | None:
        """The worker's fast-path lease, unless the chat has rows waiting (new ones go behind)."""
        if self._handoff is None:
            return None
        lease = self._handoff.lease(message.channel, message.sender_id)
        if lease is None or await has_pending(session, message.channel, message.sender_id):
            return None
        return lease

    async def _failed(self, message: IncomingMessage, exc: BaseException) -> list[OutgoingMessage]:
        """Log without personal data (type and frames only), mark processed, say sorry; raises
        when even that cannot be recorded."""
        logger.error(
            "turn failed on %s message %s: %s at %s",
            message.channel,
            message.external_id,
            type(exc).__name__,
            _frames(exc),
        )
        replies = [OutgoingMessage(text=error_words.INTERNAL_ERROR)]
        try:
            async with self._sessionmaker() as session, session.begin():
                if not await inbound_queue.answer_instead(session, message, replies, self._clock()):
                    return []
        except Exception as second:
            # nothing was queued: raised, so the channel tries the message again (a WhatsApp body
            # by its sweep, a polled Telegram update from its queue) rather than take it as answered
            logger.error("could not record the failed turn: %s", type(second).__name__)
            raise second from exc
        self._queued(replies)
        return replies

    def _queued(self, replies: list[OutgoingMessage]) -> None:
        if replies and self._on_queued is not None:
            self._on_queued()


async def _claimed(
    session: AsyncSession, rows: list[Any], lease: Lease, identity: Identity | None
) -> list[outbox_store.Claimed]:
    """The rows queued under the lease, ready to send (the recipient is known: no query)."""
    people = {}
    if identity is not None:
        people[identity.channel, identity.address] = (identity.reachable, identity.last_inbound_at)
    return await outbox_store.claimed(session, rows, lease.now, people)


def _turns_at_once(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """How many turns may run at once: SQLite has one writer, so one (queueing here beats its
    sleeping busy handler); a server database the pool's size (a measured optimum: more open
    transactions at once only add contention)."""
    bind = sessionmaker.kw.get("bind")
    if bind is None or bind.dialect.name == "sqlite":
        return 1
    size = getattr(bind.pool, "size", None)
    return int(size()) if callable(size) else DEFAULT_TURNS_AT_ONCE


def _frames(exc: BaseException) -> str:
    """Where it failed: file, line and function, never the source text or values."""
    return " <- ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
        for frame in reversed(traceback.extract_tb(exc.__traceback__))
    )


def _window_moves(last: datetime | None, received: datetime) -> bool:
    """Whether to store a new last inbound time (a minute's precision is plenty for a 24-hour window)."""
    return last is None or received - last > WINDOW_PRECISION


async def _handled(turn: Turn) -> list[OutgoingMessage]:
    """The handler's replies; a handler's own failure names its message (the batch goes on)."""
    try:
        return await handle(turn)
    except (DBAPIError, PoolTimeout, StaleState):
        raise
    except Exception as exc:
        raise _HandlerFailed(turn.message) from exc


def _key(message: IncomingMessage) -> Key:
    return str(message.channel), message.external_id
