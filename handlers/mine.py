"""Laporan Saya: the unit's entries in open months; correct or cancel one with a reason."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.messages import Choice, OutgoingMessage
from handlers.core import Turn
from handlers.fields import prefill
from handlers.keywords import parse_number
from handlers.menu import choices, menu, pick, said
from handlers.months import months_kind_counts, report_states, status_periods
from handlers.parsing import mask_free_text
from handlers.report_flow import start as start_report
from handlers.show import ledger_message, show_date, show_month
from handlers.texts import conversation_words, error_words, month_words, report_words
from models.audit import record_audit
from models.event import Action, Event
from models.ledger import LedgerError, correct_event
from models.months import latest_closed
from models.names import proper_name
from models.person import Member
from models.person_input import current_persons
from models.region import Unit

FLOW = "mine"
MAX_LISTED = 30
MAX_CHOICES = 10  # a list up to here (a WhatsApp list holds 10 rows); longer ones are typed by number
MIN_REASON = 3


def _unit(turn: Turn) -> tuple[Member, Unit]:
    member = turn.member
    assert member is not None and member.unit is not None
    return member, member.unit


async def standing_events(turn: Turn, unit: Unit) -> list[Event]:
    """The unit's events in open months that stand now (not replaced by a correction, not cancels)."""
    closed = await latest_closed(turn.session, unit.pekon_kode)
    newer = aliased(Event)
    stmt = (
        select(Event)
        .where(Event.unit_id == unit.id, Event.action != Action.CANCEL)
        .where(~select(newer.id).where(newer.correction_of_id == Event.id).exists())
        .order_by(Event.id.desc())
        .limit(MAX_LISTED)
    )
    if closed is not None:
        stmt = stmt.where(Event.period > closed)
    return list(await turn.session.scalars(stmt))


def _names(event: Event) -> str:
    return ", ".join(proper_name(p.name) for p in current_persons(event))


def _line(no: int, event: Event) -> str:
    return month_words.MINE_LINE.format(no=no, **_shown(event))


def _shown(event: Event) -> dict[str, str]:
    mark = month_words.MINE_CORRECTED if event.action == Action.CORRECT else ""
    mark += month_words.MINE_SUSULAN if event.susulan else ""
    return {
        "receipt": event.receipt,
        "kind": report_words.KIND_NAMES[event.kind],
        "names": _names(event),
        "tanggal": show_date(event.event_date),
        "mark": mark,
    }


def _row(event: Event) -> list[str]:
    """A choice of the list: a short title (a list row's title holds 24 characters), the rest after."""
    shown = _shown(event)
    return [month_words.MINE_ROW_TITLE.format(**shown), month_words.MINE_ROW_DETAIL.format(**shown)]


async def start_mine(turn: Turn) -> list[OutgoingMessage]:
    """List the unit's standing entries; the person picks one by number."""
    member, unit = _unit(turn)
    events = await standing_events(turn, unit)
    record_audit(
        turn.session,
        actor_member_id=member.id,
        channel=turn.message.channel,
        action="list.view",
        entity="unit",
        entity_id=unit.kode,
        after={"list": "laporan_saya", "rows": len(events)},
    )
    if not events:
        return [menu(member, month_words.MINE_EMPTY)]
    lines = [month_words.MINE_TITLE.format(unit=unit.nama), *(_line(n, e) for n, e in enumerate(events, 1))]
    rows = [_row(e) for e in events] if len(events) <= MAX_CHOICES else []
    turn.state.go(FLOW, "pick", ids=[e.id for e in events], text="\n".join(lines), rows=rows)
    return prompt(turn)


def prompt(turn: Turn) -> list[OutgoingMessage]:
    """The current question of this flow again."""
    data = turn.state.data
    if turn.state.step == "pick":
        rows = data.get("rows") or []
        offered = tuple(Choice(str(n), title, detail) for n, (title, detail) in enumerate(rows, 1))
        return [OutgoingMessage(f"{data['text']}\n\n{month_words.MINE_PICK}", offered)]
    if turn.state.step == "action":
        return [OutgoingMessage(data["what"], choices(month_words.MINE_ACTIONS))]
    return [OutgoingMessage(month_words.CANCEL_REASON)]


