"""Kirim Laporan Bulan Ini and Nihil: the month's counts, a confirmation, the unit's report."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.messages import OutgoingMessage
from handlers.core import Turn
from handlers.menu import choices, menu, pick
from handlers.months import kind_counts, reporting_period
from handlers.show import ledger_message, show_date, show_month
from handlers.texts import error_words, month_words, report_words
from models.base import WIB
from models.ledger import LedgerError, count_events, submit_report
from models.months import deadline_of
from models.period import ReportStatus, UnitReport
from models.person import Member
from models.region import Unit

FLOW = "monthly"


def _unit(turn: Turn) -> tuple[Member, Unit]:
    member = turn.member
    assert member is not None and member.unit is not None
    return member, member.unit


async def start_submit(turn: Turn) -> list[OutgoingMessage]:
    """Show the month's counts and ask to send them."""
    member, unit = _unit(turn)
    period = await reporting_period(turn.session, unit, turn.now)
    counts = await kind_counts(turn.session, unit.id, period)
    names = {"bulan": show_month(period), "unit": unit.nama}
    if not await count_events(turn.session, unit.id, period):
        return [menu(member, month_words.SUBMIT_EMPTY.format(**names))]
    lead = month_words.SUBMIT_SUMMARY.format(**names, **counts, village=turn.config.village_word)
    return await _ask(turn, unit, period, ReportStatus.SUBMITTED, lead)


async def start_nihil(turn: Turn) -> list[OutgoingMessage]:
    """Ask to confirm that nothing changed this month (refused when something was reported)."""
    member, unit = _unit(turn)
    period = await reporting_period(turn.session, unit, turn.now)
    names = {"bulan": show_month(period), "unit": unit.nama}
    count = await count_events(turn.session, unit.id, period)
    if count:
        return [menu(member, month_words.NIHIL_HAS_EVENTS.format(**names, count=count))]
    return await _ask(turn, unit, period, ReportStatus.NIHIL, month_words.NIHIL_CONFIRM.format(**names))


async def _ask(turn: Turn, unit: Unit, period: date, status: str, lead: str) -> list[OutgoingMessage]:
    earlier = await turn.session.scalar(
        select(UnitReport).where(UnitReport.unit_id == unit.id, UnitReport.period == period)
    )
    standing = None
    if earlier is not None:
        standing = {
            "bulan": show_month(period),
            "status": month_words.REPORT_STATUS_NAMES[earlier.status],
            "tanggal": show_date(earlier.submitted_at.astimezone(WIB).date()),
        }
        lead = f"{month_words.ALREADY_SUBMITTED.format(**standing)}\n\n{lead}"
    turn.state.go(FLOW, "confirm", period=period.isoformat(), status=status, lead=lead, standing=standing)
    return prompt(turn)


def prompt(turn: Turn) -> list[OutgoingMessage]:
    """The confirmation question again."""
    return [OutgoingMessage(turn.state.data["lead"], choices(month_words.CONFIRM_CHOICES))]


async def turn_in_monthly(turn: Turn) -> list[OutgoingMessage]:
    """Ya sends the report, Tidak leaves it unsent."""
    member, unit = _unit(turn)
    if not turn.text and turn.message.choice_id is None:
        return prompt(turn)
    chosen = pick(turn, choices(month_words.CONFIRM_CHOICES))
    if chosen is None:
        return [OutgoingMessage(error_words.ERRORS["yes_no"]), *prompt(turn)]
    data = dict(turn.state.data)
    turn.state.clear()
    if chosen == report_words.NO:  # a month sent before stays sent: say so, not "belum dikirim"
        standing = data.get("standing")
        return [
            menu(member, month_words.NOT_SENT_AGAIN.format(**standing) if standing else month_words.NOT_SENT)
        ]
    period, status = date.fromisoformat(data["period"]), ReportStatus(data["status"])
    try:
        async with turn.session.begin_nested():
            report = await submit_report(
                turn.session,
                unit=unit,
                period=period,
                status=status,
                member_id=member.id,
                channel=turn.message.channel,
                deadline_day=turn.config.deadline_day,
                now=turn.now,
            )
    except LedgerError as exc:
        return [menu(member, ledger_message(exc, turn.config.village_word))]
    template = month_words.SUBMITTED_NIHIL if status == ReportStatus.NIHIL else month_words.SUBMITTED
    lines = [template.format(bulan=show_month(period), unit=unit.nama)]
    if report.late:
        lines.append(
            month_words.SUBMITTED_LATE.format(batas=show_date(deadline_of(period, turn.config.deadline_day)))
        )
    return [menu(member, "\n".join(lines))]
