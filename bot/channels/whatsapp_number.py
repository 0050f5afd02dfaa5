"""WhatsApp's "changed number" notices applied: the registered person follows to the new number.

Applied in the batch's opening transaction (whatsapp_batch.py), before any turn, so a message
from the new number in the same batch is already answered as the registered person. Each notice
is claimed by its wamid (bot/inbound_queue.py), so a redelivered body changes nothing twice
and tells nobody twice. Numbers are never logged.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import inbound_queue
from bot.channels.whatsapp_payload import NumberChange
from bot.outbox_outcome import tell_staff, unit_words
from handlers.texts import channel_words
from models.identity_move import MoveOutcome, move_address
from models.person import Channel

logger = logging.getLogger(__name__)


async def apply_number_changes(session: AsyncSession, changes: list[NumberChange], now: datetime) -> None:
    """Move each changed number's identity (conversation and unsent messages with it), once."""
    for change in changes:
        if not await inbound_queue.claim_id(session, Channel.WHATSAPP, change.external_id, now):
            continue  # a redelivery
        move = await move_address(
            session, Channel.WHATSAPP, change.old, change.new, now, changed_at=change.at
        )
        logger.info("whatsapp number change: %s", move.outcome)
        if move.outcome == MoveOutcome.CONFLICT and move.member is not None:
            text = channel_words.CHANNEL_NUMBER_TAKEN_NOTICE.format(
                name=move.member.name, unit=unit_words(move.member)
            )
            await tell_staff(session, move.member, text)
