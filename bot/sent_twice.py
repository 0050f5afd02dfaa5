"""One text sent twice: a person presses send again on a weak signal, or the app sends a copy under
a new message id. The copy is no answer to the question the first copy brought up.

The rule: a typed text the same as the last typed text the conversation took, sent (by the
platform's clock) within a window of it (PEMANGKU_SENT_TWICE_SECONDS, 3 by default: two presses of
send come within a second or two, while a meant answer waits for the reply to arrive and be read),
is a copy.
It is answered with a short notice and changes nothing: no state, no question number (the keyboard
above stays valid), no keyboard edit.

Why time and not "the same question": a typed text carries no question (only pressed buttons do,
and those are judged by their question's number already), and a copy always lands on a different
question than its original, since the original moved the conversation on; so "same question" cannot
tell a copy from a meant answer. What tells them apart is whether the person could have read the new
question before sending: copies of a weak signal reach the platform together, while a meant "1"
then "1" needs the reply to arrive, be read and typed. The platform's send times of the two
messages are one clock on every channel (no skew against ours). The window counts from the copy
taken, so a third copy is caught too, and a meant resend after the notice is taken once it is past.

The same text past the window is no copy of a double press, yet may be a resend after a long silence
on a weak signal: it lands on the question after the one it answered. So when it comes at another
question than the one it was taken at, the turn is marked `repeated`, and handlers/resent.py asks
before a free-text question takes it ("Nama ayah juga Budi?"); the same question asked again (after
a wrong answer) takes it as it is.

The last taken text is kept in the conversation's draft under KEY, out of the handlers' sight, as a
digest of its masked form (a NIK in it is never stored in the clear), with the question it answered.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from bot.messages import IncomingMessage, OutgoingMessage
from handlers.core import State, Step, Turn
from handlers.parsing import mask_free_text
from handlers.texts import conversation_words

KEY = "~typed"  # no handler's key starts with "~"


async def answer(turn: Turn, handle: Step, window: timedelta) -> tuple[list[OutgoingMessage], bool]:
    """The handler's replies to the turn's message, or the notice when it is a copy (then true)."""
    if not window:  # off: every copy is taken, and nothing is kept for it
        return await handle(turn), False
    last = _take(turn.state)
    if _is_copy(turn.message, last, window):
        _put(turn.state, last)
        return [OutgoingMessage(conversation_words.SENT_TWICE)], True
    asked = _asked(turn.state)
    turn.repeated = _is_resent(turn.message, last, asked)
    replies = await handle(turn)
    mine = record(turn.message, asked)  # a press forgets the text; a sticker or a file leaves it
    _put(turn.state, last if mine is None and turn.message.choice_id is None else mine)
    return replies, False


def _take(state: State) -> dict[str, Any] | None:
    """The record of the last taken text, removed from the draft (handlers never see it)."""
    record = state.data.pop(KEY, None)
    return record if isinstance(record, dict) else None


def _put(state: State, record: dict[str, Any] | None) -> None:
    """Keep `record` in the draft, whatever the handler made of it."""
    if record is not None:
        state.data[KEY] = record


def _is_copy(message: IncomingMessage, last: dict[str, Any] | None, window: timedelta) -> bool:
    """Whether the message repeats the last taken text within the window."""
    mine = record(message)
    if mine is None or last is None or mine["text"] != last.get("text"):
        return False
    return abs(message.received_at - datetime.fromisoformat(last["at"])) <= window


def _asked(state: State) -> str:
    """The question waiting before the turn (its flow and step)."""
    return f"{state.flow}:{state.step}"


def _is_resent(message: IncomingMessage, last: dict[str, Any] | None, asked: str) -> bool:
    """Whether the message repeats the last taken text (past the window) at another question."""
    mine = record(message, asked)
    return (
        mine is not None and last is not None and mine["text"] == last.get("text") and asked != last.get("q")
    )


def record(message: IncomingMessage, asked: str = "") -> dict[str, Any] | None:
    """What to remember of a taken message: a typed text's digest, send time and the question it
    came at; nothing for a pressed button, a file, a contact or anything unreadable."""
    typed = message.text if message.choice_id is None and message.file is None else None
    if not typed or message.unsupported is not None or message.contact_phone is not None:
        return None
    digest = hashlib.sha256(" ".join(mask_free_text(typed).lower().split()).encode()).hexdigest()
    return {"text": digest[:16], "at": message.received_at.isoformat(), "q": asked}
