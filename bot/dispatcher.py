"""The dispatcher: one incoming message in, one transaction, the replies out (via the outbox).

Per message: claim its external id (a redelivery is dropped), lock the sender's conversation row
(two messages of one person are handled one after the other), call the handler, then save the
facts, the new state, the processed-message row, the identity's last inbound time and the replies
as outbox rows in the same transaction.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload

from bot import outbox_store
from bot.config import Settings, public_base
from bot.messages import Choice, EditRef, FileFetcher, IncomingMessage, OutgoingMessage
from bot.outbox import Lease
from handlers import texts
from handlers.core import HandlerConfig, State, Turn
from handlers.questions import chosen
from handlers.router import handle
from models.base import utcnow
from models.conversation import Conversation
from models.inbound import ProcessedMessage
from models.outbox import enqueue_replies, has_pending
from models.person import Channel, Identity, Member
from models.region import Unit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
TRANSIENT_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
WINDOW_PRECISION = timedelta(minutes=1)
DEFAULT_TURNS_AT_ONCE = 10


class Handoff(Protocol):
    """The outbox worker's fast path (`OutboxWorker.lease` and `hand`)."""

    def lease(self, channel: str, address: str) -> Lease | None:
        """A lease to queue a chat's replies under, or None."""

    def hand(self, channel: str, address: str, batch: list[outbox_store.Claimed]) -> None:
        """Send rows queued under a lease, after the commit."""


@dataclass
class _Done:
    """A committed turn: its replies, and the rows to hand to the worker (fast path)."""

    replies: list[OutgoingMessage]
    handed: list[outbox_store.Claimed] = field(default_factory=list)


class _StaleState(Exception):
    """The conversation changed under us; the turn is retried from the start."""


class _Duplicate(Exception):
    """The message was processed before."""


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
    ) -> None:
        self._sessionmaker = sessionmaker
        self._files = files if files is not None else {}
        self._config = handler_config(settings)
        self._clock = clock
        self._on_queued = on_queued
        self._handoff = handoff
        self._gate = asyncio.Semaphore(_turns_at_once(sessionmaker))

    async def dispatch(self, message: IncomingMessage) -> list[OutgoingMessage]:
        """Handle one message exactly once; returns the replies (already queued in the outbox)."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self._gate:
                    done = await self._turn(message)
            except _Duplicate:
                return []
            except (_StaleState, PoolTimeout):  # a burst larger than the pool waits its turn
                continue
            except DBAPIError as exc:
                if _transient(exc) and attempt < MAX_ATTEMPTS:
                    continue
                return await self._failed(message, exc)
            except Exception as exc:  # a handler bug must not lose the message silently
                return await self._failed(message, exc)
            if done.handed and self._handoff is not None:
                self._handoff.hand(message.channel, message.sender_id, done.handed)
            else:
                self._queued(done.replies)
            return done.replies
        return await self._failed(message, RuntimeError("too many concurrent turns"))

    async def _turn(self, message: IncomingMessage) -> _Done:
        now = self._clock()
        async with self._sessionmaker() as session, session.begin():
            conv, identity = await _lock_conversation(session, message, now)
            if not await _claim(session, message, now):
                raise _Duplicate
            state = State(conv.flow, conv.step, dict(conv.data or {}), conv.question)
            files = self._files.get(message.channel)
            turn = Turn(session, message, identity, state, now, self._config, conv.updated_at, files)
            replies = await handle(turn)
            identity = turn.identity  # registration binds the sender during the turn
            if identity is not None and _window_moves(identity.last_inbound_at, message.received_at):
                identity.last_inbound_at = message.received_at
            member_id = identity.member_id if identity is not None else None
            outgoing = [*_edits(message, conv.keyboard, replies), *replies]
            lease = await self._lease(session, message) if outgoing else None
            queued = await enqueue_replies(
                session,
                channel=message.channel,
                address=message.sender_id,
                payloads=[out.to_payload() for out in outgoing],
                member_id=member_id,
                leased_until=lease.until if lease else None,
            )
            keyboard = _keyboard(outgoing, queued.owners) if replies else conv.keyboard
            await _save_state(session, conv, state, turn.now, keyboard)
            handed = await _claimed(session, queued.rows, lease, identity) if lease else []
        return _Done(replies, handed)

    async def _lease(self, session: AsyncSession, message: IncomingMessage) -> Lease | None:
        """The worker's fast-path lease, unless the chat has rows waiting (new ones go behind)."""
        if self._handoff is None:
            return None
        lease = self._handoff.lease(message.channel, message.sender_id)
        if lease is None or await has_pending(session, message.channel, message.sender_id):
            return None
        return lease

    async def _failed(self, message: IncomingMessage, exc: BaseException) -> list[OutgoingMessage]:
        """Log without personal data (type and frames only), mark processed, say sorry."""
        logger.error(
            "turn failed on %s message %s: %s at %s",
            message.channel,
            message.external_id,
            type(exc).__name__,
            _frames(exc),
        )
        replies = [OutgoingMessage(text=texts.INTERNAL_ERROR)]
        try:
            async with self._sessionmaker() as session, session.begin():
                if not await _claim(session, message, self._clock()):
                    return []
                await enqueue_replies(
                    session,
                    channel=message.channel,
                    address=message.sender_id,
                    payloads=[out.to_payload() for out in replies],
                )
        except Exception as second:
            logger.error("could not record the failed turn: %s", type(second).__name__)
            return replies
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


