"""The pekon page's data: units with their pemangku and channels, each unit's report for a month,
the month's B.3 (models.recap.compute_b3) and the month's history (closes, reopens, revisions).

Names are personal data: the caller records the view with models.audit.record_audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from models.recap import B3Table


class UnitState(StrEnum):
    """A unit's monthly report (labelled in handlers/texts.DASHBOARD_UNIT_STATE)."""

    SUBMITTED = "submitted"
    NIHIL = "nihil"
    MISSING = "missing"


@dataclass(frozen=True)
class Pemangku:
    """A unit's active pemangku and the channels they can be reached on."""

    member_id: int
    name: str
    channels: tuple[str, ...]  # models.person.Channel values, reachable identities only


@dataclass(frozen=True)
class UnitLine:
    """One unit of the pekon for the month."""

    unit_id: int
    kode: str
    seq: int
    nama: str
    state: UnitState
    late: bool  # reported after the deadline
    reported_at: datetime | None  # the monthly report (kirim / NIHIL), UTC
    last_event_at: datetime | None  # the latest event counted in the month, UTC
    events: int  # events (reports and corrections) counted in the month
    pemangku: tuple[Pemangku, ...]

    @property
    def last_report_at(self) -> datetime | None:
        """The unit's latest sign of life for the month: its report or its latest event."""
        stamps = [t for t in (self.reported_at, self.last_event_at) if t is not None]
        return max(stamps) if stamps else None


class HistoryKind(StrEnum):
    """A step of a month's history (labelled in handlers/texts.DASHBOARD_HISTORY)."""

    CLOSED = "closed"
    REOPENED = "reopened"


@dataclass(frozen=True)
class HistoryEntry:
    """A close (with the revision it made) or a reopen (with its reason), oldest first."""

    kind: HistoryKind
    at: datetime  # UTC
    revision: int  # the revision closed, or the revision reopened
    actor_name: str | None  # None: the schedule (closes), or unknown
    reason: str | None = None


@dataclass(frozen=True)
class PekonPage:
    """Everything the pekon page shows for one month."""

    pekon_kode: str
    pekon_nama: str
    kecamatan_kode: str
    kecamatan_nama: str
    period: date
    deadline: date
    closed: bool
    revision: int
    units: tuple[UnitLine, ...]
    b3: B3Table
    history: tuple[HistoryEntry, ...]


async def pekon_page(session: AsyncSession, pekon_kode: str, period: date, *, deadline_day: int) -> PekonPage:
    """The pekon page's data; LookupError for an unknown pekon."""
    raise NotImplementedError
