"""Escalation: after the deadline the pekon staff get the late units with their pemangku's names,
and later the camat gets the completeness of every pekon of the kecamatan. Once per month each,
keyed in the outbox; both wait while the month is open and the quiet hours last."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import OutgoingMessage, TemplateRef
from handlers.texts import schedule_words
from jobs.context import JobContext, Schedule, day_label, month_label, recent_periods
from jobs.notify import send_to
from models.base import wib_date
from models.mutasi import (
    PekonCompleteness,
    members_with_role,
    pekon_completeness,
    unit_statuses,
)
from models.person import Role
from models.region import Kecamatan


def _due(schedule: Schedule, period: date, today: date, after_days: int) -> bool:
    deadline = schedule.deadline(period)
    return deadline + timedelta(days=after_days) <= today < schedule.close_day(period)


async def staff_message(
    session: AsyncSession, schedule: Schedule, pekon: PekonCompleteness, period: date
) -> OutgoingMessage | None:
    """The list of late units of a pekon with their pemangku, or None when nobody is late."""
    late = [u for u in await unit_statuses(session, pekon.pekon_kode, period) if u.status is None]
    if not late:
        return None
    nobody = schedule_words.ESCALATE_NO_PEMANGKU
    lines = [
        schedule_words.ESCALATE_STAFF_LINE.format(unit=u.nama, names=", ".join(u.pemangku) or nobody)
        for u in late
    ]
    text = schedule_words.ESCALATE_STAFF.format(
        bulan=month_label(period),
        village=schedule.village_word,
        pekon=pekon.pekon_nama,
        count=len(late),
        batas=day_label(schedule.deadline(period)),
        lines="\n".join(lines),
        tutup=day_label(schedule.close_day(period)),
    )
    return _notice(schedule, text, pekon.pekon_nama, period, "escalate_staff")


def camat_message(
    schedule: Schedule, kecamatan: str, pekons: list[PekonCompleteness], period: date
) -> OutgoingMessage:
    """The completeness of every pekon of a kecamatan."""
    lines = [
        schedule_words.ESCALATE_CAMAT_LINE.format(
            pekon=p.pekon_nama,
            done=p.submitted + p.nihil,
            units=p.units,
            submitted=p.submitted,
            nihil=p.nihil,
            missing=p.missing,
        )
        + (schedule_words.ESCALATE_CAMAT_CLOSED if p.closed else "")
        for p in pekons
    ]
    summary = schedule_words.ESCALATE_CAMAT_SUMMARY.format(
        complete=sum(1 for p in pekons if p.missing == 0), total=len(pekons), village=schedule.village_word
    )
    text = schedule_words.ESCALATE_CAMAT.format(
        bulan=month_label(period), kecamatan=kecamatan, lines="\n".join(lines), summary=summary
    )
    return _notice(schedule, text, kecamatan, period, "escalate_camat")


def _notice(schedule: Schedule, text: str, where: str, period: date, kind: str) -> OutgoingMessage:
    params = (where, month_label(period))
    return OutgoingMessage(
        text=text, template=TemplateRef(schedule.notice_template, params), extra={"kind": kind}
    )


async def _escalate_staff(session: AsyncSession, schedule: Schedule, period: date) -> int:
    queued = 0
    for pekon in await pekon_completeness(session, period):
        if pekon.closed or pekon.missing == 0:
            continue
        message = await staff_message(session, schedule, pekon, period)
        if message is None:
            continue
        key = f"escalate-staff:{pekon.pekon_kode}:{period:%Y-%m}"
        staff = await members_with_role(session, Role.STAFF, pekon_kode=pekon.pekon_kode)
        queued += await send_to(session, staff, message, key)
    return queued


async def _escalate_camat(session: AsyncSession, schedule: Schedule, period: date) -> int:
    by_kecamatan: dict[str, list[PekonCompleteness]] = defaultdict(list)
    for pekon in await pekon_completeness(session, period):
        if pekon.units:  # a pekon whose units start later is not reporting yet
            by_kecamatan[pekon.kecamatan_kode].append(pekon)
    queued = 0
    for kode, pekons in by_kecamatan.items():
        camats = await members_with_role(session, Role.CAMAT, kecamatan_kode=kode)
        kecamatan = await session.get(Kecamatan, kode)
        if not camats or kecamatan is None or all(p.closed for p in pekons):
            continue
        message = camat_message(schedule, kecamatan.nama, pekons, period)
        key = f"escalate-camat:{kode}:{period:%Y-%m}"
        queued += await send_to(session, camats, message, key)
    return queued


async def run_escalation(ctx: JobContext, now: datetime) -> int:
    """Queue the due escalations (staff, then camat) not yet sent; returns how many messages."""
    if ctx.schedule.quiet(now):
        return 0
    today, queued, schedule = wib_date(now), 0, ctx.schedule
    async with ctx.pass_session("escalation") as session:
        for period in recent_periods(now):
            if _due(schedule, period, today, schedule.escalate_staff_after_days):
                queued += await _escalate_staff(session, schedule, period)
            if _due(schedule, period, today, schedule.escalate_camat_after_days):
                queued += await _escalate_camat(session, schedule, period)
        await session.commit()
    return queued
