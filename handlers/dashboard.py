"""DASBOR: a one-time sign-in link to the web dashboard, for staff, camat, kabupaten and admin."""

from __future__ import annotations

from bot.messages import OutgoingMessage
from handlers.core import Turn
from handlers.texts import dashboard_words
from models.web_login import LINK_TTL, issue_link, login_url, member_scope


async def dashboard_link(turn: Turn) -> list[OutgoingMessage]:
    """Issue a link valid LINK_TTL, once; the token travels only in this reply."""
    member = turn.member
    assert member is not None
    if member_scope(member) is None:
        return [OutgoingMessage(dashboard_words.DASHBOARD_NOT_FOR_ROLE)]
    if not turn.config.public_url:
        return [OutgoingMessage(dashboard_words.DASHBOARD_NO_URL)]
    token = await issue_link(turn.session, member, turn.now, turn.message.channel)
    url = login_url(turn.config.public_url, token)
    minutes = int(LINK_TTL.total_seconds() // 60)
    return [OutgoingMessage(dashboard_words.DASHBOARD_LINK.format(url=url, minutes=minutes))]
