"""Queueing messages to many members in two queries, keyed so that nothing goes out twice."""

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


async def send_all(
    session: AsyncSession, members: Sequence[Member], messages: Sequence[tuple[OutgoingMessage, str]]
) -> int:
    """Queue each (message, key) to every reachable identity of the members, in order, skipping the
    identities that already had that key; returns how many rows were queued."""
    if not members or not messages:
        return 0
    identities = list(
        await session.scalars(
            select(Identity)
            .where(Identity.member_id.in_([m.id for m in members]), Identity.reachable.is_(True))
            .order_by(Identity.member_id, Identity.id)
        )
    )
    wanted = [
        (i, message, identity_key(key, i.member_id, i)) for message, key in messages for i in identities
    ]
    keys = [key for _, _, key in wanted]
    taken = set(
        await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys)))
    )
    payloads = {id(message): message.to_payload() for message, _ in messages}
    fresh = [(i, message, key) for i, message, key in wanted if key not in taken]
    for i, message, key in fresh:
        enqueue(
            session,
            channel=i.channel,
            address=i.address,
            payload=payloads[id(message)],
            member_id=i.member_id,
            dedupe_key=key,
        )
    return len(fresh)


async def send_to(
    session: AsyncSession, members: Sequence[Member], message: OutgoingMessage, key: str
) -> int:
    """Queue one message to every reachable identity of the members, once per identity and key."""
    return await send_all(session, members, [(message, key)])
