"""The outbox: every message the bot sends is first a row here, written in the same transaction as
the facts it reports, then delivered by the channel's sender within the platform's limits."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Table, Text, insert, select
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

    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)


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
_QUEUE_RETURNING = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)


async def enqueue_replies(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    payloads: list[dict[str, Any]],
    member_id: int | None = None,
) -> list[int]:
    """Queue the replies of one turn with one Core INSERT (the hot path of every incoming message,
    where the ORM's unit of work would cost more than the statement itself); their row ids."""
    if not payloads:
        return []
    row = {"channel": channel, "address": address, "member_id": member_id}
    result = await session.execute(_QUEUE_RETURNING, [{**row, "payload": p} for p in payloads])
    return list(result.scalars())


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