async def turn_in_mine(turn: Turn) -> list[OutgoingMessage]:
    """Pick an entry, choose correct or cancel, give the reason for a cancel."""
    member, unit = _unit(turn)
    if not turn.text and turn.message.choice_id is None:
        return prompt(turn)
    step = turn.state.step
    if said(turn, conversation_words.WORDS_BACK):
        return await (start_mine(turn) if step != "pick" else _to_menu(turn, member))
    if step == "pick":
        return await _picked(turn, turn.state.data["ids"])
    if step == "action":
        return await _action(turn)
    return await _cancel(turn, member, unit)


async def _to_menu(turn: Turn, member: Member) -> list[OutgoingMessage]:
    turn.state.clear()
    return [menu(member)]


async def _picked(turn: Turn, ids: Sequence[int]) -> list[OutgoingMessage]:
    number = parse_number(turn.message.choice_id or turn.text)  # "2", "dua"; "²" is a wrong answer
    if number is None or not 1 <= number <= len(ids):
        return [OutgoingMessage(error_words.ERRORS["choice"]), *prompt(turn)]
    event = await turn.session.get(Event, ids[number - 1])
    assert event is not None
    what = month_words.MINE_WHAT.format(
        receipt=event.receipt, kind=report_words.KIND_NAMES[event.kind], names=_names(event)
    )
    turn.state.go(FLOW, "action", event=event.id, what=what)
    return prompt(turn)


async def _action(turn: Turn) -> list[OutgoingMessage]:
    chosen = pick(turn, choices(month_words.MINE_ACTIONS))
    if chosen is None:
        return [OutgoingMessage(error_words.ERRORS["choice"]), *prompt(turn)]
    if chosen == "kembali":
        return await start_mine(turn)
    event = await turn.session.get(Event, turn.state.data["event"])
    assert event is not None
    if chosen == "koreksi":
        return await start_report(event.kind, prefill(event), fix=event.id)(turn)
    turn.state.step = "reason"
    return prompt(turn)


async def _cancel(turn: Turn, member: Member, unit: Unit) -> list[OutgoingMessage]:
    if len(turn.text) < MIN_REASON:
        return prompt(turn)
    original = await turn.session.get(Event, turn.state.data["event"])
    assert original is not None
    try:
        async with turn.session.begin_nested():
            cancel = await correct_event(
                turn.session,
                original=original,
                unit=unit,
                persons=None,
                reason=mask_free_text(turn.text),  # a NIK in a note is masked like in chat
                actor_id=member.id,
                channel=turn.message.channel,
                now=turn.now,
            )
    except LedgerError as exc:
        turn.state.clear()
        return [menu(member, ledger_message(exc, turn.config.village_word))]
    turn.state.clear()
    return [menu(member, month_words.CANCEL_DONE.format(receipt=original.receipt, cancel=cancel.receipt))]


async def pemangku_status(turn: Turn) -> list[OutgoingMessage]:
    """The unit's report state for the previous and the current month."""
    _, unit = _unit(turn)
    periods = await status_periods(turn.session, unit, turn.now)
    reports = await report_states(turn.session, unit.id, periods)
    counts = await months_kind_counts(turn.session, unit.id, periods) if periods else {}
    lines = [
        month_words.STATUS_PEMANGKU.format(
            bulan=show_month(period),
            unit=unit.nama,
            status=month_words.STATUS_WORDS[reports.get(period, "missing")],
            count=sum(counts[period].values()),
        )
        for period in periods
    ]
    return [OutgoingMessage("\n".join(lines) or month_words.STATUS_NOT_STARTED.format(unit=unit.nama))]
