"""A line that means something else while a question waits: a menu word, a whole new express report,
a status or help question. It is never swallowed as a wrong answer to the question: a question
that only reads (status, rekap, bantuan) is answered and the waiting question shown again; anything
that would start something else is offered (continue the draft, or cancel it and take the line),
so a draft is never dropped and nothing is recorded without the person choosing.

The offer waits in the draft under PENDING (the line typed and the offer); the draft is untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace

from bot.messages import OutgoingMessage
from handlers.core import Step, Turn
from handlers.express import Express, parse_express
from handlers.intents import read_intent
from handlers.keywords import LEAD_WORDS
from handlers.menu import choices, menu_items, normalise, pick
from handlers.texts import conversation_words, report_words
from models.base import wib_date
from models.person import Member, Role

PENDING = "aside"  # draft key: the line waiting for "continue or cancel the draft?"
HEARD = "aside_heard"  # draft key: the line the person chose to continue after
NOTHING_TYPED_FLOWS = frozenset({"monthly", "mine"})  # a confirmation, a pick from a list
READ_ONLY = frozenset({"status", "rekap", "daftar", "bantuan", "dasbor"})  # answered mid-flow

Prompt = Callable[[Turn], list[OutgoingMessage]]
Reader = Callable[[Turn, str | None], Awaitable[list[OutgoingMessage]]]
Restart = Callable[[Turn, Member], Awaitable[list[OutgoingMessage]]]


def typed_action(text: str, member: Member, actions: Mapping[str, Step]) -> str | None:
    """The action a line names exactly ("status", "/kirim", "lapor pindah", "Kirim Laporan");
    no typo tolerance and no numbers here: mid-flow those are answers to the question."""
    labels = {normalise(label): key for key, label in menu_items(member).items()}
    vocabulary = {key: key for key in actions} | labels
    typed = normalise(text).lstrip("/")
    for lead in LEAD_WORDS:
        if typed not in vocabulary and typed.startswith(lead):
            typed = typed.removeprefix(lead)
    return vocabulary.get(typed)


def new_report(turn: Turn, member: Member) -> Express | None:
    """A whole express line naming a person ("pindah Budi ke Metro 3-11-2026"); a line without a
    name ("pindah ke Metro") may well be the answer to a place question, so it is not one."""
    if member.role != Role.PEMANGKU:
        return None
    found = parse_express(turn.text, turn.now)
    if found is None or not (found.values.get("name") or found.values.get("m1.name")):
        return None
    return found


@dataclass(frozen=True)
class Room:
    """What the router lends: the waiting question, the role's actions and month readers, and the
    way a line is read at the menu."""

    prompt: Prompt
    actions: Mapping[str, Step]
    readers: Mapping[str, Reader]
    restart: Restart


async def interruption(turn: Turn, member: Member, room: Room) -> list[OutgoingMessage] | None:
    """The answer to a typed line that is not meant for the waiting question, or None."""
    if turn.message.choice_id is not None or not turn.text or turn.text == turn.state.data.get(HEARD):
        return None  # a line sent again after "Lanjutkan" is meant as the answer
    action = typed_action(turn.text, member, room.actions)
    if action in READ_ONLY and action in room.actions:
        return [*_without_choices(await room.actions[action](turn)), *room.prompt(turn)]
    intent = read_intent(turn.text, member.role, wib_date(turn.now))
    if action is None and intent is not None and intent.action in room.readers:
        answer = await room.readers[intent.action](turn, intent.month)
        return [*_without_choices(answer), *room.prompt(turn)]
    if action is not None and action in room.actions:
        label = menu_items(member).get(action, action.title())
        new = conversation_words.ASIDE_NEW_ACTION.format(label=label)
    elif new_report(turn, member) is not None:
        new = conversation_words.ASIDE_NEW_LINE
    else:
        return None
    if _nothing_typed(turn):  # only a first question or a confirmation waits: nothing to lose
        return await _take(turn, member, room, turn.text)
    question = _last_line(room.prompt(turn))
    offer = conversation_words.ASIDE_OFFER.format(activity=activity(turn), question=question, new=new)
    turn.state.data[PENDING] = {"line": turn.text, "offer": offer}
    return offered(turn) or []


def offered(turn: Turn) -> list[OutgoingMessage] | None:
    """The waiting offer again (after a stale press or a sticker), or None when none waits."""
    pending = turn.state.data.get(PENDING)
    return [OutgoingMessage(pending["offer"], choices(conversation_words.ASIDE_CHOICES))] if pending else None


async def settle(turn: Turn, member: Member, room: Room) -> list[OutgoingMessage] | None:
    """The answer to "continue or cancel the draft?"; None (offer withdrawn) for any other line,
    which is then read as usual: most often the answer to the waiting question."""
    line = turn.state.data.pop(PENDING)["line"]
    chosen = pick(turn, choices(conversation_words.ASIDE_CHOICES))
    if chosen == "lanjut":
        turn.state.data[HEARD] = line
        first, *rest = room.prompt(turn)
        return [replace(first, text=f"{conversation_words.ASIDE_BACK}\n{first.text}"), *rest]
    if chosen != "ganti":
        return None
    dropped = conversation_words.ASIDE_DROPPED.format(activity=activity(turn))
    first, *rest = await _take(turn, member, room, line)
    return [replace(first, text=f"{dropped}\n\n{first.text}"), *rest]


async def _take(turn: Turn, member: Member, room: Room, line: str) -> list[OutgoingMessage]:
    """Leave the flow and read the line as if typed at the menu."""
    turn.state.clear()
    turn.message = replace(turn.message, text=line, choice_id=None)
    return await room.restart(turn, member)


def _nothing_typed(turn: Turn) -> bool:
    """No answer typed yet in this flow: a report at its first question, or a confirmation."""
    flow, data = turn.state.flow, turn.state.data
    if flow == "report":
        return not data.get("v") and not data.get("fix")
    return flow in NOTHING_TYPED_FLOWS


def activity(turn: Turn) -> str:
    """What the person is in the middle of, in a few words ("laporan kelahiran")."""
    flow, data = turn.state.flow or "", turn.state.data
    if flow == "report":
        key = "correction" if data.get("fix") else "report"
        return conversation_words.ASIDE_ACTIVITIES[key].format(kind=report_words.KIND_NAMES[data["kind"]])
    return conversation_words.ASIDE_ACTIVITIES.get(flow, conversation_words.ASIDE_ACTIVITY_OTHER)


def _last_line(replies: list[OutgoingMessage]) -> str:
    """The question itself: the last line of what was asked ("Sudah benar?" of a summary)."""
    text = replies[-1].text if replies else ""
    return text.strip().splitlines()[-1] if text.strip() else ""


def _without_choices(replies: list[OutgoingMessage]) -> list[OutgoingMessage]:
    """An answer given mid-flow carries no buttons: only the waiting question's are live."""
    return [replace(m, choices=()) for m in replies]
