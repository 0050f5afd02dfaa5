"""The last answer sent again later, at another question: on a weak signal nothing came back, so the
person sent "Budi" once more, and it reached the bot after "Budi" had moved the report on to "Nama
ayah?". bot/sent_twice.py marks such a turn `repeated`; here a free-text question asks before taking
it ("Nama ayah juga Budi?  1 Ya  2 Bukan"), since a name or a place would be taken silently. A
question with choices reads its own answers ("1" then "1" to two menus is two answers), and "-" or a
number is no value that could land in the wrong field.

The text waits in the draft under HELD, masked (a NIK in it is never kept in the clear: confirmed,
the masked NIK is refused and asked again); the buttons carry the question's number like any others.
"""

from __future__ import annotations

from dataclasses import replace

from bot.messages import OutgoingMessage
from handlers.core import Turn
from handlers.keywords import parse_number
from handlers.menu import choices, pick
from handlers.parsing import is_skip, mask_free_text
from handlers.report_flow import asked_label
from handlers.texts import conversation_words

HELD = "resent"  # draft key: the repeated text waiting for Ya or Bukan


def confirm(turn: Turn, waiting: list[OutgoingMessage]) -> list[OutgoingMessage] | None:
    """The question "is it the answer to this one too?" for a repeated text at a free-text
    question, or None when the text is to be read as usual."""
    text = turn.text
    if not turn.repeated or turn.message.choice_id is not None or not text or not waiting:
        return None
    if any(m.choices for m in waiting) or is_skip(text) or parse_number(text) is not None or text.isdigit():
        return None
    turn.state.data[HELD] = mask_free_text(text)
    return offered(turn)


def offered(turn: Turn) -> list[OutgoingMessage] | None:
    """The waiting confirmation again (after a stale press or a thanks), or None."""
    held = turn.state.data.get(HELD)
    if held is None:
        return None
    label = asked_label(turn)
    ask = conversation_words.RESENT_FIELD.format(label=label, text=held) if label else None
    ask = ask or conversation_words.RESENT_OTHER.format(text=held)
    return [OutgoingMessage(ask, choices(conversation_words.RESENT_CHOICES))]


def settle(turn: Turn, waiting: list[OutgoingMessage]) -> list[OutgoingMessage] | None:
    """Bukan: the question again (nothing taken). Ya: the held text becomes this turn's message,
    to be read by the flow (None). Anything else withdraws the confirmation and is read (None)."""
    held = turn.state.data.pop(HELD)
    chosen = pick(turn, choices(conversation_words.RESENT_CHOICES))
    if chosen == "tidak":
        first, *rest = waiting
        return [replace(first, text=f"{conversation_words.RESENT_NO}\n{first.text}"), *rest]
    if chosen == "ya":
        turn.message = replace(turn.message, text=held, choice_id=None)
        turn.repeated = False  # confirmed: taken as typed
    return None
