"""Retention of personal data outside the ledger: expired drafts are blanked, processed webhook
bodies (and dead ones) deleted, dead sign-in tokens deleted, old invite codes retired (the outbox's walk is in
retention_outbox.py).

Each function does one bounded step in the caller's transaction. Outbox rows and conversations are
kept with their ids, keys, statuses and times: an outbox dedupe key (a reminder step, a recap
revision) keeps every once-only guarantee after the content is gone, and `processed_message`
(message ids, no content) keeps a redelivered message dropped. The ledger (events, reports,
snapshots, audit) is never touched here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.conversation import Conversation
from models.identity_move import MovedAddress
from models.inbound import InboundPayload, ProcessedMessage
from models.list_upload_file import KEPT_FOR, ListUploadFile
from models.person import Invite, RegistrationAttempt
from models.web_login import SESSION_IDLE, WebLink, WebSession

BLANK: dict[str, Any] = {}  # what a blanked payload holds
RETIRED_PREFIX = "-"  # a retired invite code: people's codes are letters and digits, never this


def not_blank(column: Any) -> Any:
    """Whether a JSON column holds more than `{}` (PostgreSQL's json has no equality operator:
    the stored text is compared, '{}' on both databases)."""
    return cast(column, Text) != "{}"


def _present(column: Any) -> Any:
    # a JSON column written None holds SQL NULL or JSON null, depending on who wrote it
    return and_(column.is_not(None), cast(column, Text) != "null")


async def blank_expired_drafts(idle_before: datetime, session: AsyncSession, limit: int) -> int:
    """Reset up to `limit` drafts left since before `idle_before` (the draft TTL) as an expired
    draft's turn resets them (State.clear: no step, no data; no keyboard to take away), keeping
    `flow` and `updated_at`: the router then still sees an expired draft and tells the person so.
    Bumps `version`, so a turn that read the row before cannot save over it."""
    expired = (
        Conversation.flow.is_not(None),
        Conversation.updated_at < idle_before,  # checked again under the row lock
        or_(Conversation.step.is_not(None), not_blank(Conversation.data), _present(Conversation.keyboard)),
    )
    ids = select(Conversation.id).where(*expired).order_by(Conversation.id).limit(limit).scalar_subquery()
    result = await session.execute(
        update(Conversation)
        .where(Conversation.id.in_(ids), *expired)
        .values(step=None, data={}, keyboard=None, version=Conversation.version + 1)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result)


async def delete_inbound_batch(before: datetime, session: AsyncSession, limit: int) -> int:
    """Delete up to `limit` webhook bodies processed, or dead, before `before`; returns how many.
    Nothing needs them once processed: a redelivery is dropped by its message id
    (`processed_message`); a dead body left that long is given up (its row goes with its text)."""
    old = or_(InboundPayload.processed_at < before, InboundPayload.dead_at < before)
    ids = select(InboundPayload.id).where(old).limit(limit).scalar_subquery()
    result = await session.execute(
        delete(InboundPayload).where(InboundPayload.id.in_(ids)).execution_options(synchronize_session=False)
    )
    return rows_changed(result)


async def set_aside_waiting(before: datetime, now: datetime, session: AsyncSession, limit: int) -> int:
    """Clear up to `limit` messages stored as waiting before `before` and never handled (a dead
    webhook body's: its text lives on in its person's queue) and mark them handled, as
    bot/inbound_queue.py sets aside one it cannot read; the row keeps the message id, so a
    redelivery is still dropped. Returns how many."""
    ids = (
        select(ProcessedMessage.id)
        .where(ProcessedMessage.handled_at.is_(None), ProcessedMessage.created_at < before)
        .limit(limit)
        .scalar_subquery()
    )
    result = await session.execute(
        update(ProcessedMessage)
        .where(ProcessedMessage.id.in_(ids))
        .values(message=None, handled_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result)


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
    return rows_changed(links) + rows_changed(sessions)


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
    return rows_changed(result)


async def delete_registration_attempts(session: AsyncSession, before: datetime) -> int:
    """Delete tries at invite codes made before `before` (a phone number each; the throttle reads
    only the last hour)."""
    result = await session.execute(delete(RegistrationAttempt).where(RegistrationAttempt.created_at < before))
    return rows_changed(result)


async def delete_moved_addresses(session: AsyncSession, before: datetime) -> int:
    """Forget the old numbers people moved away from before `before` (a phone number each; a message
    sent from one before its move reaches us within days: WhatsApp retries a webhook for 7)."""
    result = await session.execute(delete(MovedAddress).where(MovedAddress.moved_at < before))
    return rows_changed(result)


async def delete_kept_list_files(session: AsyncSession, now: datetime) -> int:
    """Delete list files sent in chat and kept for a preview never answered (older than KEPT_FOR:
    the preview has expired; a later "Ya, impor" is asked to send the file again)."""
    result = await session.execute(delete(ListUploadFile).where(ListUploadFile.created_at < now - KEPT_FOR))
    return rows_changed(result)


def rows_changed(result: Any) -> int:
    """How many rows a statement changed, as the database reports it."""
    return int(getattr(result, "rowcount", 0) or 0)
