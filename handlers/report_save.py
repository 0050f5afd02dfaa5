"""Saving a finished report draft to the ledger: a new event, or the correction of one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.messages import OutgoingMessage
from handlers.core import Turn
from handlers.fields import event_date, persons
from handlers.menu import menu
from handlers.show import show_month
from handlers.texts import report_words
from models.base import month_of
from models.event import Event, EventKind
from models.ledger import LedgerError, correct_event, record_event
from models.outbox import enqueue_for_member
from models.person import Member, Role
from models.region import Unit

MIN_REASON = 3


async def save_report(turn: Turn, reason: str | None = None) -> list[OutgoingMessage]:
    """Record the draft (or its correction, with a reason) and answer with the receipt.

    Raises LedgerError when the ledger refuses; the caller explains it.
    """
    member, data = turn.member, turn.state.data
    assert member is not None and member.unit is not None
    if data.get("fix") and (reason is None or len(reason.strip()) < MIN_REASON):
        return [OutgoingMessage(f"{report_words.REASON_TOO_SHORT}\n{report_words.CORRECTION_REASON}")]
    kind, values = data["kind"], data["v"]
    async with turn.session.begin_nested():  # a refusal leaves nothing behind
        event = await _record(turn, member, member.unit, kind, values, data.get("fix"), reason)
    turn.state.clear()
    lines = [_receipt_text(event, data.get("fix"))]
    if event.susulan and event.action == "report":
        lines.append(
            report_words.SAVED_SUSULAN.format(
                asli=show_month(month_of(event.event_date)), bulan=show_month(event.period)
            )
        )
    if event.after_submit:
        template = (
            report_words.SAVED_AFTER_SUBMIT_CORRECTION if data.get("fix") else report_words.SAVED_AFTER_SUBMIT
        )
        lines.append(template.format(bulan=show_month(event.period)))
        await _tell_staff(turn, member.unit, event)
    return [menu(member, "\n".join(lines))]


async def _record(
    turn: Turn,
    member: Member,
    unit: Unit,
    kind: str,
    values: dict[str, Any],
    fix: int | None,
    reason: str | None,
) -> Event:
    people = persons(kind, values)
    if fix is None:
        return await record_event(
            turn.session,
            unit=unit,
            kind=EventKind(kind),
            persons=people,
            event_date=event_date(values),
            reporter_id=member.id,
            channel=turn.message.channel,
            now=turn.now,
        )
    original = await turn.session.get(Event, fix)
    if original is None:
        raise LedgerError("wrong_unit")
    return await correct_event(
        turn.session,
        original=original,
        unit=unit,
        persons=people,
        reason=reason or "",
        actor_id=member.id,
        channel=turn.message.channel,
        event_date=event_date(values),
        now=turn.now,
    )


def _receipt_text(event: Event, fix: int | None) -> str:
    template = report_words.CORRECTED if fix else report_words.SAVED
    return template.format(
        kind=report_words.KIND_NAMES[event.kind], receipt=event.receipt, bulan=show_month(event.period)
    )


async def _tell_staff(turn: Turn, unit: Unit, event: Event) -> None:
    """Staff of the pekon learn of an event that came after the unit's monthly report."""
    staff = await turn.session.scalars(
        select(Member.id).where(
            Member.role == Role.STAFF, Member.pekon_kode == unit.pekon_kode, Member.active.is_(True)
        )
    )
    original = await turn.session.get(Event, event.correction_of_id) if event.correction_of_id else None
    template = report_words.STAFF_AFTER_SUBMIT_CORRECTION if original else report_words.STAFF_AFTER_SUBMIT
    text = template.format(
        unit=unit.nama,
        kind=report_words.KIND_NAMES[event.kind],
        receipt=event.receipt,
        original=original.receipt if original else "",
        bulan=show_month(event.period),
    )
    for member_id in staff:
        await enqueue_for_member(turn.session, member_id, OutgoingMessage(text).to_payload())
