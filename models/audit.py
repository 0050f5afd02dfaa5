"""The audit trail: who did what, when, through which channel, with the value before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt


class AuditEntry(CreatedAt, Base):
    """One recorded action; also every view of a named list (UU 27/2022)."""

    __tablename__ = "audit_entry"
    # a month's reopen history is read by the entity (models.dashboard_pekon)
    __table_args__ = (Index("ix_audit_entry_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


def audit_values(
    *,
    actor_member_id: int | None,
    channel: str,
    action: str,
    entity: str,
    entity_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of one audit entry, as record_audit writes them (for `record_audits`)."""
    return {
        "actor_member_id": actor_member_id,
        "channel": channel,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "before": before,
        "after": after,
    }


def record_audit(
    session: AsyncSession,
    *,
    actor_member_id: int | None,
    channel: str,
    action: str,
    entity: str,
    entity_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add an audit entry to the session (committed with the change it describes); `at` is the
    caller's clock, so an action's time on a page agrees with the ledger's times."""
    entry = AuditEntry(
        **audit_values(
            actor_member_id=actor_member_id,
            channel=channel,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )
    if at is not None:
        entry.created_at = at
    session.add(entry)
    return entry


async def record_audits(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    """Insert many entries made by `audit_values` in one statement (a bulk import's, one per
    pekon), committed with the change they describe."""
    if entries:
        await session.execute(insert(AuditEntry), entries)
