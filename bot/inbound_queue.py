"""Each person's incoming messages, in the platform's order, whichever process received them.

A message is claimed (its platform id recorded as handled) in the turn that handles it; one that
must wait for its turn (a WhatsApp body's, stored before the 200, or one whose person's
conversation is busy in another turn) is first stored as waiting, with its content and its
position. A turn handles its own message and every waiting message of the same person together,
ordered by position: a later message never overtakes an earlier one that was already stored.

Positions: Telegram's update_id (increasing per bot, so exact); otherwise the platform's send time
in milliseconds (WhatsApp's `timestamp` has whole seconds: two messages of one person within the
same second are taken in the order they were stored). Ties go by storage order (the row id).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, fields, is_dataclass
from datetime import datetime
from typing import Any, cast, get_args, get_type_hints

from sqlalchemy import JSON, Table, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Channel, IncomingMessage, OutgoingMessage
from models.base import UTCDateTime
from models.inbound import ProcessedMessage
from models.outbox import enqueue_replies

logger = logging.getLogger(__name__)
_TABLE = cast(Table, ProcessedMessage.__table__)


@dataclass(frozen=True)
class Queued:
    """A message to handle in a turn, with its place in its sender's order."""

    position: int
    row_id: int
    message: IncomingMessage


def position(message: IncomingMessage) -> int:
    """The message's place in its sender's order."""
    if message.position is not None:
        return message.position
    return int(message.received_at.timestamp() * 1000)


def record(message: IncomingMessage) -> dict[str, Any]:
    """The message as JSON-ready data, to be handled by whichever process takes the turn."""
    data = {f.name: _plain(getattr(message, f.name)) for f in fields(message)}
    data["received_at"] = message.received_at.isoformat()
    return data


def restore(data: dict[str, Any]) -> IncomingMessage:
    """The inverse of `record` (a part that is a dataclass, e.g. an attachment, is rebuilt)."""
    hints = get_type_hints(IncomingMessage)
    values = {name: _typed(hints[name], value) for name, value in data.items() if name in hints}
    values["channel"] = Channel(values["channel"])
    values["received_at"] = datetime.fromisoformat(values["received_at"])
    return IncomingMessage(**values)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return list(value) if isinstance(value, tuple) else value


def _typed(hint: Any, value: Any) -> Any:
    """A dict back into the dataclass its field is typed as (also `X | None`)."""
    if not isinstance(value, dict):
        return value
    for kind in get_args(hint) or (hint,):
        if is_dataclass(kind) and isinstance(kind, type):
            return kind(**value)
    return value


# Text statements: the dialects' ON CONFLICT inserts are compiled anew on every call; these are not.
_AT = bindparam("at", type_=UTCDateTime())
_CLAIM = text(
    "INSERT INTO processed_message (channel, external_id, created_at, handled_at)"
    " VALUES (:channel, :external_id, :at, :at)"
    " ON CONFLICT (channel, external_id) DO UPDATE SET handled_at = excluded.handled_at, message = NULL"
    " WHERE processed_message.handled_at IS NULL RETURNING id"
).bindparams(_AT)
_STORE_COLUMNS = (
    "INSERT INTO processed_message (channel, external_id, created_at, address, position, message)"
    " VALUES (:channel, :external_id, :at, :address, :position, :message)"
)
_STORE = text(
    _STORE_COLUMNS + " ON CONFLICT (channel, external_id) DO UPDATE SET position = processed_message.position"
    " WHERE processed_message.handled_at IS NULL RETURNING id"
).bindparams(_AT, bindparam("message", type_=JSON()))
_STORE_MANY = text(_STORE_COLUMNS + " ON CONFLICT (channel, external_id) DO NOTHING").bindparams(
    _AT, bindparam("message", type_=JSON())
)
_WAITING = (
    select(_TABLE.c.id, _TABLE.c.position, _TABLE.c.message)
    .where(
        _TABLE.c.channel == bindparam("channel"),
        _TABLE.c.address == bindparam("address"),
        _TABLE.c.handled_at.is_(None),
    )
    .order_by(_TABLE.c.position, _TABLE.c.id)
)
_LEFT = (
    select(_TABLE.c.id, _TABLE.c.position, _TABLE.c.message)
    .where(_TABLE.c.channel == bindparam("channel"), _TABLE.c.handled_at.is_(None))
    .order_by(_TABLE.c.position, _TABLE.c.id)
)
_HANDLED = (
    update(_TABLE)
    .where(_TABLE.c.id.in_(bindparam("ids", expanding=True)))
    .values(handled_at=bindparam("at", type_=_TABLE.c.handled_at.type), message=None)
)


def waiting_besides(channel: Any, address: Any, external_id: Any) -> Any:
    """A SQL condition: the sender has waiting messages other than this one (for the lock query)."""
    return (
        select(_TABLE.c.id)
        .where(
            _TABLE.c.channel == channel,
            _TABLE.c.address == address,
            _TABLE.c.handled_at.is_(None),
            _TABLE.c.external_id != external_id,
        )
        .exists()
    )


