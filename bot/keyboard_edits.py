"""The keyboard a conversation last put (kept on its conversation row as the reply's outbox row
and its choices), and the edit that retires it when the next question comes."""

from __future__ import annotations

from typing import Any

from bot.messages import Choice, EditRef, IncomingMessage, OutgoingMessage
from handlers.questions import chosen
from models.person import Channel


def edits(
    message: IncomingMessage, keyboard: dict[str, Any] | None, replies: list[OutgoingMessage]
) -> list[OutgoingMessage]:
    """On Telegram, the previous keyboard loses its buttons as a new question is put, and shows
    what was chosen on it (pressed or typed). Queued ahead of the replies, so it goes first."""
    if keyboard is None or not replies or message.channel != Channel.TELEGRAM:
        return []
    offered = [Choice(id=choice_id, label=label) for choice_id, label in keyboard["choices"]]
    picked = chosen(message, offered)
    return [OutgoingMessage("", edit=EditRef(keyboard["row"], picked.label if picked else None))]


def last_keyboard(outgoing: list[OutgoingMessage], rows: list[int]) -> dict[str, Any] | None:
    """The last keyboard of this turn's replies: its outbox row and its (marked) choices."""
    for out, row in zip(reversed(outgoing), reversed(rows), strict=True):
        if out.choices:
            return {"row": row, "choices": [[c.id, c.label] for c in out.choices]}
    return None
