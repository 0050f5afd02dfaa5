"""What every pass needs, handed in by the runtime: sessions, the schedule, and WIB calendar helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.base import WIB, add_months, month_of, wib_date
from models.locks import hold_lock
from models.months import deadline_of


@dataclass(frozen=True)
class Schedule:
    """The monthly routine's settings (filled from bot.config.Settings by the runtime)."""

    deadline_day: int = 5
    reminder_offsets_days: tuple[int, ...] = (-3, -1, 0, 1, 3)
    escalate_staff_after_days: int = 1
    escalate_camat_after_days: int = 3
    close_after_deadline_days: int = 7
    quiet_hours_start: int = 21
    quiet_hours_end: int = 7
    reminder_template: str = "pengingat_laporan"
    notice_template: str = "pemberitahuan_rekap"
    village_word: str = "pekon"
    timezone: str = "Asia/Jakarta"
    retention_days: int = 30  # the retention pass blanks done messages this old (jobs/retention.py)
    draft_ttl_hours: int = 48  # and blanks drafts left this long (the chat then says they expired)

    def deadline(self, period: date) -> date:
        """The last day to report `period`."""
        return deadline_of(period, self.deadline_day)

    def close_day(self, period: date) -> date:
        """The day `period` closes by itself."""
        return self.deadline(period) + timedelta(days=self.close_after_deadline_days)

    def quiet(self, now: datetime) -> bool:
        """Whether `now` is in the quiet hours (WIB), when nobody is messaged."""
        hour = now.astimezone(WIB).hour
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start == end:
            return False
        return start <= hour < end if start < end else hour >= start or hour < end


@dataclass(frozen=True)
class JobContext:
    """A pass's dependencies: a session factory and the schedule."""

    sessionmaker: async_sessionmaker[AsyncSession]
    schedule: Schedule

    @asynccontextmanager
    async def pass_session(self, name: str) -> AsyncIterator[AsyncSession]:
        """A session whose transaction holds the pass's lock: the same pass started elsewhere (the
        scheduler of another process, `pemangku jobs run`) waits, then finds its work done."""
        async with self.sessionmaker() as session:
            await hold_lock(session, f"pass:{name}")
            yield session


def recent_periods(now: datetime, back: int = 3) -> list[date]:
    """The current WIB month and the `back` months before it, oldest first."""
    this = month_of(wib_date(now))
    return [add_months(this, -k) for k in range(back, -1, -1)]


def month_label(period: date) -> str:
    """A month in Indonesian, e.g. "November 2026"."""
    return str(format_date(period, "MMMM y", locale="id"))


def day_label(day: date) -> str:
    """A date in Indonesian, e.g. "5 Desember 2026"."""
    return str(format_date(day, "d MMMM y", locale="id"))
