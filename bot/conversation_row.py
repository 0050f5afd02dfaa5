"""The sender's conversation row in a turn: locked (waiting, or refused at once when busy), read
with the identity and whether other messages of the sender wait, then saved with a version check.

Statements are built once: a statement object keeps its cache key, so each turn only binds values;
Core statements on the tables, because ORM-enabled DML runs the ORM bulk machinery, several times
dearer. The conversation is read as plain columns (it is written back by a Core update, so an ORM
object would only cost its loading); the identity, member and unit stay ORM objects, which
handlers read and change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, Table, bindparam, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot import inbound_queue
from bot.messages import IncomingMessage
from handlers.core import State
from models.base import UTCDateTime
from models.conversation import Conversation
from models.person import Identity, Member
from models.region import Unit

TRANSIENT_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
LOCK_NOT_AVAILABLE = "55P03"  # FOR UPDATE NOWAIT met a lock


class StaleState(Exception):
    """The conversation changed under us; the turn is retried from the start."""


class Busy(Exception):
    """The conversation is in another turn (only when asked not to wait)."""


@dataclass(frozen=True)
class Held:
    """The locked conversation row as read: its state and the version the save checks."""

    id: int
    version: int
    flow: str | None
    step: str | None
    data: dict[str, Any] | None
    question: int
    updated_at: datetime
    keyboard: dict[str, Any] | None


_CONVERSATION = cast(Table, Conversation.__table__)
_HELD = [_CONVERSATION.c[name] for name in Held.__dataclass_fields__]


def _lock_statement(nowait: bool) -> Any:
    conv = _CONVERSATION.c
    others = inbound_queue.waiting_besides(conv.channel, conv.address, bindparam("external_id")).label(
        "others"
    )
    return (
        select(*_HELD, others, Identity)
        .select_from(_CONVERSATION)
        .outerjoin(Identity, (Identity.channel == conv.channel) & (Identity.address == conv.address))
        .where(conv.channel == bindparam("channel"), conv.address == bindparam("address"))
        .with_for_update(of=_CONVERSATION, nowait=nowait)
        # the member and unit are what handlers use; pekon and kecamatan are loaded where needed
        .options(joinedload(Identity.member).joinedload(Member.unit).raiseload(Unit.pekon))
    )


_LOCK = _lock_statement(nowait=False)
_LOCK_OR_BUSY = _lock_statement(nowait=True)
_NEW = text(  # a text statement: the dialects' ON CONFLICT inserts are compiled anew every time
    "INSERT INTO conversation (channel, address, data, updated_at, version)"
    " VALUES (:channel, :address, :data, :at, 0) ON CONFLICT (channel, address) DO NOTHING"
).bindparams(bindparam("data", type_=JSON()), bindparam("at", type_=UTCDateTime()))
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


async def lock(
    session: AsyncSession, message: IncomingMessage, now: datetime, wait: bool
) -> tuple[Held, Identity | None, bool]:
    """The sender's conversation row (created if needed, locked), identity, and whether other
    messages of theirs wait; without `wait`, Busy when another turn holds the row."""
    statement = _LOCK if wait else _LOCK_OR_BUSY
    params = {
        "channel": str(message.channel),
        "address": message.sender_id,
        "external_id": message.external_id,
    }
    try:
        row = (await session.execute(statement, params)).first()
        if row is None:
            new = {"channel": str(message.channel), "address": message.sender_id, "data": {}, "at": now}
            await session.execute(_NEW, new)
            row = (await session.execute(statement, params)).first()
    except DBAPIError as exc:
        if sqlstate(exc) == LOCK_NOT_AVAILABLE:
            raise Busy from exc
        raise
    assert row is not None
    held = len(_HELD)
    return Held(*row[:held]), row[held + 1], bool(row[held])


async def save(
    session: AsyncSession, conv: Held, state: State, now: datetime, keyboard: dict[str, Any] | None
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
        raise StaleState


def sqlstate(exc: DBAPIError) -> str | None:
    """PostgreSQL's error code of a driver error (None on SQLite)."""
    return getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)


def transient(exc: DBAPIError) -> bool:
    """Whether trying the turn again may succeed (a deadlock, a serialization failure, a busy SQLite)."""
    return sqlstate(exc) in TRANSIENT_SQLSTATES or "database is locked" in str(exc.orig)
