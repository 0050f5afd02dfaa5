"""Queueing one message to many members in two queries, keyed so that nothing goes out twice."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import OutgoingMessage
from models.outbox import OutboxMessage, enqueue
from models.person import Identity, Member


def identity_key(key: str, member_id: int, identity: Identity) -> str:
    """The per-identity dedupe key (the same shape as models.outbox.enqueue_for_member's)."""
    return f"{key}:m{member_id}:{identity.channel}:{identity.address}"


async def send_to(
    session: AsyncSession, members: Sequence[Member], message: OutgoingMessage, key: str
) -> int:
    """Queue a message to every reachable identity of the members, skipping those that already had it."""
    if not members:
        return 0
    identities = list(
        await session.scalars(
            select(Identity)
            .where(Identity.member_id.in_([m.id for m in members]), Identity.reachable.is_(True))
            .order_by(Identity.member_id, Identity.id)
        )
    )
    keys = {i.id: identity_key(key, i.member_id, i) for i in identities}
    taken = set(
        await session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys.values()))
        )
    )
    payload = message.to_payload()
    fresh = [i for i in identities if keys[i.id] not in taken]
    for i in fresh:
        enqueue(
            session,
            channel=i.channel,
            address=i.address,
            payload=payload,
            member_id=i.member_id,
            dedupe_key=keys[i.id],
        )
    return len(fresh)
