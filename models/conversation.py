"""Conversation state per channel and sender, in the database so a restart loses nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class Conversation(Base):
    """Where a sender is in a flow, and the draft collected so far."""

    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=0)  # optimistic lock against concurrent turns
    # The number of the question now waiting for its answer, bumped on every turn: each offered
    # choice carries it, so a press on the keyboard of an earlier question is recognised.
    question: Mapped[int] = mapped_column(default=0, server_default="0")
    # The last keyboard sent ({"row": outbox id, "choices": [[id, label], ...]}), whose buttons
    # the next turn takes away (Telegram edits the message to show what was chosen).
    keyboard: Mapped[dict[str, Any] | None]
