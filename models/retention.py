"""Retention of personal data outside the ledger: what the outbox sent and the webhooks received is
blanked once it is old and done, dead sign-in tokens are deleted, and old invite codes retired.

Each function does one bounded step in the caller's transaction. Rows are kept with their ids,
keys, statuses and timestamps: an outbox dedupe key (a reminder step, a recap revision) and a
processed message id keep every once-only guarantee after the content is gone. The ledger
(events, reports, snapshots, audit) is never touched here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.conversation import Conversation
from models.inbound import InboundPayload
from models.list_upload_file import KEPT_FOR, ListUploadFile
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Invite, RegistrationAttempt
from models.web_login import SESSION_IDLE, WebLink, WebSession

BLANK: dict[str, Any] = {}  # what a blanked payload or body holds
RETIRED_PREFIX = "-"  # a retired invite code: people's codes are letters and digits, never this


def _not_blank(column: Any) -> Any:
    # PostgreSQL's json has no equality operator: compare the stored text ('{}' on both databases)
    return cast(column, Text) != "{}"


async def kept_outbox_rows(session: AsyncSession) -> set[int]:
    """Rows other rows still need whole: the keyboard a conversation will take away next (its
    edit shows the row's text with the choice), and the targets of edits still waiting to go."""
    keyboards = select(Conversation.keyboard["row"].as_integer()).where(Conversation.keyboard.is_not(None))
    edits = select(OutboxMessage.payload["edit"]["row"].as_integer()).where(
        OutboxMessage.status == OutboxStatus.PENDING
    )
    found = [*(await session.scalars(keyboards)), *(await session.scalars(edits))]
    return {int(row) for row in found if row is not None}


async def blank_outbox_batch(
    session: AsyncSession, before: datetime, after_id: int, limit: int, keep: Collection[int]
) -> tuple[int, int | None]:
    """Blank the payloads of up to `limit` rows after `after_id` (by id) that were queued before
    `before` and are done (anything but pending: a dead row's retry then ends dead at once, sending
    nothing). Returns (rows blanked, the last id looked at, None when no row was left)."""
    ids = list(
        await session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.id > after_id,
                OutboxMessage.created_at < before,
                OutboxMessage.status != OutboxStatus.PENDING,
                _not_blank(OutboxMessage.payload),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    if not ids:
        return 0, None
    chosen = [i for i in ids if i not in keep]
    blanked = 0
    if chosen:
        result = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(chosen),
                OutboxMessage.status != OutboxStatus.PENDING,  # checked again under the row lock
                _not_blank(OutboxMessage.payload),
            )
            .values(payload=BLANK)
            .execution_options(synchronize_session=False)
        )
        blanked = _count(result)
    return blanked, ids[-1]


async def blank_inbound_batch(session: AsyncSession, before: datetime, limit: int) -> int:
    """Blank the bodies of up to `limit` webhook bodies processed before `before`; returns how many.
    (The webhook deletes them after a week anyway; this covers a process that no longer runs it.)"""
    ids = (
        select(InboundPayload.id)
        .where(InboundPayload.processed_at < before, _not_blank(InboundPayload.body))
        .order_by(InboundPayload.id)
        .limit(limit)
        .scalar_subquery()
    )
    result = await session.execute(
        update(InboundPayload)
        .where(InboundPayload.id.in_(ids))
        .values(body=BLANK)
        .execution_options(synchronize_session=False)
    )
    return _count(result)


async def delete_dead_sign_ins(session: AsyncSession, now: datetime) -> int:
    """Delete sign-in links used or expired and sessions ended or idle too long (their hashes open
    nothing any more; the audit trail keeps who signed in and out, and when)."""
    links = await session.execute(
        delete(WebLink).where(or_(WebLink.used_at.is_not(None), WebLink.expires_at <= now))
    )
    sessions = await session.execute(
        delete(WebSession).where(
            or_(WebSession.ended_at.is_not(None), WebSession.last_seen_at <= now - SESSION_IDLE)
        )
    )
    return _count(links) + _count(sessions)


async def retire_invite_codes(session: AsyncSession, before: datetime) -> int:
    """Replace the codes of invites used or expired before `before` by a value no typed code can
    match (`-<id>`); the invite's role, scope, dates and who used it stay."""
    done = or_(Invite.used_at < before, Invite.expires_at < before)
    result = await session.execute(
        update(Invite)
        .where(done, ~Invite.code.startswith(RETIRED_PREFIX))
        .values(code=RETIRED_PREFIX + cast(Invite.id, Text))
        .execution_options(synchronize_session=False)
    )
    return _count(result)


async def delete_registration_attempts(session: AsyncSession, before: datetime) -> int:
    """Delete tries at invite codes made before `before` (a phone number each; the throttle reads
    only the last hour)."""
    result = await session.execute(delete(RegistrationAttempt).where(RegistrationAttempt.created_at < before))
    return _count(result)


async def delete_kept_list_files(session: AsyncSession, now: datetime) -> int:
    """Delete list files sent in chat and kept for a preview never answered (older than KEPT_FOR:
    the preview has expired; a later "Ya, impor" is asked to send the file again)."""
    result = await session.execute(delete(ListUploadFile).where(ListUploadFile.created_at < now - KEPT_FOR))
    return _count(result)


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
