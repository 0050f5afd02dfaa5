"""The dashboard's completeness grid and DHIS2 reporting rates, built on
models.completeness (the same counts the camat's chat notice shows).

A cell is one pekon's month (or one kecamatan's month in the kabupaten view). Counts are of
pemangku units that existed in the month (models.completeness.existed_in), so months before a pekon's
first period have no units and no cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import add_months, month_of
from models.completeness import (
    KecamatanCompleteness,
    PekonCompleteness,
    kecamatan_completeness_months,
    pekon_completeness_months,
)
from models.months import deadline_of
from models.region import Kecamatan


class CellStatus(StrEnum):
    """What a grid cell says (labelled in handlers/texts/dashboard_words.DASHBOARD_STATUS)."""

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

    def rates(self, period: date) -> tuple[ReportingRate, ...]:
        """The scope's rates for a month of the grid, then each row's (the kabupaten view's
        kecamatan; a kecamatan's own grid gives only its total): one computation with the cells."""
        total = ReportingRate.of(self.kode, self.nama, period, [r.cell(period) for r in self.rows])
        if self.level == "kecamatan":
            return (total,)
        return (total, *(ReportingRate.of(r.kode, r.nama, period, [r.cell(period)]) for r in self.rows))


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

    @classmethod
    def of(cls, kode: str, nama: str, period: date, cells: Sequence[Cell | None]) -> ReportingRate:
        """The rates of the cells summed (None: no unit existed, nothing expected)."""
        present = [c for c in cells if c is not None]
        received = sum(c.received for c in present)
        on_time = sum(c.on_time for c in present)
        return cls(kode, nama, period, sum(c.units for c in present), received, on_time)

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
Counts = PekonCompleteness | KecamatanCompleteness
C = TypeVar("C", PekonCompleteness, KecamatanCompleteness)


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
    kecamatan = await session.get(Kecamatan, kecamatan_kode)
    if kecamatan is None:
        raise LookupError(kecamatan_kode)
    periods = months_up_to(until, months)
    columns = list((await pekon_completeness_months(session, periods, kecamatan_kode)).values())
    rows = _rows(periods, columns, today, deadline_day, lambda c: (c.pekon_kode, c.pekon_nama))
    return Grid("kecamatan", kecamatan.kode, kecamatan.nama, periods, rows)


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
    names = await _kecamatan_names(session, kabupaten_kode)
    periods = months_up_to(until, months)
    found = await kecamatan_completeness_months(session, periods, kabupaten_kode)
    columns = list(found.values())
    rows = _rows(periods, columns, today, deadline_day, lambda c: (c.kecamatan_kode, names[c.kecamatan_kode]))
    return Grid("kabupaten", kabupaten_kode, await _kabupaten_name(session, kabupaten_kode), periods, rows)


async def kecamatan_rates(session: AsyncSession, kecamatan_kode: str, period: date) -> ReportingRate:
    """The kecamatan's reporting and on-time rates for a month (units as the reporting units)."""
    grid = await kecamatan_grid(session, kecamatan_kode, period, today=period, deadline_day=1, months=1)
    return grid.rates(period)[0]


async def kabupaten_rates(session: AsyncSession, kabupaten_kode: str, period: date) -> KabupatenRates:
    """The kabupaten's rates and each kecamatan's for a month."""
    grid = await kabupaten_grid(session, kabupaten_kode, period, today=period, deadline_day=1, months=1)
    total, *parts = grid.rates(period)
    return KabupatenRates(total, tuple(parts))


def months_up_to(until: date, months: int) -> tuple[date, ...]:
    """The `months` months ending with `until`'s, oldest first."""
    return tuple(add_months(month_of(until), -k) for k in range(months - 1, -1, -1))


def _rows(
    periods: tuple[date, ...],
    columns: Sequence[Sequence[C]],
    today: date,
    deadline_day: int,
    key: Callable[[C], tuple[str, str]],
) -> tuple[GridRow, ...]:
    """Group each month's counts by row (pekon, or kecamatan), one cell per month."""
    names: dict[str, str] = {}
    grouped: dict[str, list[list[C]]] = {}
    for index, column in enumerate(columns):
        for count in column:
            kode, nama = key(count)
            names[kode] = nama
            grouped.setdefault(kode, [[] for _ in periods])[index].append(count)
    return tuple(
        GridRow(
            kode,
            names[kode],
            tuple(_cell(p, c, today, deadline_day) for p, c in zip(periods, cells, strict=True)),
        )
        for kode, cells in sorted(grouped.items())
    )


def _cell(period: date, counts: Sequence[Counts], today: date, deadline_day: int) -> Cell | None:
    """The cell of summed counts; None when no unit existed in the month."""
    present = [c for c in counts if c.units]
    units = sum(c.units for c in present)
    if not units:
        return None
    submitted, nihil = sum(c.submitted for c in present), sum(c.nihil for c in present)
    late = sum(c.late for c in present)
    open_ = not all(c.closed for c in present)
    due = today > deadline_of(period, deadline_day)  # the rule submit_report marks `late` by
    if submitted + nihil < units:
        status = CellStatus.MISSING if due or not open_ else CellStatus.NOT_DUE
    else:
        status = CellStatus.LATE if late else CellStatus.ON_TIME if submitted else CellStatus.NIHIL
    return Cell(period, status, units, submitted, nihil, late, open_, due)


async def _kecamatan_names(session: AsyncSession, kabupaten_kode: str) -> dict[str, str]:
    rows = await session.execute(
        select(Kecamatan.kode, Kecamatan.nama)
        .where(Kecamatan.kode.startswith(f"{kabupaten_kode}.", autoescape=True))
        .order_by(Kecamatan.kode)
    )
    names = {kode: nama for kode, nama in rows}
    if not names:
        raise LookupError(kabupaten_kode)
    return names


async def _kabupaten_name(session: AsyncSession, kabupaten_kode: str) -> str:
    name = await session.scalar(
        select(Kecamatan.kabupaten_nama)
        .where(Kecamatan.kode.startswith(f"{kabupaten_kode}.", autoescape=True))
        .limit(1)
    )
    return name or kabupaten_kode
