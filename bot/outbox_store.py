"""The outbox worker's database steps: claim a row under a lease, record the outcome.

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

from sqlalchemy import CursorResult, Table, and_, bindparam, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Delivery, EditTarget
from bot.messages import OutgoingMessage
from handlers.texts import channel_words
from models.outbox import IN_REPLY, OutboxMessage, OutboxStatus, StoredDocument, enqueue_for_member
from models.person import Identity, Member, Role

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


async def _identity(session: AsyncSession, channel: str, address: str) -> Identity | None:
    found: Identity | None = await session.scalar(
        select(Identity).where(Identity.channel == channel, Identity.address == address)
    )
    return found


_TABLE = cast(Table, OutboxMessage.__table__)
# Built once (after every send): building an update costs more than running it.
_MARK_SENT = (
    _TABLE.update()
    .where(_TABLE.c.id == bindparam("row_id"))
    .values(
        status=OutboxStatus.SENT,
        platform_message_id=bindparam("platform_id"),
        sent_at=bindparam("sent_at", type_=_TABLE.c.sent_at.type),
        last_error=None,
    )
)


async def mark_sent(
    session: AsyncSession, sent: list[tuple[int, str]], now: datetime, revive: set[tuple[str, str]]
) -> None:
    """The platform confirmed these (row id, platform message id); `revive` marks identities
    reachable again (they had failed before and now took a message)."""
    marks = [{"row_id": row_id, "platform_id": platform_id, "sent_at": now} for row_id, platform_id in sent]
    await session.execute(_MARK_SENT, marks)
    for channel, address in revive:
        await session.execute(
            update(Identity)
            .where(Identity.channel == channel, Identity.address == address)
            .values(reachable=True)
            .execution_options(synchronize_session=False)
        )


async def mark_retry(
    session: AsyncSession, row_id: int, error: str, at: datetime, attempts: int, max_attempts: int
) -> bool:
    """Schedule another attempt, or dead-letter the row after the last one; true when dead."""
    dead = attempts >= max_attempts
    values: dict[str, Any] = {"last_error": error[:500]}
    values.update({"status": OutboxStatus.DEAD} if dead else {"next_attempt_at": at})
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return dead


async def mark_dead(session: AsyncSession, row_id: int, error: str) -> None:
    """Give up on a row for good (the platform refused it)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.DEAD, last_error=error[:500])
        .execution_options(synchronize_session=False)
    )


async def mark_unreachable(session: AsyncSession, channel: str, address: str, error: str) -> bool:
    """Dead-letter every pending row to the address and mark its identity unreachable.

    Returns true when the staff were told (only on the change from reachable to unreachable,
    so a second worker or a second failed row tells nobody twice)."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.address == address,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.DEAD, last_error=error[:500])
        .execution_options(synchronize_session=False)
    )
    changed = await session.execute(
        update(Identity)
        .where(Identity.channel == channel, Identity.address == address, Identity.reachable.is_(True))
        .values(reachable=False)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(changed) != 1:
        return False
    identity = await _identity(session, channel, address)
    return identity is not None and await _tell_staff(session, identity)


async def _tell_staff(session: AsyncSession, identity: Identity) -> bool:
    """Queue the unreachable notice to the staff of the person's pekon."""
    member = identity.member
    text = channel_words.CHANNEL_UNREACHABLE_NOTICE.format(
        name=member.name,
        unit=unit_words(member),
        channel=channel_words.CHANNEL_NAMES.get(identity.channel, identity.channel),
    )
    return await tell_staff(session, member, text)


def unit_words(member: Member) -> str:
    """ " (pemangku Unit)" for a pemangku, else nothing: said after a name in a notice."""
    if member.unit is None:
        return ""
    return channel_words.CHANNEL_UNREACHABLE_UNIT.format(unit=member.unit.nama)


async def tell_staff(session: AsyncSession, member: Member, text: str) -> bool:
    """Queue a notice about `member` to the active staff of their pekon; true when one was queued."""
    pekon = member.unit.pekon_kode if member.unit is not None else member.pekon_kode
    if pekon is None:
        return False
    staff = await session.scalars(
        select(Member.id).where(
            and_(
                Member.role == Role.STAFF,
                Member.pekon_kode == pekon,
                Member.active.is_(True),
                Member.id != member.id,
            )
        )
    )
    payload = OutgoingMessage(text=text).to_payload()
    queued = [await enqueue_for_member(session, sid, payload) for sid in staff]
    return any(queued)


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
