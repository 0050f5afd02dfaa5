"""The entry of every turn: unregistered senders, unreadable messages, global words, the flows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

from bot.messages import OutgoingMessage
from handlers import beneficiary, list_upload, monthly, resent
from handlers.core import Step, Turn
from handlers.courtesy import acknowledgement, emoji_only, greeting
from handlers.dashboard import dashboard_link
from handlers.express import parse_express
from handlers.express_reply import start_express
from handlers.intents import read_intent
from handlers.interrupt import PENDING, Room, interruption, new_report, offered, settle
from handlers.keywords import parse_number
from handlers.menu import choices, menu, menu_items, pick, said
from handlers.mine import pemangku_status, start_mine, turn_in_mine
from handlers.mine import prompt as mine_prompt
from handlers.month_names import annual_request, month_request, parse_month_name
from handlers.parsing import YES_WORDS, words
from handlers.phone import confirm_phone, request_phones
from handlers.questions import stamp, unstamp
from handlers.registration import register, registration_code, unregistered
from handlers.report_flow import prompt as report_prompt
from handlers.report_flow import start as start_report
from handlers.report_flow import turn_in_report
from handlers.staff import staff_list, staff_recap, staff_status
from handlers.staff_annual import staff_annual
from handlers.staff_month import (
    camat_status,
    close_prompt,
    invite_prompt,
    reopen,
    reopen_reason,
    start_close,
    start_invite,
    turn_in_close,
    turn_in_invite,
)
from handlers.texts import beneficiary_words, conversation_words, dashboard_words, error_words, report_words
from models.base import wib_date
from models.event import EventKind
from models.person import Member, Role

MAX_TEXT = 1000  # longer messages are not answers to any question of ours

Prompt = Callable[[Turn], list[OutgoingMessage]]
GREETINGS = {
    "salam": conversation_words.GREETING_SALAM,
    "tabik": conversation_words.GREETING_TABIK,
    "hello": conversation_words.GREETING_HELLO,
}

FLOWS: dict[str, tuple[Step, Prompt]] = {
    "report": (turn_in_report, report_prompt),
    "monthly": (monthly.turn_in_monthly, monthly.prompt),
    "mine": (turn_in_mine, mine_prompt),
    "invite": (turn_in_invite, invite_prompt),
    "close": (turn_in_close, close_prompt),
    beneficiary.CEK_FLOW: (beneficiary.turn_in_cek, beneficiary.prompt),
    list_upload.UPLOAD_FLOW: (list_upload.turn_in_upload, list_upload.prompt),
}


async def _help(turn: Turn) -> list[OutgoingMessage]:
    assert turn.member is not None
    helps = {
        Role.PEMANGKU.value: conversation_words.HELP_PEMANGKU,
        Role.CAMAT.value: conversation_words.HELP_CAMAT,
        Role.KABUPATEN.value: conversation_words.HELP_KABUPATEN,
    }
    text = helps.get(turn.member.role, conversation_words.HELP_STAFF)
    return [OutgoingMessage(text.format(village=turn.config.village_word))]


ACTIONS: dict[str, dict[str, Step]] = {
    Role.PEMANGKU: {
        **{kind.value: start_report(kind.value) for kind in EventKind},
        "kirim": monthly.start_submit,
        "nihil": monthly.start_nihil,
        "laporan": start_mine,
        "status": pemangku_status,
        "bantuan": _help,
    },
    Role.STAFF: {
        "status": staff_status,
        "rekap": staff_recap,
        "daftar": staff_list,
        "undang": start_invite,
        "tutup": start_close,
        "minta nomor": request_phones,
        "dasbor": dashboard_link,
        "bantuan": _help,
    },
    Role.CAMAT: {"status": camat_status, "dasbor": dashboard_link, "bantuan": _help},
    Role.KABUPATEN: {"dasbor": dashboard_link, "bantuan": _help},
}

# Actions that take a month typed after their word: "rekap november", "status 10/2026".
MonthStep = Callable[[Turn, str | None], Awaitable[list[OutgoingMessage]]]
MONTH_ACTIONS: dict[str, dict[str, MonthStep]] = {
    Role.STAFF: {"status": staff_status, "rekap": staff_recap, "daftar": staff_list},
    Role.CAMAT: {"status": camat_status, "rekap": camat_status},
}


async def handle(turn: Turn) -> list[OutgoingMessage]:
    """Answer one incoming message; every turn puts a new question, whose choices carry its number."""
    asked = turn.state.question
    if turn.message.choice_id is not None:
        pressed_for, bare = unstamp(turn.message.choice_id)
        turn.message = replace(turn.message, choice_id=bare)
        asked = pressed_for if pressed_for is not None else -1
    replies = await _handle(turn, asked)
    turn.state.question += 1
    return stamp(turn.state.question, replies)


async def _handle(turn: Turn, asked: int) -> list[OutgoingMessage]:
    if turn.message.unsupported == "group":  # nothing said in a group is read, not even a code
        return [OutgoingMessage(error_words.UNREAD_KINDS["group"])]
    code = registration_code(turn.text) if turn.message.text else None
    if code is not None and (turn.member is None or (code and not _names_a_month(turn, code))):
        return await register(turn, code)
    member = turn.member
    if member is None:
        return [unregistered(turn)]
    if _draft_expired(turn):
        turn.state.clear()
        return [menu(member, conversation_words.DRAFT_EXPIRED.format(hours=turn.config.draft_ttl_hours))]
    if _stale(turn, member, asked):
        return [OutgoingMessage(conversation_words.STALE_CHOICE), *_repeat(turn, member)]
    if turn.message.contact_phone is not None:
        return await confirm_phone(turn, member)
    if turn.message.file is not None:
        if not list_upload.may_send(member):  # nothing is fetched
            refused = beneficiary_words.UPLOAD_NOT_ALLOWED.format(village=turn.config.village_word)
            return [OutgoingMessage(refused), *_repeat(turn, member)]
        return await list_upload.receive(turn, member)
    if turn.message.unsupported is not None and turn.text and new_report(turn, member):
        first, *rest = await _route(turn, member)  # a report written under a photo
        return [replace(first, text=f"{report_words.CAPTION_READ}\n\n{first.text}"), *rest]
    if turn.message.unsupported is not None or len(turn.text) > MAX_TEXT:
        return [OutgoingMessage(text=_unread_lead(turn)), *_repeat(turn, member)]
    return await _route(turn, member)


async def _route(turn: Turn, member: Member) -> list[OutgoingMessage]:
    welcome = greeting(turn.text, turn.state.flow is not None) if turn.message.choice_id is None else None
    if said(turn, conversation_words.WORDS_MENU + conversation_words.WORDS_GREETING) or welcome in GREETINGS:
        return _to_menu(turn, member, welcome)
    if said(turn, conversation_words.WORDS_CANCEL):
        text = conversation_words.CANCELLED if turn.state.flow else conversation_words.NOTHING_TO_CANCEL
        turn.state.clear()
        return [menu(member, text)]
    ack = acknowledgement(turn.text) if turn.message.choice_id is None else None
    if ack is None and turn.message.choice_id is None and emoji_only(turn.text):
        return _emoji_answer(turn, member)
    picking = turn.state.flow == "mine" and turn.state.step == "pick" and turn.message.choice_id is None
    if picking and not _numberish(turn.text):
        turn.state.clear()  # the list only waits for a number; anything else is a menu choice
    if turn.state.flow is None and (
        said(turn, conversation_words.WORDS_THANKS) or ack or welcome == "thanks"
    ):
        reply = conversation_words.OKAY_REPLY if ack == "ok" else conversation_words.THANKS_REPLY
        return [menu(member, reply)]
    if ack and (thanked := _acknowledged(turn, member, ack)):
        return thanked
    if said(turn, conversation_words.WORDS_HELP):  # mid-flow: the help, then the waiting question again
        return [*await _help(turn), *(_repeat(turn, member) if turn.state.flow else [])]
    flow = FLOWS.get(turn.state.flow or "")
    if flow is not None:
        room = Room(flow[1], ACTIONS.get(member.role, {}), MONTH_ACTIONS.get(member.role, {}), _from_menu)
        if resent.HELD in turn.state.data and (kept := resent.settle(turn, flow[1](turn))):
            return kept
        if PENDING in turn.state.data and (settled := await settle(turn, member, room)):
            return settled
        if aside := await interruption(turn, member, room):
            return aside
        if turn.text.startswith("/"):  # a command while a question waits for its answer
            return [OutgoingMessage(conversation_words.IN_FLOW), *flow[1](turn)]
        return resent.confirm(turn, flow[1](turn)) or await flow[0](turn)
    return await _from_menu(turn, member)


async def _from_menu(turn: Turn, member: Member) -> list[OutgoingMessage]:
    actions = ACTIONS.get(member.role, ACTIONS[Role.STAFF])
    if member.role != Role.PEMANGKU and said(turn, dashboard_words.WORDS_DASHBOARD):  # before typo matching
        return await dashboard_link(turn)
    offered = choices(menu_items(member))
    chosen = pick(turn, offered) or turn.text.lower().lstrip("/").strip()
    if chosen in actions:
        return await actions[chosen](turn)
    year = annual_request(turn.text)
    if year is not None and member.role in (Role.STAFF, Role.CAMAT, Role.KABUPATEN):
        return await staff_annual(turn, year)
    intent = read_intent(turn.text, member.role, wib_date(turn.now))
    if intent is not None and (step := MONTH_ACTIONS.get(member.role, {}).get(intent.action)):
        return await step(turn, intent.month)
    request = month_request(turn.text)
    if request is not None and (step := MONTH_ACTIONS.get(member.role, {}).get(request.command)):
        return await step(turn, request.month_text)
    if member.role == Role.PEMANGKU:
        express = parse_express(turn.text, turn.now)
        if express is not None:
            return await start_express(turn, express)
    elif member.role == Role.STAFF and (number := beneficiary.cek_request(turn.text)) is not None:
        return await beneficiary.cek(turn, number)
    elif member.role == Role.STAFF and (reason := reopen_reason(turn.text)) is not None:
        return await reopen(turn, reason)
    return [menu(member, conversation_words.NOT_UNDERSTOOD)]


def _to_menu(turn: Turn, member: Member, welcome: str | None) -> list[OutgoingMessage]:
    """The menu (after a greeting, greeted back in kind); a greeting keeps an unfinished draft
    (people come back with "halo"), while an explicit "menu" drops it and says so."""
    if turn.state.flow is None:
        prompt = conversation_words.MENU_PROMPT
        return [menu(member, f"{GREETINGS[welcome]} {prompt}" if welcome else prompt)]
    if welcome or said(turn, conversation_words.WORDS_GREETING):
        return [OutgoingMessage(conversation_words.DRAFT_KEPT), *_repeat(turn, member)]
    turn.state.clear()
    return [menu(member, conversation_words.DRAFT_DROPPED)]


def _repeat(turn: Turn, member: Member) -> list[OutgoingMessage]:
    """The current question again (an offer to set the draft aside, if one waits), or the menu."""
    if waiting := offered(turn) or resent.offered(turn):
        return waiting
    flow = FLOWS.get(turn.state.flow or "")
    return flow[1](turn) if flow is not None else [menu(member)]


def _unread_lead(turn: Turn) -> str:
    """Why a message is not read: its kind (an edit, a deletion, a sticker...) or its length."""
    kind = turn.message.unsupported
    if kind is None:
        return error_words.TOO_LONG
    return error_words.UNREAD_KINDS.get(kind, error_words.UNSUPPORTED)


def _acknowledged(turn: Turn, member: Member, ack: str) -> list[OutgoingMessage] | None:
    """Thanks or "ok" alone while a question waits: the question again, kindly, nothing taken. Only
    a yes word ("ok") where choices wait goes on to be read (Simpan on a summary, Ya to a question)."""
    waiting = _repeat(turn, member)
    if ack == "ok" and words(turn.text) in YES_WORDS and any(m.choices for m in waiting):
        return None
    lead = conversation_words.ACK_THANKS if ack == "thanks" else conversation_words.ACK_OKAY
    first, *rest = waiting
    return [replace(first, text=f"{lead}\n{first.text}"), *rest]


def _emoji_answer(turn: Turn, member: Member) -> list[OutgoingMessage]:
    """Emoji alone ("😊", "🎉🎉") answer no question: the waiting one again, kindly (before, each
    question's own error, "Nama hanya berisi huruf", puzzled people); at the menu, the menu."""
    if turn.state.flow is None:
        return [menu(member, conversation_words.EMOJI_AT_MENU)]
    first, *rest = _repeat(turn, member)
    return [replace(first, text=f"{conversation_words.EMOJI_ONLY}\n{first.text}"), *rest]


def _names_a_month(turn: Turn, code: str) -> bool:
    """Staff's "daftar oktober" asks for the month's list; an invite code is never a month name."""
    takes_month = turn.member is not None and "daftar" in MONTH_ACTIONS.get(turn.member.role, {})
    return takes_month and parse_month_name(code, wib_date(turn.now)) is not None


def _numberish(text: str) -> bool:
    """A number, or something meant as one ("²"): an answer to the list, right or explained."""
    return parse_number(text) is not None or text.strip(" .").isdigit()


def _stale(turn: Turn, member: Member, asked: int) -> bool:
    """A press that answers no waiting question: from the keyboard of an earlier question, or a
    menu item (a menu's or a reminder's) while a question waits: menu items only start
    something, and mid-report they would answer a question they were not offered for. At the
    menu an older menu or reminder is taken as if typed (the menu is not sent after every reply)."""
    if turn.message.choice_id is None:
        return False
    starts = turn.message.choice_id in menu_items(member)
    if turn.state.flow is not None:
        return starts or asked != turn.state.question
    return asked != turn.state.question and not starts


def _draft_expired(turn: Turn) -> bool:
    if turn.state.flow is None or turn.last_activity is None:
        return False
    return turn.now - turn.last_activity > timedelta(hours=turn.config.draft_ttl_hours)