async def claim(session: AsyncSession, message: IncomingMessage, now: datetime) -> int | None:
    """Record the message as handled in this transaction; None when it was handled before."""
    params = {"channel": str(message.channel), "external_id": message.external_id, "at": now}
    return cast(int | None, (await session.execute(_CLAIM, params)).scalar())


async def answer_instead(
    session: AsyncSession, message: IncomingMessage, replies: list[OutgoingMessage], now: datetime
) -> bool:
    """Record the message as handled without its turn and queue `replies` to its sender in its
    place (a turn that failed, a message set aside); false, queuing nothing, when it was handled
    before."""
    if await claim(session, message, now) is None:
        return False
    payloads = [reply.to_payload() for reply in replies]
    await enqueue_replies(session, channel=message.channel, address=message.sender_id, payloads=payloads)
    return True


async def claim_id(session: AsyncSession, channel: str, external_id: str, now: datetime) -> bool:
    """Record a platform event that is no message (a number change) as handled in this
    transaction; false when it was handled before."""
    params = {"channel": str(channel), "external_id": external_id, "at": now}
    return (await session.execute(_CLAIM, params)).scalar() is not None


async def store(session: AsyncSession, message: IncomingMessage, now: datetime) -> bool:
    """Store the message as waiting for its turn; false when it was handled before."""
    result = await session.execute(_STORE, _store_params(message, now))
    return result.scalar() is not None


async def store_many(session: AsyncSession, messages: list[IncomingMessage], now: datetime) -> None:
    """Store messages as waiting (those seen before are left as they are)."""
    if messages:
        await session.execute(_STORE_MANY, [_store_params(message, now) for message in messages])


async def readdress(session: AsyncSession, message: IncomingMessage) -> None:
    """Put the message, if it waits, in the queue of its (new) sender address."""
    await session.execute(
        update(_TABLE)
        .where(
            _TABLE.c.channel == str(message.channel),
            _TABLE.c.external_id == message.external_id,
            _TABLE.c.handled_at.is_(None),
        )
        .values(address=message.sender_id, message=record(message))
    )


async def waiting(session: AsyncSession, channel: str, address: str, now: datetime) -> list[Queued]:
    """The sender's waiting messages, in their order. One that cannot be read back (stored by
    another version of the bot) is logged and set aside: it must not block every later turn."""
    rows = await session.execute(_WAITING, {"channel": channel, "address": address})
    return await _readable(session, rows, now)


async def left_waiting(
    session: AsyncSession, channel: str, stored_before: datetime | None, limit: int, now: datetime
) -> list[Queued]:
    """Everybody's waiting messages on the channel (stored before `stored_before`, if given), in
    their order: those whose own process stored them but never took their turn (it died)."""
    query = _LEFT if stored_before is None else _LEFT.where(_TABLE.c.created_at < stored_before)
    return await _readable(session, await session.execute(query.limit(limit), {"channel": channel}), now)


class HandledBefore(Exception):
    """The message was handled before (or, while it waited, by another turn)."""


async def turn_batch(
    session: AsyncSession, message: IncomingMessage, now: datetime, busy: bool, others: bool
) -> tuple[list[Queued], list[int]]:
    """The turn's messages in their order, and the rows of those that were waiting. A turn that
    had to wait takes what waits (its own message, unless another turn took it already)."""
    address = message.sender_id
    if busy:
        waited = await waiting(session, str(message.channel), address, now)
        if not waited:
            raise HandledBefore
        return waited, [item.row_id for item in waited]
    row_id = await claim(session, message, now)
    if row_id is None:
        raise HandledBefore
    waited = await waiting(session, str(message.channel), address, now) if others else []
    ours = Queued(position(message), row_id, message)
    batch = sorted([ours, *waited], key=lambda item: (item.position, item.row_id))
    return batch, [item.row_id for item in waited]


async def _readable(session: AsyncSession, rows: Any, now: datetime) -> list[Queued]:
    """The rows' messages; those that cannot be read back are set aside (marked handled)."""
    queued, unreadable = [], []
    for row in rows:
        try:
            queued.append(Queued(row.position, row.id, restore(row.message)))
        except (KeyError, TypeError, ValueError) as exc:
            logger.error("waiting message %s unreadable (%s): set aside", row.id, type(exc).__name__)
            unreadable.append(row.id)
    await mark_handled(session, unreadable, now)
    return queued


async def mark_handled(session: AsyncSession, row_ids: list[int], now: datetime) -> None:
    """The waiting messages were handled in this transaction."""
    if row_ids:
        await session.execute(_HANDLED, {"ids": row_ids, "at": now})


def _store_params(message: IncomingMessage, now: datetime) -> dict[str, Any]:
    return {
        "channel": str(message.channel),
        "external_id": message.external_id,
        "at": now,
        "address": message.sender_id,
        "position": position(message),
        "message": record(message),
    }