def _edits(
    message: IncomingMessage, keyboard: dict[str, Any] | None, replies: list[OutgoingMessage]
) -> list[OutgoingMessage]:
    """On Telegram, the previous keyboard loses its buttons as a new question is put, and shows
    what was chosen on it (pressed or typed). Queued ahead of the replies, so it goes first."""
    if keyboard is None or not replies or message.channel != Channel.TELEGRAM:
        return []
    offered = [Choice(id=choice_id, label=label) for choice_id, label in keyboard["choices"]]
    picked = chosen(message, offered)
    return [OutgoingMessage("", edit=EditRef(keyboard["row"], picked.label if picked else None))]


def _keyboard(outgoing: list[OutgoingMessage], rows: list[int]) -> dict[str, Any] | None:
    """The last keyboard of this turn's replies: its outbox row and its (marked) choices."""
    for out, row in zip(reversed(outgoing), reversed(rows), strict=True):
        if out.choices:
            return {"row": row, "choices": [[c.id, c.label] for c in out.choices]}
    return None


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


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _transient(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in TRANSIENT_SQLSTATES or "database is locked" in str(exc.orig)


def _window_moves(last: datetime | None, received: datetime) -> bool:
    """Whether to store a new last inbound time (a minute's precision is plenty for a 24-hour window)."""
    return last is None or received - last > WINDOW_PRECISION


# Built once: a statement object keeps its cache key, so each turn only binds new values.
_LOCK = (
    select(Conversation, Identity)
    .outerjoin(
        Identity,
        (Identity.channel == Conversation.channel) & (Identity.address == Conversation.address),
    )
    .where(Conversation.channel == bindparam("channel"), Conversation.address == bindparam("address"))
    .with_for_update(of=Conversation)
    # the member and unit are what handlers use; pekon and kecamatan are loaded where needed
    .options(joinedload(Identity.member).joinedload(Member.unit).raiseload(Unit.pekon))
)
# Core statements on the tables: ORM-enabled DML runs the ORM bulk machinery, several times dearer.
_CONVERSATION = cast(Table, Conversation.__table__)
_SAVE = (
    update(_CONVERSATION)
    .where(_CONVERSATION.c.id == bindparam("conv_id"), _CONVERSATION.c.version == bindparam("seen_version"))
    .values(
        flow=bindparam("new_flow"),
        step=bindparam("new_step"),
        data=bindparam("new_data", type_=_CONVERSATION.c.data.type),
        updated_at=bindparam("new_updated_at", type_=_CONVERSATION.c.updated_at.type),
        question=bindparam("new_question"),
        keyboard=bindparam("new_keyboard", type_=_CONVERSATION.c.keyboard.type),
        version=_CONVERSATION.c.version + 1,
    )
)


def _claim_statement() -> Any:
    """INSERT ... SELECT ... WHERE NOT EXISTS, RETURNING id: a plain statement SQLAlchemy can cache
    (the dialects' ON CONFLICT inserts are compiled anew every time). Turns of one sender are
    serialised by the conversation lock, so a redelivery sees the committed row; a unique-key
    violation would still refuse the second copy."""
    table = cast(Table, ProcessedMessage.__table__)
    channel, external_id, at = (
        bindparam("channel", type_=table.c.channel.type),
        bindparam("external_id", type_=table.c.external_id.type),
        bindparam("at", type_=table.c.created_at.type),
    )
    seen = select(table.c.id).where(table.c.channel == channel, table.c.external_id == external_id)
    return (
        insert(table)
        .from_select(
            ["channel", "external_id", "created_at"], select(channel, external_id, at).where(~seen.exists())
        )
        .returning(table.c.id)
    )


_CLAIM = _claim_statement()


async def _lock_conversation(
    session: AsyncSession, message: IncomingMessage, now: datetime
) -> tuple[Conversation, Identity | None]:
    """The sender's conversation row (created if needed, locked) and identity, in one statement."""
    params = {"channel": str(message.channel), "address": message.sender_id}
    row = (await session.execute(_LOCK, params)).first()
    if row is None:
        await session.execute(
            _insert(session)(_CONVERSATION)
            .values(channel=message.channel, address=message.sender_id, data={}, updated_at=now, version=0)
            .on_conflict_do_nothing(index_elements=["channel", "address"])
        )
        row = (await session.execute(_LOCK, params)).first()
    assert row is not None
    return row[0], row[1]


async def _claim(session: AsyncSession, message: IncomingMessage, now: datetime) -> bool:
    """Record the message id; false when it was already there (a redelivery)."""
    params = {"channel": str(message.channel), "external_id": message.external_id, "at": now}
    result = await session.execute(_CLAIM, params)
    return result.first() is not None


async def _save_state(
    session: AsyncSession, conv: Conversation, state: State, now: datetime, keyboard: dict[str, Any] | None
) -> None:
    """Write the new state if nobody else did since we read it (version check)."""
    params = {
        "conv_id": conv.id,
        "seen_version": conv.version,
        "new_flow": state.flow,
        "new_step": state.step,
        "new_data": state.data,
        "new_updated_at": now,
        "new_question": state.question,
        "new_keyboard": keyboard,
    }
    result = await session.execute(_SAVE, params)
    if not result.rowcount:  # type: ignore[attr-defined]
        raise _StaleState
