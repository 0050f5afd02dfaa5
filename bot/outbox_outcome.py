"""What the platform answered, recorded on the outbox rows: sent, retry later, dead, unreachable.

The other half of the outbox worker's database steps (claims are `bot.outbox_store`); each is its
own short transaction, run after the send it records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Table, and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import OutgoingMessage
from handlers.texts import channel_words
from models.outbox import OutboxMessage, OutboxStatus, enqueue_for_member
from models.person import Identity, Member, Role

_TABLE = cast(Table, OutboxMessage.__table__)
# Built once (after every send): building an update costs more than running it.
_MARK_SENT = (
    _TABLE.update()
    # a row re-addressed while its send was in flight (models/identity_move.py) is left pending:
    # it went to the old address, and goes again to the new one once its lease runs out
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.address == bindparam("sent_to"))
    .values(
        status=OutboxStatus.SENT,
        platform_message_id=bindparam("platform_id"),
        sent_at=bindparam("sent_at", type_=_TABLE.c.sent_at.type),
        last_error=None,
    )
)


async def mark_sent(
    session: AsyncSession, sent: list[tuple[int, str, str]], now: datetime, revive: set[tuple[str, str]]
) -> None:
    """The platform confirmed these (row id, address sent to, platform message id); `revive` marks
    identities reachable again (they had failed before and now took a message)."""
    marks = [
        {"row_id": row_id, "sent_to": address, "platform_id": platform_id, "sent_at": now}
        for row_id, address, platform_id in sent
    ]
    await session.execute(_MARK_SENT, marks)
    for channel, address in revive:
        await session.execute(
            update(Identity)
            .where(Identity.channel == channel, Identity.address == address)
            .values(reachable=True)
            .execution_options(synchronize_session=False)
        )


async def mark_retry(
    session: AsyncSession,
    row_id: int,
    sent_to: str,
    error: str,
    at: datetime,
    attempts: int,
    max_attempts: int,
) -> bool:
    """Schedule another attempt, or dead-letter the row after the last one; true when dead. As
    `mark_sent`: only while the row still says the address the attempt went to."""
    dead = attempts >= max_attempts
    values: dict[str, Any] = {"last_error": error[:500]}
    values.update({"status": OutboxStatus.DEAD} if dead else {"next_attempt_at": at})
    await session.execute(
        update(OutboxMessage)
        .where(_pending_to(row_id, sent_to))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return dead


async def mark_dead(session: AsyncSession, row_id: int, sent_to: str, error: str) -> None:
    """Give up on a row for good (the platform refused it), unless it was re-addressed meanwhile:
    the refusal was the old address's (a moved WhatsApp number), the new one may well take it."""
    await session.execute(
        update(OutboxMessage)
        .where(_pending_to(row_id, sent_to))
        .values(status=OutboxStatus.DEAD, last_error=error[:500])
        .execution_options(synchronize_session=False)
    )


def _pending_to(row_id: int, sent_to: str) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.id == row_id,
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.address == sent_to,
    )


async def mark_unreachable(session: AsyncSession, channel: str, address: str, error: str) -> bool:
    """Dead-letter every pending row to the address and mark its identity unreachable.

    Returns true when the staff were told (only on the change from reachable to unreachable,
    so a second worker or a second failed row tells nobody twice)."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.address == address,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.DEAD, last_error=error[:500])
        .execution_options(synchronize_session=False)
    )
    changed = await session.execute(
        update(Identity)
        .where(Identity.channel == channel, Identity.address == address, Identity.reachable.is_(True))
        .values(reachable=False)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], changed).rowcount != 1:
        return False
    identity = await _identity(session, channel, address)
    return identity is not None and await _tell_staff(session, identity)


async def _tell_staff(session: AsyncSession, identity: Identity) -> bool:
    """Queue the unreachable notice to the staff of the person's pekon."""
    member = identity.member
    text = channel_words.CHANNEL_UNREACHABLE_NOTICE.format(
        name=member.name,
        unit=unit_words(member),
        channel=channel_words.CHANNEL_NAMES.get(identity.channel, identity.channel),
    )
    return await tell_staff(session, member, text)


def unit_words(member: Member) -> str:
    """ " (pemangku Unit)" for a pemangku, else nothing: said after a name in a notice."""
    if member.unit is None:
        return ""
    return channel_words.CHANNEL_UNREACHABLE_UNIT.format(unit=member.unit.nama)


async def tell_staff(session: AsyncSession, member: Member, text: str) -> bool:
    """Queue a notice about `member` to the active staff of their pekon; true when one was queued."""
    pekon = member.unit.pekon_kode if member.unit is not None else member.pekon_kode
    if pekon is None:
        return False
    staff = await session.scalars(
        select(Member.id).where(
            and_(
                Member.role == Role.STAFF,
                Member.pekon_kode == pekon,
                Member.active.is_(True),
                Member.id != member.id,
            )
        )
    )
    payload = OutgoingMessage(text=text).to_payload()
    queued = [await enqueue_for_member(session, sid, payload) for sid in staff]
    return any(queued)


async def _identity(session: AsyncSession, channel: str, address: str) -> Identity | None:
    found: Identity | None = await session.scalar(
        select(Identity).where(Identity.channel == channel, Identity.address == address)
    )
    return found
