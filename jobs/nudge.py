""" "Kirim pengingat" from the dashboard: remind the units of an open month that have not reported,
now, through the outbox and the reminder ladder's own message (jobs/reminders.py), so WhatsApp's
24-hour window is handled as for every reminder (its template outside the window) and the outbox
paces the sends. Never in the quiet hours, at most once per unit per WIB day (a ladder step sent
today counts), audited with the actor."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.context import Schedule


class NudgeOutcome(StrEnum):
    """What happened to one unit (labelled in handlers/texts.DASHBOARD_NUDGE)."""

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
    raise NotImplementedError
