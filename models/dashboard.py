"""The dashboard's queries, in one place for the web layer (bot/web): the completeness grid and
rates, the rows behind a B.3 number, the pekon page and the trend. Each builds on the functions
the chat and the documents use (models.mutasi, models.recap, models.months), so a number on a page
is the number of the book. Scope is given as explicit codes; the caller checks who may see what."""

from __future__ import annotations

from models.dashboard_grid import (
    GRID_MONTHS,
    Cell,
    CellStatus,
    Grid,
    GridRow,
    KabupatenRates,
    ReportingRate,
    kabupaten_grid,
    kabupaten_rates,
    kecamatan_grid,
    kecamatan_rates,
)
from models.dashboard_pekon import (
    HistoryEntry,
    HistoryKind,
    LateUnit,
    PekonPage,
    Pemangku,
    UnitLine,
    UnitState,
    late_units,
    month_history,
    pekon_page,
    unit_lines,
    unit_reports,
)
from models.dashboard_rows import (
    NUMBER_COLUMNS,
    NumberLine,
    NumberRows,
    b3_figure,
    column_parts,
    kecamatan_totals,
    month_lines,
    number_rows,
    pick_rows,
    totals_figure,
)
from models.dashboard_trend import TREND_MONTHS, Trend, TrendPoint, TrendSeries, kecamatan_trend

__all__ = [
    "GRID_MONTHS",
    "NUMBER_COLUMNS",
    "TREND_MONTHS",
    "Cell",
    "CellStatus",
    "Grid",
    "GridRow",
    "HistoryEntry",
    "HistoryKind",
    "KabupatenRates",
    "LateUnit",
    "NumberLine",
    "NumberRows",
    "PekonPage",
    "Pemangku",
    "ReportingRate",
    "Trend",
    "TrendPoint",
    "TrendSeries",
    "UnitLine",
    "UnitState",
    "b3_figure",
    "column_parts",
    "kabupaten_grid",
    "kabupaten_rates",
    "kecamatan_grid",
    "kecamatan_rates",
    "kecamatan_totals",
    "kecamatan_trend",
    "late_units",
    "month_history",
    "month_lines",
    "number_rows",
    "pekon_page",
    "pick_rows",
    "totals_figure",
    "unit_lines",
    "unit_reports",
]
