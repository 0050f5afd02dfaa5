"""Each pekon's completeness of a month: units expected, reports submitted, NIHIL and late, and the
month's state; for one month (the chat's notices, the jobs, the documents) or many at once (the
dashboard's grid), from one statement. models.mutasi re-exports it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from models.period import Baseline, MonthStatus, PekonMonth, ReportStatus, UnitReport
from models.region import Kecamatan, Pekon, Unit


@dataclass(frozen=True)
class PekonCompleteness:
    """How many units of a pekon submitted, reported NIHIL, or are missing; and the month's state."""

    pekon_kode: str
    pekon_nama: str
    kecamatan_kode: str
    units: int
    submitted: int
    nihil: int
    late: int
    closed: bool
    revision: int

    @property
    def missing(self) -> int:
        """Units with no report at all."""
        return self.units - self.submitted - self.nihil


@dataclass(frozen=True)
class KecamatanCompleteness:
    """The completeness of a kecamatan's pekon summed (a cell of the kabupaten's grid)."""

    kecamatan_kode: str
    units: int
    submitted: int
    nihil: int
    late: int
    closed: bool  # every pekon with units in the month has closed it


def existed_in(
    period: date | ColumnElement[date] | Mapped[date], starts: ColumnElement[Any] | None = None
) -> Any:
    """Units that existed in `period`: no baseline, or a baseline that starts by then (the one rule
    for "no month before a unit's start", used by every list of units of a month). `starts` is the
    unit's baseline period where the query joins it already (else a subquery reads it per unit)."""
    if starts is None:
        starts = select(Baseline.period).where(Baseline.unit_id == Unit.id).scalar_subquery()
    return or_(starts.is_(None), starts <= period)


async def pekon_completeness(
    session: AsyncSession,
    period: date,
    kecamatan_kode: str | None = None,
    *,
    kabupaten_kode: str | None = None,
) -> list[PekonCompleteness]:
    """Completeness of every pekon (of one kecamatan, of one kabupaten `PP.KK`, or all), in code order."""
    found = await pekon_completeness_months(session, [period], kecamatan_kode, kabupaten_kode=kabupaten_kode)
    return found[period]


async def pekon_completeness_months(
    session: AsyncSession,
    periods: Sequence[date],
    kecamatan_kode: str | None = None,
    *,
    kabupaten_kode: str | None = None,
) -> dict[date, list[PekonCompleteness]]:
    """pekon_completeness of each month in `periods`, in one statement (the dashboard's grid)."""
    out: dict[date, list[PekonCompleteness]] = {p: [] for p in periods}
    if not periods:
        return out
    stmt = _completeness_select(tuple(periods), _scope(kecamatan_kode, kabupaten_kode))
    for r in await session.execute(stmt):
        out[r.period].append(
            PekonCompleteness(
                pekon_kode=r.kode,
                pekon_nama=r.nama,
                kecamatan_kode=r.kecamatan_kode,
                units=int(r.units or 0),
                submitted=int(r.submitted or 0),
                nihil=int(r.nihil or 0),
                late=int(r.late or 0),
                closed=r.status == MonthStatus.CLOSED,
                revision=int(r.revision or 0),
            )
        )
    return out


async def kecamatan_completeness_months(
    session: AsyncSession, periods: Sequence[date], kabupaten_kode: str
) -> dict[date, list[KecamatanCompleteness]]:
    """pekon_completeness_months of a kabupaten's pekon summed per kecamatan, in the database (a
    kabupaten has up to ~900 pekon: 12 months of them are too many rows to sum in Python per page)."""
    out: dict[date, list[KecamatanCompleteness]] = {p: [] for p in periods}
    if not periods:
        return out
    pekon = _completeness_select(tuple(periods), _scope(None, kabupaten_kode)).order_by(None).subquery()
    units = func.coalesce(pekon.c.units, 0)
    still_open = and_(units > 0, or_(pekon.c.status.is_(None), pekon.c.status != MonthStatus.CLOSED))
    stmt = (
        select(
            pekon.c.period,
            pekon.c.kecamatan_kode,
            func.sum(units).label("units"),
            *(func.sum(func.coalesce(pekon.c[c], 0)).label(c) for c in ("submitted", "nihil", "late")),
            func.max(case((still_open, 1), else_=0)).label("open"),
        )
        .group_by(pekon.c.period, pekon.c.kecamatan_kode)
        .order_by(pekon.c.period, pekon.c.kecamatan_kode)
    )
    for r in await session.execute(stmt):
        counts = (int(r.units), int(r.submitted), int(r.nihil), int(r.late))
        out[r.period].append(KecamatanCompleteness(r.kecamatan_kode, *counts, closed=not r.open))
    return out


