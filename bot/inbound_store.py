"""Stored webhook bodies that failed: counted, retried after a backoff, dead at the limit.

The outbox's discipline for what comes in: each failed try of a body (a turn that raised, a
commit that failed) counts; the body waits `backoff(attempts)` before the sweep takes it again,
and after `max_attempts` tries it is dead: no sweep takes it any more, its error (the exception's
type, never the text people typed) stays for the operator, the admins are told by a notice pass
(jobs/inbound_dead.py: quiet hours and templates, as every notice), and the retention pass deletes
it like a processed body. A message whose turn fails on its body's last try is set aside at once
(bot/channels/whatsapp_batch.py): its person is asked to send it again and their later messages
go on. `pemangku inbound` lists waiting and dead bodies and puts them back (`requeue`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox_pace import backoff
from models.inbound import InboundPayload

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 30.0  # 30 s, 1, 2, 4, ... minutes between tries
RETRY_CAP_SECONDS = 3600.0
DUE_MAX = 200  # bodies one sweep takes (loaded at once: bounds its memory)
_LIVE = and_(InboundPayload.processed_at.is_(None), InboundPayload.dead_at.is_(None))


def retry_delay(attempts: int) -> timedelta:
    """How long a body waits after its `attempts`-th failed try."""
    return timedelta(seconds=backoff(attempts, RETRY_BASE_SECONDS, RETRY_CAP_SECONDS))


async def due_ids(
    session: AsyncSession, channel: str, now: datetime, stored_before: datetime | None = None
) -> list[int]:
    """Bodies to process now, oldest first: not processed, not dead, their wait over. With
    `stored_before`, only the orphans: stored before then and never failed (their process died
    between the 200 and the turn)."""
    query = select(InboundPayload.id).where(InboundPayload.channel == channel, _LIVE)
    if stored_before is None:
        due = or_(InboundPayload.next_attempt_at.is_(None), InboundPayload.next_attempt_at <= now)
        query = query.where(due)
    else:
        query = query.where(InboundPayload.created_at < stored_before, InboundPayload.error.is_(None))
    return list(await session.scalars(query.order_by(InboundPayload.id).limit(DUE_MAX)))


async def on_last_try(session: AsyncSession, payload_id: int, max_attempts: int) -> bool:
    """Whether the body's try now running is its last: should it fail, it goes dead."""
    attempts = await session.scalar(
        select(InboundPayload.attempts).where(InboundPayload.id == payload_id, _LIVE)
    )
    return attempts is not None and attempts + 1 >= max_attempts


async def record_failure(
    session: AsyncSession, payload_id: int, error: str, now: datetime, max_attempts: int
) -> bool:
    """Count a failed try of the body and note why (a type name); schedule the next try, or make
    the body dead after the last one (the notice pass tells the admins). True when it went dead now."""
    attempts = await session.scalar(
        update(InboundPayload)
        .where(InboundPayload.id == payload_id, _LIVE)
        .values(attempts=InboundPayload.attempts + 1, error=error[:500])
        .returning(InboundPayload.attempts)
    )
    if attempts is None:  # processed or dead meanwhile (another process)
        return False
    dead = attempts >= max_attempts
    values: dict[str, Any] = {"dead_at": now, "next_attempt_at": None}
    if not dead:
        values = {"next_attempt_at": now + retry_delay(attempts)}
    await session.execute(update(InboundPayload).where(InboundPayload.id == payload_id).values(**values))
    if dead:
        logger.error("inbound payload %s dead after %s attempts: %s", payload_id, attempts, error[:100])
    return dead


async def problem_rows(session: AsyncSession, limit: int) -> list[InboundPayload]:
    """Bodies not processed (waiting for a try, or dead), newest first, for the operator."""
    return list(
        await session.scalars(
            select(InboundPayload)
            .where(InboundPayload.processed_at.is_(None))
            .order_by(InboundPayload.id.desc())
            .limit(limit)
        )
    )


async def requeue(session: AsyncSession, now: datetime, payload_id: int | None = None) -> list[int]:
    """Make a dead body (or, without an id, every dead body) due now with fresh attempts; the
    running bot's sweep takes it within seconds. Returns the ids put back."""
    condition = and_(InboundPayload.processed_at.is_(None), InboundPayload.dead_at.is_not(None))
    if payload_id is not None:
        condition = and_(condition, InboundPayload.id == payload_id)
    result = await session.execute(
        update(InboundPayload)
        .where(condition)
        .values(attempts=0, dead_at=None, next_attempt_at=now, error=None)
        .returning(InboundPayload.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(cast(CursorResult[Any], result).scalars().all())
