"""The menu of each role, and reading a choice that was tapped or typed (number or label)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.messages import Choice, OutgoingMessage
from handlers.core import Turn
from handlers.keywords import closest, parse_number
from handlers.parsing import NO_WORDS, YES_WORDS
from handlers.texts import conversation_words, report_words
from models.person import Member, Role

MIN_PREFIX = 3  # "batalkan" picks "Batalkan laporan"; shorter prefixes are too ambiguous


# Per role: the menu entries (id -> label) and what each is for; anyone else gets the staff menu.
_MENUS = {
    Role.PEMANGKU: (conversation_words.MENU_PEMANGKU, conversation_words.MENU_DETAILS_PEMANGKU),
    Role.CAMAT: (conversation_words.MENU_CAMAT, conversation_words.MENU_DETAILS_CAMAT),
    Role.KABUPATEN: (conversation_words.MENU_KABUPATEN, conversation_words.MENU_DETAILS_KABUPATEN),
}
_STAFF_MENU = (conversation_words.MENU_STAFF, conversation_words.MENU_DETAILS_STAFF)


def menu_items(member: Member) -> dict[str, str]:
    """The menu entries (id -> label) of a member's role."""
    return _MENUS.get(Role(member.role), _STAFF_MENU)[0]


def menu_details(member: Member) -> dict[str, str]:
    """What each menu entry is for (shown under its title where the channel can)."""
    return _MENUS.get(Role(member.role), _STAFF_MENU)[1]


def choices(items: Mapping[str, str], details: Mapping[str, str] | None = None) -> tuple[Choice, ...]:
    """Choices from an id -> label mapping, in order (with id -> description, if given)."""
    details = details or {}
    return tuple(Choice(id=key, label=label, description=details.get(key)) for key, label in items.items())


def menu(member: Member, text: str = conversation_words.MENU_PROMPT) -> OutgoingMessage:
    """The member's menu with a lead text."""
    return OutgoingMessage(text=text, choices=choices(menu_items(member), menu_details(member)))


def normalise(text: str) -> str:
    """Lower case, single spaces, without trailing punctuation."""
    return " ".join(text.lower().split()).strip(" .!?")


def pick(turn: Turn, offered: Sequence[Choice]) -> str | None:
    """The id of the offered choice the sender tapped, or typed by number, label or id."""
    ids = {c.id for c in offered}
    if turn.message.choice_id is not None:
        return turn.message.choice_id if turn.message.choice_id in ids else None
    typed = normalise(turn.text)
    number = parse_number(typed)  # "2", "dua"; never "²", which is a wrong answer
    if number is not None and 1 <= number <= len(offered):
        return offered[number - 1].id
    vocabulary = {normalise(c.label): c.id for c in offered} | {c.id.lower(): c.id for c in offered}
    if typed in vocabulary:
        return vocabulary[typed]
    if answer := _yes_or_no(typed, ids):
        return answer
    starts = [c.id for c in offered if len(typed) >= MIN_PREFIX and normalise(c.label).startswith(typed)]
    if len(starts) == 1:
        return starts[0]
    return closest(typed, vocabulary)  # a small typo: "lahr", "lapor lahr", "nihl"


def _yes_or_no(typed: str, ids: set[str]) -> str | None:
    """Every way of saying yes or no ("iya", "ok", "y", "nggak") answers a Ya/Tidak question."""
    if report_words.YES in ids and typed in YES_WORDS:
        return report_words.YES
    if report_words.NO in ids and typed in NO_WORDS:
        return report_words.NO
    return None


def said(turn: Turn, words: Sequence[str]) -> bool:
    """Whether the sender typed one of these words (or tapped a choice with that id)."""
    if turn.message.choice_id is not None:
        return turn.message.choice_id in words
    return normalise(turn.text) in words
