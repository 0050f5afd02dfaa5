"""Incoming messages (each person's queue, and deduplication) and raw webhook bodies awaiting processing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt

WAITING = text("handled_at IS NULL")


class ProcessedMessage(CreatedAt, Base):
    """An incoming message by its platform id: its unique key makes a redelivery a no-op.

    A message stored before its turn (a WhatsApp body's, or one whose person's conversation was
    busy) waits here, `handled_at` unset, with its content and its place in the person's order
    (`position`: Telegram's update_id, else the platform's send time in ms); whichever process next
    takes the person's turn handles every waiting message of theirs in that order."""

    __tablename__ = "processed_message"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index(
            "ix_processed_message_waiting",
            "channel",
            "address",
            postgresql_where=WAITING,
            sqlite_where=WAITING,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    address: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int | None] = mapped_column(BigInteger)
    message: Mapped[dict[str, Any] | None]  # what a waiting message said; cleared once handled
    handled_at: Mapped[datetime | None]


class InboundPayload(CreatedAt, Base):
    """A webhook body stored before it is acknowledged, processed afterwards (store, 200, process).

    A body whose processing fails is tried again after a backoff (`next_attempt_at`); after the
    last allowed attempt it is dead (`dead_at`): no more automatic tries, its error (a type name,
    never content) kept for the operator (`pemangku inbound`), its body deleted by retention."""

    __tablename__ = "inbound_payload"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    body: Mapped[dict[str, Any]]
    processed_at: Mapped[datetime | None] = mapped_column(index=True)
    error: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]  # unset: due now
    dead_at: Mapped[datetime | None] = mapped_column(index=True)