def _scope(kecamatan_kode: str | None, kabupaten_kode: str | None) -> ColumnElement[bool]:
    scope: ColumnElement[bool] = true()
    if kecamatan_kode is not None:
        scope = and_(scope, Pekon.kecamatan_kode == kecamatan_kode)
    if kabupaten_kode is not None:
        # through the kabupaten's kecamatan (a small table), so its pekon are found by index and
        # not by a LIKE over every pekon of the country
        prefix = Kecamatan.kode.startswith(f"{kabupaten_kode}.", autoescape=True)
        scope = and_(scope, Pekon.kecamatan_kode.in_(select(Kecamatan.kode).where(prefix)))
    return scope


def _months(periods: Sequence[date]) -> Any:
    """The months as a one-column table `period`, to join every pekon with every month."""
    rows = [select(literal(p, Date).label("period")) for p in periods]
    return (rows[0] if len(rows) == 1 else union_all(*rows)).subquery("months")


def _completeness_select(periods: Sequence[date], scope: ColumnElement[bool]) -> Select[Any]:
    """Per month and pekon in `scope` (a condition on Pekon): units, reports, the month's state."""
    months = _months(periods)
    in_scope = select(Pekon.kode).where(scope)
    # Each part is counted per (pekon, month) apart and read only for the scope's pekon (by index),
    # instead of one row per unit and month looked up in every table.
    units = (
        select(Unit.id, Unit.pekon_kode, Baseline.period.label("starts"))
        .outerjoin(Baseline, Baseline.unit_id == Unit.id)
        .where(Unit.pekon_kode.in_(in_scope))
        .subquery("units")
    )
    expected, reports = _expected(units, months), _reports(units, periods)
    state = (
        select(PekonMonth.pekon_kode, PekonMonth.period, PekonMonth.status, PekonMonth.revision)
        .where(PekonMonth.pekon_kode.in_(in_scope), PekonMonth.period.in_(periods))
        .subquery("month")
    )

    def at(part: Any) -> ColumnElement[bool]:
        return and_(part.c.pekon_kode == Pekon.kode, part.c.period == months.c.period)

    return (
        select(
            months.c.period,
            Pekon.kode,
            Pekon.nama,
            Pekon.kecamatan_kode,
            expected.c.units,
            reports.c.submitted,
            reports.c.nihil,
            reports.c.late,
            state.c.status,
            state.c.revision,
        )
        .select_from(Pekon)
        .join(months, true())
        .outerjoin(expected, at(expected))
        .outerjoin(reports, at(reports))
        .outerjoin(state, at(state))
        .where(scope)
        .order_by(months.c.period, Pekon.kode)
    )


def _expected(units: Any, months: Any) -> Any:
    """Units that existed, per pekon and month."""
    starts = (  # units of a pekon mostly start together: one row per start, not per unit
        select(units.c.pekon_kode, units.c.starts, func.count().label("n"))
        .group_by(units.c.pekon_kode, units.c.starts)
        .subquery("starts")
    )
    return (
        select(starts.c.pekon_kode, months.c.period, func.sum(starts.c.n).label("units"))
        .join(months, existed_in(months.c.period, starts.c.starts))
        .group_by(starts.c.pekon_kode, months.c.period)
        .subquery("expected")
    )


def _reports(units: Any, periods: Sequence[date]) -> Any:
    """Reports submitted, NIHIL and late, per pekon and month."""

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    r = UnitReport
    return (
        select(
            units.c.pekon_kode,
            r.period,
            count(r.status == ReportStatus.SUBMITTED).label("submitted"),
            count(r.status == ReportStatus.NIHIL).label("nihil"),
            count(r.late.is_(True)).label("late"),
        )
        .join(units, units.c.id == r.unit_id)
        .where(r.period.in_(periods), existed_in(r.period, units.c.starts))
        .group_by(units.c.pekon_kode, r.period)
        .subquery("reports")
    )
