"""The identity of a question: every offered choice carries the number of the question it was
offered for, so a press on an older keyboard is recognised and changes nothing.

The number lives in the conversation row and moves on every turn; a choice id on the wire is
"q<number>:<id>" (a Telegram callback_data of at most 64 bytes, a WhatsApp button or row id).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.messages import Choice, IncomingMessage, OutgoingMessage
from handlers.menu import normalise

STAMP = re.compile(r"^q(\d{1,9}):(.+)$", re.DOTALL)


def stamp(question: int, replies: list[OutgoingMessage]) -> list[OutgoingMessage]:
    """The replies with every choice id marked as belonging to `question`."""
    return [
        replace(m, choices=tuple(replace(c, id=f"q{question}:{c.id}") for c in m.choices)) if m.choices else m
        for m in replies
    ]


def unstamp(choice_id: str) -> tuple[int | None, str]:
    """(question number, bare id) of a pressed choice; no number for an unmarked id."""
    found = STAMP.match(choice_id)
    return (int(found.group(1)), found.group(2)) if found else (None, choice_id)


def chosen(message: IncomingMessage, offered: Sequence[Choice]) -> Choice | None:
    """The offered choice this message picks: pressed, or typed as its number, label or id."""
    if message.choice_id is not None:
        return next((c for c in offered if c.id == message.choice_id), None)
    typed = normalise(message.text or "")
    if typed.isdecimal() and typed.isascii() and 1 <= int(typed) <= len(offered):
        return offered[int(typed) - 1]
    return next((c for c in offered if typed in (normalise(c.label), unstamp(c.id)[1].lower())), None)
