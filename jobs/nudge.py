""" "Kirim pengingat" from the dashboard: remind the units of an open month that have not reported,
now, through the outbox and the reminder ladder's own message (jobs/reminders.py), so WhatsApp's
24-hour window is handled as for every reminder (its template outside the window) and the outbox
paces the sends. Never in the quiet hours, at most once per unit per WIB day (a ladder step sent
today counts), audited with the actor."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.context import Schedule
from jobs.notify import send_each
from jobs.reminders import latest_due_step, reminder_key, reminder_message
from models.audit import record_audit
from models.base import wib_date
from models.mutasi import MissingTarget, PekonCompleteness, UnitStatus, pekon_completeness, unit_statuses
from models.outbox import OutboxMessage
from models.person import Identity, Member, Role
from models.region import Pekon, Unit


class NudgeOutcome(StrEnum):
    """What happened to one unit (labelled in handlers/texts/dashboard_words.DASHBOARD_NUDGE)."""

    SENT = "sent"  # queued to the unit's pemangku now
    ALREADY_TODAY = "already_today"  # a reminder went to the unit today already
    REPORTED = "reported"  # the unit has reported meanwhile
    NO_PEMANGKU = "no_pemangku"  # no active pemangku with a reachable chat address
    QUIET_HOURS = "quiet_hours"  # nothing is sent in the quiet hours; try again later
    MONTH_CLOSED = "month_closed"  # the pekon's month is closed


@dataclass(frozen=True)
class NudgeResult:
    """One unit's outcome, for the page to show."""

    unit_id: int
    unit_kode: str
    unit_nama: str
    pekon_nama: str
    outcome: NudgeOutcome
    recipients: tuple[str, ...] = ()  # the pemangku reminded (names), when sent


async def send_reminders_now(
    session: AsyncSession,
    schedule: Schedule,
    *,
    period: date,
    actor_member_id: int | None,
    now: datetime,
    pekon_kode: str | None = None,
    kecamatan_kode: str | None = None,
    unit_ids: Collection[int] | None = None,
    channel: str = "web",
) -> list[NudgeResult]:
    """Remind the not-yet-reported units of `period` in the scope (a pekon or a kecamatan; only
    `unit_ids` when given, others in scope ignored); the caller commits. Units in unit order."""
    if (pekon_kode is None) == (kecamatan_kode is None):
        raise ValueError("one of pekon_kode and kecamatan_kode")
    if pekon_kode is not None:
        kecamatan_kode = await session.scalar(select(Pekon.kecamatan_kode).where(Pekon.kode == pekon_kode))
    results: list[NudgeResult] = []
    for pekon in await pekon_completeness(session, period, kecamatan_kode or ""):
        if pekon_kode is not None and pekon.pekon_kode != pekon_kode:
            continue
        for unit in await unit_statuses(session, pekon.pekon_kode, period):
            if unit_ids is not None and unit.unit_id not in unit_ids:
                continue
            if unit.status is not None and unit_ids is None:
                continue  # the page lists the units still to report; a chosen one is answered
            outcome, names = await _nudge(session, schedule, pekon, unit, period, now)
            record_audit(
                session,
                actor_member_id=actor_member_id,
                channel=channel,
                action="reminder.manual",
                entity="unit",
                entity_id=unit.unit_id,
                after={"period": f"{period:%Y-%m}", "outcome": outcome, "recipients": len(names)},
            )
            kode = await session.scalar(select(Unit.kode).where(Unit.id == unit.unit_id))
            results.append(NudgeResult(unit.unit_id, kode or "", unit.nama, pekon.pekon_nama, outcome, names))
    return results


async def _nudge(
    session: AsyncSession,
    schedule: Schedule,
    pekon: PekonCompleteness,
    unit: UnitStatus,
    period: date,
    now: datetime,
) -> tuple[NudgeOutcome, tuple[str, ...]]:
    """Queue the reminder to the unit's pemangku unless a rule says not now; what happened."""
    if unit.status is not None:
        return NudgeOutcome.REPORTED, ()
    if pekon.closed:
        return NudgeOutcome.MONTH_CLOSED, ()
    if schedule.quiet(now):
        return NudgeOutcome.QUIET_HOURS, ()
    members = await _reachable_pemangku(session, unit.unit_id)
    if not members:
        return NudgeOutcome.NO_PEMANGKU, ()
    today = wib_date(now)
    key = nudge_key(period, unit.unit_id, today)
    if await _reminded_today(session, schedule, period, today, key, [m for m, _ in members]):
        return NudgeOutcome.ALREADY_TODAY, ()
    offset = (today - schedule.deadline(period)).days
    items = [
        (
            member_id,
            reminder_message(
                schedule,
                MissingTarget(member_id, name, unit.unit_id, unit.nama, pekon.pekon_kode, pekon.pekon_nama),
                period,
                offset,
            ),
            key,
        )
        for member_id, name in members
    ]
    await send_each(session, items)
    return NudgeOutcome.SENT, tuple(name for _, name in members)


def nudge_key(period: date, unit_id: int, today: date) -> str:
    """The outbox key of a unit's manual reminder of a WIB day (identity appended by send_each)."""
    return f"nudge:{period:%Y-%m}:u{unit_id}:{today.isoformat()}"


async def _reachable_pemangku(session: AsyncSession, unit_id: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Member.id, Member.name)
        .join(Identity, Identity.member_id == Member.id)
        .where(
            Member.unit_id == unit_id,
            Member.role == Role.PEMANGKU,
            Member.active.is_(True),
            Identity.reachable.is_(True),
        )
        .distinct()
        .order_by(Member.id)
    )
    return [(member_id, name) for member_id, name in rows]


async def _reminded_today(
    session: AsyncSession, schedule: Schedule, period: date, today: date, key: str, members: list[int]
) -> bool:
    """A manual reminder today, or the ladder's step that falls due today, already queued."""
    prefixes = [f"{key}:"]
    step = latest_due_step(schedule, period, today)
    if step is not None and schedule.deadline(period) + timedelta(days=step) == today:
        prefixes += [f"{reminder_key(period, step)}:m{m}:" for m in members]
    found = await session.scalar(
        select(OutboxMessage.id)
        .where(or_(*(OutboxMessage.dedupe_key.startswith(p, autoescape=True) for p in prefixes)))
        .limit(1)
    )
    return found is not None
