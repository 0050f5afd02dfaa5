"""The entry of every turn: unregistered senders, unreadable messages, global words, the flows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.messages import OutgoingMessage
from handlers import texts
from handlers.core import Turn
from handlers.menu import choices, menu, menu_items, pick, said
from handlers.registration import register, registration_code
from models.person import Member

MAX_TEXT = 1000  # longer messages are not answers to any question of ours

Step = Callable[[Turn], Awaitable[list[OutgoingMessage]]]
FLOWS: dict[str, Step] = {}  # flow name -> the function that handles a turn inside it
ACTIONS: dict[str, Step] = {}  # menu id -> the function that starts it


async def handle(turn: Turn) -> list[OutgoingMessage]:
    """Answer one incoming message."""
    code = registration_code(turn.text) if turn.message.text else None
    if code is not None and (turn.member is None or code):
        return await register(turn, code)
    member = turn.member
    if member is None:
        return [OutgoingMessage(text=texts.UNREGISTERED.format(village=turn.config.village_word))]
    if turn.message.unsupported is not None or len(turn.text) > MAX_TEXT:
        lead = texts.UNSUPPORTED if turn.message.unsupported else texts.TOO_LONG
        return [OutgoingMessage(text=lead), *await _repeat(turn, member)]
    if _draft_expired(turn):
        turn.state.clear()
        hours = turn.config.draft_ttl_hours
        return [menu(member, texts.DRAFT_EXPIRED.format(hours=hours))]
    return await _route(turn, member)


async def _route(turn: Turn, member: Member) -> list[OutgoingMessage]:
    if said(turn, texts.WORDS_MENU) or (said(turn, texts.WORDS_CANCEL) and turn.state.flow is None):
        turn.state.clear()
        return [menu(member)]
    if said(turn, texts.WORDS_CANCEL):
        turn.state.clear()
        return [menu(member, texts.CANCELLED)]
    flow = FLOWS.get(turn.state.flow or "")
    if flow is not None:
        return await flow(turn)
    action = pick(turn, choices(menu_items(member)))
    start = ACTIONS.get(action or "")
    if start is not None:
        return await start(turn)
    return [menu(member, texts.NOT_UNDERSTOOD)]


async def _repeat(turn: Turn, member: Member) -> list[OutgoingMessage]:
    """The current question again (a flow repeats itself when given no answer), or the menu."""
    flow = FLOWS.get(turn.state.flow or "")
    if flow is None:
        return [menu(member)]
    return await flow(turn)


def _draft_expired(turn: Turn) -> bool:
    if turn.state.flow is None or turn.last_activity is None:
        return False
    return turn.now - turn.last_activity > timedelta(hours=turn.config.draft_ttl_hours)
