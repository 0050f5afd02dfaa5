"""Incoming messages already seen (deduplication) and raw webhook bodies awaiting processing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt


class ProcessedMessage(CreatedAt, Base):
    """An incoming message id that was handled; its unique key makes a redelivery a no-op."""

    __tablename__ = "processed_message"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))


class InboundPayload(CreatedAt, Base):
    """A webhook body stored before it is acknowledged, processed afterwards (store, 200, process)."""

    __tablename__ = "inbound_payload"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    body: Mapped[dict[str, Any]]
    processed_at: Mapped[datetime | None] = mapped_column(index=True)
    error: Mapped[str | None] = mapped_column(String(500))
