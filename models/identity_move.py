"""A chat address that changed under a registered person (WhatsApp's "changed number" notice):
the identity, its conversation and its unsent messages follow to the new address, in the
caller's transaction, audited. An address that already belongs to someone else is never taken.

The move is kept (`MovedAddress`): a message the person sent from the old address before the
change (by the platform's time; it may reach us, or be handled, after the move) is still theirs
(`moved_to`), while a message from that address sent later is a stranger's (the number may be
given to someone else)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.audit import record_audit
from models.base import Base, CreatedAt
from models.conversation import Conversation
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Identity, Member

UNSENT = (OutboxStatus.PENDING, OutboxStatus.DEAD)
# A message from the old address sent this long after the change (by the platform's clock) is
# still the person's: the notice's and the message's timestamps come from different devices.
GRACE = timedelta(minutes=10)


class MovedAddress(CreatedAt, Base):
    """An address an identity moved away from, and when (the platform's time of the change)."""

    __tablename__ = "moved_address"
    __table_args__ = (Index("ix_moved_address_channel_address", "channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    identity_id: Mapped[int] = mapped_column(ForeignKey("identity.id", ondelete="CASCADE"))
    moved_at: Mapped[datetime]


class MoveOutcome(StrEnum):
    """What became of an address change."""

    MOVED = "moved"
    CONFLICT = "conflict"  # the new address is another member's: nothing changed
    ALREADY = "already"  # the new address is the same member's already: nothing to move
    UNKNOWN = "unknown"  # nobody registered on the old address


@dataclass(frozen=True)
class Move:
    """The outcome, and the member whose address it was (None when UNKNOWN)."""

    outcome: MoveOutcome
    member: Member | None = None


def mask_address(address: str) -> str:
    """A phone-like address as an audit entry keeps it: all but the last 4 digits hidden."""
    return "*" * max(len(address) - 4, 0) + address[-4:]


async def move_address(
    session: AsyncSession, channel: str, old: str, new: str, at: datetime, *, changed_at: datetime
) -> Move:
    """Move the identity on `old` to `new`, with its conversation and its unsent messages; `at` is
    now, `changed_at` the platform's time of the change."""
    identity = await _identity(session, channel, old, lock=True)
    if identity is None:
        return Move(MoveOutcome.UNKNOWN)
    member = identity.member
    holder = await _identity(session, channel, new, lock=True)
    if holder is not None:
        same = holder.member_id == identity.member_id
        outcome = MoveOutcome.ALREADY if same else MoveOutcome.CONFLICT
        _audit(session, identity, old, new, at, outcome, holder.member_id)
        return Move(outcome, member)
    identity.address, identity.reachable = new, True
    await session.flush()
    await _move_conversation(session, channel, old, new)
    await _move_unsent(session, channel, old, new)
    session.add(MovedAddress(channel=channel, address=old, identity_id=identity.id, moved_at=changed_at))
    _audit(session, identity, old, new, at, MoveOutcome.MOVED, None)
    return Move(MoveOutcome.MOVED, member)


async def moved_to(session: AsyncSession, channel: str, address: str, sent_at: datetime) -> str | None:
    """The address now used by whoever had `address` when they sent a message at `sent_at`, if they
    moved away from it since (or at most GRACE before); None when the sender is who has it now.
    The earliest such move is theirs: a later one is a later holder's of the same number."""
    found: str | None = await session.scalar(
        select(Identity.address)
        .join(MovedAddress, MovedAddress.identity_id == Identity.id)
        .where(
            MovedAddress.channel == channel,
            MovedAddress.address == address,
            MovedAddress.moved_at >= sent_at - GRACE,
        )
        .order_by(MovedAddress.moved_at, MovedAddress.id)
        .limit(1)
    )
    return found


async def _identity(session: AsyncSession, channel: str, address: str, *, lock: bool) -> Identity | None:
    query = select(Identity).where(Identity.channel == channel, Identity.address == address)
    found: Identity | None = await session.scalar(query.with_for_update(of=Identity) if lock else query)
    return found


async def _move_conversation(session: AsyncSession, channel: str, old: str, new: str) -> None:
    """The person's conversation (a draft included) goes along. One already on the new address
    was a stranger's (nobody was registered there): it holds no facts and gives way."""
    moving = await session.scalar(
        select(Conversation.id)
        .where(Conversation.channel == channel, Conversation.address == old)
        .with_for_update()
    )
    if moving is None:
        return
    await session.execute(
        delete(Conversation).where(Conversation.channel == channel, Conversation.address == new)
    )
    await session.execute(
        update(Conversation)
        .where(Conversation.id == moving)
        .values(address=new, version=Conversation.version + 1)
        .execution_options(synchronize_session=False)
    )


async def _move_unsent(session: AsyncSession, channel: str, old: str, new: str) -> None:
    """Unsent rows (waiting, held for the window, or dead and retryable by hand) go to the new
    address: the old number may be given to someone else. Sent rows stay as the record of where
    they went, but every dedupe key naming the old address names the new one, so a job that runs
    again does not send the same reminder twice."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.address == old,
            OutboxMessage.status.in_(UNSENT),
        )
        .values(address=new)
        .execution_options(synchronize_session=False)
    )
    suffix = f":{channel}:{old}"
    keyed = await session.execute(
        select(OutboxMessage.id, OutboxMessage.dedupe_key).where(
            OutboxMessage.channel == channel,
            OutboxMessage.address.in_((old, new)),
            OutboxMessage.dedupe_key.endswith(suffix, autoescape=True),
        )
    )
    for row_id, key in keyed.all():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(dedupe_key=key.removesuffix(suffix) + f":{channel}:{new}")
            .execution_options(synchronize_session=False)
        )


def _audit(
    session: AsyncSession,
    identity: Identity,
    old: str,
    new: str,
    at: datetime,
    outcome: MoveOutcome,
    holder: int | None,
) -> None:
    after: dict[str, object] = {"address": mask_address(new), "outcome": str(outcome)}
    if holder is not None:
        after["holder_member_id"] = holder
    record_audit(
        session,
        actor_member_id=identity.member_id,
        channel=identity.channel,
        action="identity.address_change",
        entity="identity",
        entity_id=identity.id,
        before={"address": mask_address(old)},
        after=after,
        at=at,
    )
