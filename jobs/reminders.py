"""Reminders on the ladder to every pemangku whose unit has not reported a month that is still open.

Each step is due from 00:00 WIB of its day (deadline + offset) and sent outside the quiet hours.
A pass sends only the latest due step of a month, keyed per person and step in the outbox, so a
second run sends nothing and a pass after days of downtime sends one message, not the missed ones.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.messages import Choice, OutgoingMessage, TemplateRef
from handlers.texts import schedule_words
from jobs.context import JobContext, Schedule, day_label, month_label, recent_periods
from jobs.notify import send_each
from models.base import wib_date
from models.mutasi import MissingTarget, missing_targets

KIRIM_CHOICE = "kirim"  # the pemangku menu's ids (handlers/conversation_words.MENU_PEMANGKU)
NIHIL_CHOICE = "nihil"


def latest_due_step(schedule: Schedule, period: date, today: date) -> int | None:
    """The offset of the latest reminder step due by `today`, while the month is not yet due to close."""
    deadline = schedule.deadline(period)
    if today >= schedule.close_day(period):
        return None
    due = [o for o in schedule.reminder_offsets_days if (today - deadline).days >= o]
    return max(due) if due else None


def reminder_message(schedule: Schedule, target: MissingTarget, period: date, offset: int) -> OutgoingMessage:
    """The reminder of one step: what is missing, by when, and the one-tap answers."""
    deadline = schedule.deadline(period)
    values = {
        "name": target.member_name,
        "unit": target.unit_nama,
        "bulan": month_label(period),
        "batas": day_label(deadline),
        "days": abs(offset),
    }
    template = (
        schedule_words.REMINDER_BEFORE
        if offset < 0
        else schedule_words.REMINDER_TODAY
        if offset == 0
        else schedule_words.REMINDER_LATE
    )
    return OutgoingMessage(
        text=template.format(**values),
        choices=(
            Choice(KIRIM_CHOICE, schedule_words.REMINDER_CHOICE_KIRIM),
            Choice(NIHIL_CHOICE, schedule_words.REMINDER_CHOICE_NIHIL),
        ),
        template=TemplateRef(
            schedule.reminder_template, (target.member_name, target.unit_nama, month_label(period))
        ),
        extra={"kind": "reminder", "period": f"{period:%Y-%m}", "step": offset},
    )


def reminder_key(period: date, offset: int) -> str:
    """The outbox key (per person, identity appended) that records "this step went to this person"."""
    return f"remind:{period:%Y-%m}:{offset:+d}"


async def run_reminders(ctx: JobContext, now: datetime) -> int:
    """Queue the due reminder step of every open month to each missing pemangku; returns how many."""
    if ctx.schedule.quiet(now):
        return 0
    today, queued = wib_date(now), 0
    async with ctx.pass_session("reminders") as session:
        for period in recent_periods(now):
            offset = latest_due_step(ctx.schedule, period, today)
            if offset is None:
                continue
            items = [
                (t.member_id, reminder_message(ctx.schedule, t, period, offset), reminder_key(period, offset))
                for t in await missing_targets(session, period)
            ]
            queued += await send_each(session, items)
        await session.commit()
    return queued
