"""The outbox worker's database steps: claim a row under a lease (the outcome: bot/outbox_outcome.py).

Every step is its own short transaction, so a crash between two steps leaves a row either
pending (sent again later) or sent (never again). The lease is `next_attempt_at` pushed into
the future by the claim: another worker, or this one after a restart, sees the row as not due
until the lease runs out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Delivery, EditTarget
from bot.messages import OutgoingMessage
from models.outbox import IN_REPLY, OutboxMessage, OutboxStatus, StoredDocument
from models.person import Identity

logger = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)  # WhatsApp's customer-service window
Person = tuple[bool, datetime | None]  # (reachable, last_inbound_at)


@dataclass(frozen=True)
class DueRow:
    """A pending row as the scheduler sees it (no payload)."""

    id: int
    channel: str
    address: str


@dataclass(frozen=True)
class Claimed:
    """A claimed row ready to hand to a sender."""

    delivery: Delivery
    attempts: int
    identity_unreachable: bool
    reply: bool = False  # an answer to the person's own message (sent without per-chat pacing)


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


async def due_rows(
    session: AsyncSession,
    channels: list[str],
    now: datetime,
    limit: int,
    busy: Iterable[tuple[str, str]] = (),
) -> list[DueRow]:
    """Due rows in id order, minus the rows queued behind a row of their chat that is not due
    (being retried, or leased by a send in flight): a chat's messages go out in queue order.

    Such chats are left out inside the query (a join with the few rows that wait), so the limit
    counts only rows that can go now: however many rows one waiting chat holds, it hides no other
    chat's. The worker takes at most a few rows of a chat per look, and a chat it took rows of
    waits for their lease, so a bulk to one chat holds others back by one look at most. `busy`
    chats (sending right now in this worker) are left out too: a send may outlast its lease."""
    waiting = (
        select(OutboxMessage.channel, OutboxMessage.address, func.min(OutboxMessage.id).label("stop"))
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at > now)
        .group_by(OutboxMessage.channel, OutboxMessage.address)
        .subquery()
    )
    behind = (waiting.c.channel == OutboxMessage.channel) & (waiting.c.address == OutboxMessage.address)
    query = (
        select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.address)
        .outerjoin(waiting, behind)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.channel.in_(channels),
            or_(waiting.c.stop.is_(None), OutboxMessage.id < waiting.c.stop),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if busy := list(busy):
        query = query.where(tuple_(OutboxMessage.channel, OutboxMessage.address).not_in(busy))
    rows = await session.execute(query)
    return [DueRow(r.id, r.channel, r.address) for r in rows.all()]


async def next_due(session: AsyncSession, channels: list[str], now: datetime) -> datetime | None:
    """When the next pending row falls due (a retry, or a lease running out). Rows queued behind
    it in its chat, due as they may be, wait for it: they never make the worker spin."""
    earliest: datetime | None = await session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at > now,
            OutboxMessage.channel.in_(channels),
        )
    )
    return earliest


async def claim(session: AsyncSession, ids: list[int], now: datetime, lease: timedelta) -> list[Claimed]:
    """Take due rows for one send attempt each; rows another worker holds or finished are left out."""
    rows = (
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + lease)
            .returning(
                OutboxMessage.id,
                OutboxMessage.channel,
                OutboxMessage.address,
                OutboxMessage.payload,
                OutboxMessage.attempts,
            )
            .execution_options(synchronize_session=False)
        )
    ).all()
    return await claimed(session, rows, now)


async def claimed(
    session: AsyncSession,
    rows: Sequence[Any],
    now: datetime,
    people: dict[tuple[str, str], Person] | None = None,
) -> list[Claimed]:
    """Claimed rows (id, channel, address, payload, attempts) made ready to send: their message,
    document, edit target and recipient (`people`, when the caller has them at hand)."""
    if not rows:
        return []
    messages, broken = _messages(rows)
    if broken:  # a payload that cannot be read can never be sent: dead now, not retried
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(broken))
            .values(status=OutboxStatus.DEAD, last_error="refused: unreadable payload")
            .execution_options(synchronize_session=False)
        )
    documents = await _documents(session, messages.values())
    targets = await _edit_targets(session, messages.values())
    if people is None:
        people = await _identities(session, {(row.channel, row.address) for row in rows})
    claimed = []
    for row in sorted(rows, key=lambda r: r.id):
        message = messages.get(row.id)
        if message is None:
            continue
        person = people.get((row.channel, row.address))
        document = documents.get(message.document.document_id) if message.document else None
        window = _window_open(person, now)
        target = targets.get(message.edit.row) if message.edit else None
        delivery = Delivery(row.id, row.address, message, document, window, target)
        unreachable = person is not None and not person[0]
        reply = bool(row.payload.get(IN_REPLY))
        claimed.append(Claimed(delivery, row.attempts, unreachable, reply))
    return claimed


def _messages(rows: Iterable[Any]) -> tuple[dict[int, OutgoingMessage], list[int]]:
    """The claimed rows' messages by id, and the ids of rows whose payload is not a message."""
    messages: dict[int, OutgoingMessage] = {}
    broken: list[int] = []
    for row in rows:
        try:
            messages[row.id] = OutgoingMessage.from_payload(row.payload)
        except (KeyError, TypeError, ValueError, AttributeError):
            logger.error("outbox %s: the payload is not a message; dead", row.id)
            broken.append(row.id)
    return messages, broken


