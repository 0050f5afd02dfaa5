"""Telegram's `my_chat_member`: a person blocked the bot (status "kicked") or unblocked it
(status "member"). Blocked, their identity is marked unreachable at once, as a 403 would
(their waiting messages dead, the pekon staff told once), so no send is wasted on them;
unblocked, it is reachable again. Dead messages stay dead: they may be days old, and the
person is answered afresh when they write. Applying one twice changes nothing more."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.outbox_outcome import mark_unreachable
from models.person import Channel, Identity

BLOCKED = "kicked"
UNBLOCKED = "member"
BLOCKED_ERROR = "unreachable: telegram: the person blocked the bot"


@dataclass(frozen=True)
class Reachability:
    """A private chat's address and whether the bot may write to it now."""

    address: str
    reachable: bool


def reachability(update: Update) -> Reachability | None:
    """The change an update makes to whether a person can be reached, if any."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return None
    status = change.new_chat_member.status
    if status not in (BLOCKED, UNBLOCKED):
        return None
    return Reachability(str(change.chat.id), status == UNBLOCKED)


async def apply_reachability(session: AsyncSession, changes: list[Reachability]) -> None:
    """Mark each person reachable or not, in the order the updates came."""
    for change in changes:
        if not change.reachable:
            await mark_unreachable(session, Channel.TELEGRAM, change.address, BLOCKED_ERROR)
            continue
        await session.execute(
            update(Identity)
            .where(Identity.channel == Channel.TELEGRAM, Identity.address == change.address)
            .values(reachable=True)
            .execution_options(synchronize_session=False)
        )
