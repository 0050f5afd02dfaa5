"""The dashboard's completeness grid and DHIS2 reporting rates, built on models.mutasi's
pekon_completeness (the same counts the camat's chat notice shows).

A cell is one pekon's month (or one kecamatan's month in the kabupaten view). Counts are of
pemangku units that existed in the month (models.mutasi.existed_in), so months before a pekon's
first period have no units and no cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession


class CellStatus(StrEnum):
    """What a grid cell says (labelled in handlers/texts.DASHBOARD_STATUS)."""

    ON_TIME = "on_time"  # every unit reported (some with events), none after the deadline
    LATE = "late"  # every unit reported, at least one after the deadline
    NIHIL = "nihil"  # every unit reported NIHIL, none late
    MISSING = "missing"  # the deadline passed (or the month closed) with units not reported
    NOT_DUE = "not_due"  # units still to report, and the deadline has not passed yet


@dataclass(frozen=True)
class Cell:
    """One month of one row: unit counts and the status they make."""

    period: date
    status: CellStatus
    units: int  # expected reports: units that existed in the month
    submitted: int
    nihil: int
    late: int  # reports received after the deadline
    open: bool  # the month is still open (some pekon not closed): show "done of units so far"
    due: bool  # the reporting deadline has passed

    @property
    def received(self) -> int:
        """Reports received (submitted or NIHIL)."""
        return self.submitted + self.nihil

    @property
    def missing(self) -> int:
        """Units with no report at all."""
        return self.units - self.received

    @property
    def on_time(self) -> int:
        """Reports received by the deadline."""
        return self.received - self.late


@dataclass(frozen=True)
class GridRow:
    """A pekon (kecamatan view) or a kecamatan (kabupaten view) across the grid's months."""

    kode: str
    nama: str
    cells: tuple[Cell | None, ...]  # one per Grid.months; None before the row's first month

    def cell(self, period: date) -> Cell | None:
        """The row's cell for a month of the grid (None when absent or not in the grid)."""
        return next((c for c in self.cells if c is not None and c.period == period), None)


@dataclass(frozen=True)
class Grid:
    """The completeness grid of a kecamatan (rows: pekon) or a kabupaten (rows: kecamatan)."""

    level: str  # "kecamatan" | "kabupaten": what the scope is
    kode: str
    nama: str
    months: tuple[date, ...]  # oldest first, the last one is `until`
    rows: tuple[GridRow, ...]

    def not_reported(self, period: date) -> tuple[GridRow, ...]:
        """The filter "belum lapor saja": rows with units still missing in `period`."""
        return tuple(r for r in self.rows if (c := r.cell(period)) is not None and c.missing > 0)


@dataclass(frozen=True)
class ReportingRate:
    """DHIS2's reporting rate (received / expected) and on-time rate (received by the deadline
    / expected) of one scope for one month; both None when nothing was expected."""

    kode: str
    nama: str
    period: date
    expected: int
    received: int
    on_time: int

    @property
    def rate(self) -> float | None:
        """Reporting rate, 0..1."""
        return self.received / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        """On-time rate, 0..1."""
        return self.on_time / self.expected if self.expected else None


@dataclass(frozen=True)
class KabupatenRates:
    """The kabupaten's rates and those of each of its kecamatan (code order)."""

    total: ReportingRate
    kecamatan: tuple[ReportingRate, ...]


GRID_MONTHS = 12


async def kecamatan_grid(
    session: AsyncSession,
    kecamatan_kode: str,
    until: date,
    *,
    today: date,
    deadline_day: int,
    months: int = GRID_MONTHS,
) -> Grid:
    """Pekon down, the `months` months up to `until` across (today decides what is due)."""
    raise NotImplementedError


async def kabupaten_grid(
    session: AsyncSession,
    kabupaten_kode: str,
    until: date,
    *,
    today: date,
    deadline_day: int,
    months: int = GRID_MONTHS,
) -> Grid:
    """Kecamatan down (code `PP.KK`, e.g. "18.04"), each cell the sum of its pekon."""
    raise NotImplementedError


async def kecamatan_rates(session: AsyncSession, kecamatan_kode: str, period: date) -> ReportingRate:
    """The kecamatan's reporting and on-time rates for a month (units as the reporting units)."""
    raise NotImplementedError


async def kabupaten_rates(session: AsyncSession, kabupaten_kode: str, period: date) -> KabupatenRates:
    """The kabupaten's rates and each kecamatan's for a month."""
    raise NotImplementedError
