"""The outbox: every message the bot sends is first a row here, written in the same transaction as
the facts it reports, then delivered by the channel's sender within the platform's limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import (
    ForeignKey,
    Index,
    LargeBinary,
    Row,
    String,
    Table,
    Text,
    bindparam,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, utcnow
from models.person import Identity


class OutboxStatus(StrEnum):
    """Delivery state of an outbox row."""

    PENDING = "pending"
    SENT = "sent"  # the platform confirmed it
    DELIVERED = "delivered"  # WhatsApp status callbacks
    READ = "read"
    FAILED = "failed"  # platform said it failed after accepting it
    DEAD = "dead"  # gave up after max attempts, or the recipient is unreachable


class OutboxMessage(CreatedAt, Base):
    """One message to one chat address. `payload` is `OutgoingMessage.to_payload()`."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    platform_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index(
            "ix_outbox_message_chat", "channel", "address", "id"
        ),  # a person's rows (WhatsApp window steps)
    )


class StoredDocument(CreatedAt, Base):
    """A generated file (a recap XLSX or PDF) that outbox rows refer to by id."""

    __tablename__ = "stored_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


def enqueue(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    payload: dict[str, Any],
    member_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add one outgoing message to the session; it is sent once the transaction commits."""
    row = OutboxMessage(
        channel=channel, address=address, payload=payload, member_id=member_id, dedupe_key=dedupe_key
    )
    session.add(row)
    return row


_TABLE = cast(Table, OutboxMessage.__table__)
_QUEUE_RETURNING = insert(_TABLE).returning(
    _TABLE.c.id,
    _TABLE.c.channel,
    _TABLE.c.address,
    _TABLE.c.payload,
    _TABLE.c.attempts,
    sort_by_parameter_order=True,
)


@dataclass(frozen=True)
class Queued:
    """One turn's queued replies: per reply the id of the row that carries it, and the rows
    (id, channel, address, payload, attempts) in queue order."""

    owners: list[int]
    rows: list[Row[Any]]


async def enqueue_replies(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    payloads: list[dict[str, Any]],
    member_id: int | None = None,
    leased_until: datetime | None = None,
) -> Queued:
    """Queue the replies of one turn with one Core INSERT (the hot path of every incoming message,
    where the ORM's unit of work would cost more than the statement itself).

    The replies are marked as answers to the person's own message (the outbox sends them at once)
    and joined into as few messages as they fit in (see `coalesce`): joined replies share a row.
    With `leased_until` the rows are queued already claimed for one send attempt until then (the
    dispatcher hands them to the outbox worker in memory; a crash leaves them to the lease)."""
    if not payloads:
        return Queued([], [])
    merged, owner = _coalesce(payloads)
    row: dict[str, Any] = {"channel": channel, "address": address, "member_id": member_id}
    if leased_until is not None:
        row.update(attempts=1, next_attempt_at=leased_until)
    rows = list(
        await session.execute(_QUEUE_RETURNING, [{**row, "payload": {**p, IN_REPLY: True}} for p in merged])
    )
    return Queued([rows[i].id for i in owner], rows)


# Built once: it is on every turn's way, and building a select (and its cache key) costs three
# times running it.
_PENDING = (
    select(_TABLE.c.id)
    .where(
        _TABLE.c.status == OutboxStatus.PENDING,
        _TABLE.c.channel == bindparam("channel"),
        _TABLE.c.address == bindparam("address"),
    )
    .limit(1)
)


async def has_pending(session: AsyncSession, channel: str, address: str) -> bool:
    """Whether the chat has a row waiting (queued, retried or in flight): new rows go behind it."""
    found = await session.scalar(_PENDING, {"channel": channel, "address": address})
    return found is not None


IN_REPLY = "in_reply"  # payload key: an answer to the person's own message, not a bulk send
TEXT_MAX = 4096  # Telegram's and WhatsApp's text limit
TEXT_WITH_CHOICES_MAX = 1024  # WhatsApp's interactive body limit (buttons and lists)
JOIN = "\n\n"


def coalesce(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One turn's replies as few messages as possible: a plain text (no choices, document,
    template, edit or extra) is joined to the reply after it, which keeps that reply's choices,
    as long as the joined text fits the platforms' limits. An explanation and the repeated
    question arrive as one message, not two."""
    return _coalesce(payloads)[0]


def _coalesce(payloads: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """The joined payloads, and for each given payload the index of the one that carries it."""
    merged: list[dict[str, Any]] = []
    owner: list[int] = []
    for payload in payloads:
        before = merged[-1] if merged else None
        if before is not None and _joinable(before, payload):
            merged[-1] = {**payload, "text": before["text"] + JOIN + payload["text"]}
        else:
            merged.append(payload)
        owner.append(len(merged) - 1)
    return merged, owner


def _joinable(first: dict[str, Any], second: dict[str, Any]) -> bool:
    plain = set(first) == {"text"} and not ({"document", "template", "edit", "extra"} & set(second))
    limit = TEXT_WITH_CHOICES_MAX if second.get("choices") or second.get("request_contact") else TEXT_MAX
    return plain and bool(first["text"]) and len(first["text"]) + len(JOIN) + len(second["text"]) <= limit


async def enqueue_for_member(
    session: AsyncSession, member_id: int, payload: dict[str, Any], dedupe_key: str | None = None
) -> list[OutboxMessage]:
    """Queue a message to every reachable identity of a member.

    With a dedupe key (made per identity), an identity that already has that message is skipped,
    so a job that runs twice sends nothing twice.
    """
    identities = list(
        await session.scalars(
            select(Identity).where(Identity.member_id == member_id, Identity.reachable.is_(True))
        )
    )
    keys = {i.id: None if dedupe_key is None else f"{dedupe_key}:{i.channel}:{i.address}" for i in identities}
    taken = set(
        await session.scalars(
            select(OutboxMessage.dedupe_key).where(
                OutboxMessage.dedupe_key.in_([k for k in keys.values() if k])
            )
        )
    )
    return [
        enqueue(
            session,
            channel=i.channel,
            address=i.address,
            payload=payload,
            member_id=member_id,
            dedupe_key=keys[i.id],
        )
        for i in identities
        if keys[i.id] is None or keys[i.id] not in taken
    ]


async def queue_counts(session: AsyncSession) -> dict[tuple[str, str], int]:
    """Pending and dead rows per (channel, status): the queue an operator watches (index range)."""
    watched = [OutboxStatus.PENDING, OutboxStatus.DEAD]
    found = await session.execute(
        select(OutboxMessage.channel, OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_(watched))
        .group_by(OutboxMessage.channel, OutboxMessage.status)
    )
    return {(channel, status): count for channel, status, count in found.all()}