async def release(session: AsyncSession, ids: list[int], now: datetime) -> None:
    """Give claimed rows back unsent (a clean stop, or behind a failed row of the same chat)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(attempts=OutboxMessage.attempts - 1, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )


async def _documents(session: AsyncSession, messages: Iterable[OutgoingMessage]) -> dict[int, bytes]:
    wanted = {m.document.document_id for m in messages if m.document is not None}
    if not wanted:
        return {}
    found = await session.execute(
        select(StoredDocument.id, StoredDocument.content).where(StoredDocument.id.in_(wanted))
    )
    return {doc_id: content for doc_id, content in found.all()}


async def _edit_targets(session: AsyncSession, messages: Iterable[OutgoingMessage]) -> dict[int, EditTarget]:
    """The sent rows that edit rows refer to (a row never sent has nothing to edit)."""
    wanted = {m.edit.row for m in messages if m.edit is not None}
    if not wanted:
        return {}
    found = await session.execute(
        select(OutboxMessage.id, OutboxMessage.platform_message_id, OutboxMessage.payload).where(
            OutboxMessage.id.in_(wanted), OutboxMessage.platform_message_id.is_not(None)
        )
    )
    return {
        row_id: EditTarget(str(platform_id), OutgoingMessage.from_payload(payload))
        for row_id, platform_id, payload in found.all()
    }


async def _identities(session: AsyncSession, chats: set[tuple[str, str]]) -> dict[tuple[str, str], Person]:
    found = await session.execute(
        select(Identity.channel, Identity.address, Identity.reachable, Identity.last_inbound_at).where(
            Identity.address.in_({address for _, address in chats})
        )
    )
    return {(c, a): (reachable, last) for c, a, reachable, last in found.all() if (c, a) in chats}


def _window_open(person: Person | None, now: datetime) -> bool:
    # No identity means an unregistered sender: the bot only ever answers them, right after
    # their own message, so the window is open.
    if person is None:
        return True
    return person[1] is not None and now - person[1] < WINDOW


async def problem_rows(session: AsyncSession, limit: int = 100) -> list[OutboxMessage]:
    """Dead and pending rows, newest first, for the operator."""
    return list(
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status.in_([OutboxStatus.DEAD, OutboxStatus.PENDING]))
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


async def requeue(session: AsyncSession, now: datetime, row_id: int | None = None) -> int:
    """Make a dead row (or, without an id, every dead row) due now with fresh attempts.

    Pending rows are left alone: one may be in flight under its lease right now."""
    condition = OutboxMessage.status == OutboxStatus.DEAD
    if row_id is not None:
        condition = and_(condition, OutboxMessage.id == row_id)
    result = await session.execute(
        update(OutboxMessage)
        .where(condition)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)
