"""Queueing messages to many members in two queries, keyed so that nothing goes out twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import OutgoingMessage
from handlers.questions import stamp
from models.conversation import Conversation
from models.outbox import OutboxMessage, enqueue
from models.person import Identity, Member

CHUNK = 1000  # keys per IN list, well below the drivers' parameter limits


def identity_key(key: str, member_id: int, identity: Identity) -> str:
    """The per-identity dedupe key (the same shape as models.outbox.enqueue_for_member's)."""
    return f"{key}:m{member_id}:{identity.channel}:{identity.address}"


async def _taken(session: AsyncSession, keys: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        taken |= set(
            await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk)))
        )
    return taken


async def send_each(session: AsyncSession, items: Sequence[tuple[int, OutgoingMessage, str]]) -> int:
    """Queue each (member id, message, key) to every reachable identity of that member, in order,
    skipping identities that already had that key; returns how many rows were queued."""
    if not items:
        return 0
    identities: dict[int, list[Identity]] = defaultdict(list)
    for identity in await session.scalars(
        select(Identity)
        .where(Identity.member_id.in_({m for m, _, _ in items}), Identity.reachable.is_(True))
        .order_by(Identity.member_id, Identity.id)
    ):
        identities[identity.member_id].append(identity)
    wanted = [(i, message, identity_key(key, m, i)) for m, message, key in items for i in identities[m]]
    taken = await _taken(session, [key for _, _, key in wanted])
    payloads = {id(message): message.to_payload() for _, message, _ in items}
    fresh = [(i, message, key) for i, message, key in wanted if key not in taken]
    questions = await _questions(session, [i for i, message, _ in fresh if message.choices])
    for i, message, key in fresh:
        asked = questions.get((i.channel, i.address), 0)
        enqueue(
            session,
            channel=i.channel,
            address=i.address,
            payload=stamp(asked, [message])[0].to_payload() if message.choices else payloads[id(message)],
            member_id=i.member_id,
            dedupe_key=key,
        )
    return len(fresh)


async def _questions(session: AsyncSession, identities: list[Identity]) -> dict[tuple[str, str], int]:
    """The number of the question each person's conversation is at: a message with choices is a
    question too, and its choices carry that number like every other (handlers/questions.py), so
    a press after the person has moved on is stale, never an answer to a later question."""
    found: dict[tuple[str, str], int] = {}
    addresses = sorted({i.address for i in identities})
    for start in range(0, len(addresses), CHUNK):
        rows = await session.execute(
            select(Conversation.channel, Conversation.address, Conversation.question).where(
                Conversation.address.in_(addresses[start : start + CHUNK])
            )
        )
        found.update({(channel, address): question for channel, address, question in rows})
    return found


async def send_all(
    session: AsyncSession, members: Sequence[Member], messages: Sequence[tuple[OutgoingMessage, str]]
) -> int:
    """Queue each (message, key) to every member, message by message."""
    return await send_each(session, [(m.id, message, key) for message, key in messages for m in members])


async def send_to(
    session: AsyncSession, members: Sequence[Member], message: OutgoingMessage, key: str
) -> int:
    """Queue one message to every member, once per identity and key."""
    return await send_all(session, members, [(message, key)])
