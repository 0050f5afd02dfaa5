"""The year: a unit's, pekon's, kecamatan's or kabupaten's annual recap, read from closed months only.

Nothing is recounted from the ledger: every figure is read from the frozen monthly snapshots that
the month's close wrote with the one B.3 statement (models.b3_statement), and only from the revision the
month is closed at now. The year's opening is each unit's opening in its first closed month of the
year (January, or its baseline month), its movements are the B.3 columns 10-25 summed over the
closed months, its closing is each unit's closing in its last closed month (December when the year is
complete). A year with a month not closed yet is provisional and says which months. One SELECT does
it for any scope, from one pekon to the whole country.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from models.b3_rows import AKHIR, AWAL, GROUPS, HEADS, MOVES
from models.period import Baseline, MonthStatus, PekonMonth, UnitSnapshot
from models.region import Kecamatan, Pekon, Unit

MONTHS = 12
FIRST_YEAR = 2000  # a unit without a baseline has existed since before any month of the books


class Level(StrEnum):
    """What the recap is of; its rows are one level below (a pekon's rows are its units)."""

    PEKON = "pekon"
    KECAMATAN = "kecamatan"
    KABUPATEN = "kabupaten"
    NASIONAL = "nasional"


@dataclass(frozen=True)
class YearRow:
    """One row of the year: opening, movements and closing (the B.3 names), KK by the head's sex."""

    kode: str
    nama: str
    figures: dict[str, int]  # AWAL (the year's opening), MOVES (summed), AKHIR (the year's closing)
    heads: dict[str, int | None]  # HEADS: awal_ = opening, akhir_ = closing; None when unknown
    months: int  # closed months counted
    unit_months_missing: int  # unit-months closed without a report ("tidak lapor")
    first: date | None = None  # the earliest closed month counted (January unless the books start later)

    def persons(self, side: str, sex: str) -> int:
        """Men (l) or women (p), WNA and WNI together, at the opening (awal) or closing (akhir)."""
        return self.figures[f"{side}_wna_{sex}"] + self.figures[f"{side}_wni_{sex}"]

    def jiwa(self, side: str) -> int:
        """Everybody at the opening or closing (B.3 columns 9 and 32)."""
        return self.figures[f"{side}_kk"] + self.figures[f"{side}_anggota"]

    def moved(self, kind: str) -> int:
        """The year's persons of one kind of movement."""
        return sum(self.figures[f"{kind}_{g}"] for g in GROUPS)


@dataclass(frozen=True)
class OpenMonth:
    """A month of the year not closed for `open` of the `expected` pekon of the scope."""

    period: date
    open: int
    expected: int


@dataclass(frozen=True)
class Missed:
    """A unit that did not report in closed months of the year (pekon level)."""

    nama: str
    periods: tuple[date, ...]


@dataclass(frozen=True)
class AnnualRecap:
    """The year of one place, with its rows, total and notes; `provisional` while a month is open."""

    level: Level
    kode: str
    nama: str
    year: int
    rows: list[YearRow]
    open_months: list[OpenMonth]
    missed: list[Missed] = field(default_factory=list)
    last_closed_at: datetime | None = None  # the latest close counted, for signing the documents

    @property
    def provisional(self) -> bool:
        """True while any month of the year is not closed in the whole scope."""
        return bool(self.open_months)

    @property
    def total(self) -> YearRow:
        """The sum of the rows (unknown KK-by-sex stays unknown)."""
        figures = {c: sum(r.figures[c] for r in self.rows) for c in AWAL + MOVES + AKHIR}
        heads: dict[str, int | None] = {}
        for name in HEADS:
            values = [r.heads[name] for r in self.rows]
            heads[name] = None if None in values else sum(v or 0 for v in values)
        months = max((r.months for r in self.rows), default=0)
        missing = sum(r.unit_months_missing for r in self.rows)
        first = min((r.first for r in self.rows if r.first is not None), default=None)
        return YearRow(self.kode, "JUMLAH", figures, heads, months, missing, first)


def _scope_pekon(level: Level, kode: str | None) -> Select[Any] | None:
    """The pekon codes of the scope (None: every pekon)."""
    if level == Level.NASIONAL or kode is None:
        return None
    if level == Level.PEKON:
        return select(Pekon.kode).where(Pekon.kode == kode)
    if level == Level.KECAMATAN:
        return select(Pekon.kode).where(Pekon.kecamatan_kode == kode)
    return select(Pekon.kode).join(Kecamatan).where(Kecamatan.kode.like(f"{kode}.%"))


def _row_key(level: Level, snaps: Any) -> ColumnElement[Any]:
    """What the rows are: units of a pekon, pekon of a kecamatan, kecamatan of a kabupaten or above."""
    column: ColumnElement[Any]
    if level == Level.PEKON:
        column = snaps.c.unit_id
    elif level == Level.KECAMATAN:
        column = snaps.c.pekon_kode
    else:
        return func.substr(snaps.c.pekon_kode, 1, 8)  # PP.KK.CC, the kecamatan
    return column


def year_select(year: int, level: Level, kode: str | None) -> Select[Any]:
    """One statement: a row per key with the year's opening, summed movements, closing and counts.

    A unit's first month of the year is its pekon's first closed month, or its baseline month when it
    joined the books later; its last is its pekon's last closed month (a unit has a snapshot in every
    month its pekon closed after it started). Knowing both from the small month table spares a window
    over every snapshot of the year (at national scale 4.5 million rows sorted on disk)."""
    snap, pm, base = UnitSnapshot.__table__, PekonMonth.__table__, Baseline.__table__
    in_year = and_(pm.c.period >= date(year, 1, 1), pm.c.period <= date(year, MONTHS, 1))
    # only the revision each month is closed at now; a reopened month counts as not closed
    months = select(pm.c.pekon_kode, pm.c.period, pm.c.revision).where(
        pm.c.status == MonthStatus.CLOSED, in_year
    )
    scope = _scope_pekon(level, kode)
    if scope is not None:
        months = months.where(pm.c.pekon_kode.in_(scope))
    closed = months.subquery("closed")
    bounds = (
        select(
            closed.c.pekon_kode,
            func.min(closed.c.period).label("first_p"),
            func.max(closed.c.period).label("last_p"),
            func.count().label("n_months"),
        )
        .group_by(closed.c.pekon_kode)
        .subquery("bounds")
    )
    unit_first = case(
        (and_(base.c.period.is_not(None), base.c.period > bounds.c.first_p), base.c.period),
        else_=bounds.c.first_p,
    )
    snaps = (
        select(snap, unit_first.label("first_p"), bounds.c.last_p, bounds.c.n_months)
        .join(
            closed,
            and_(
                closed.c.pekon_kode == snap.c.pekon_kode,
                closed.c.period == snap.c.period,
                closed.c.revision == snap.c.revision,
            ),
        )
        .join(bounds, bounds.c.pekon_kode == snap.c.pekon_kode)
        .outerjoin(base, base.c.unit_id == snap.c.unit_id)
        .subquery("snaps")
    )
    first, last = snaps.c.period == snaps.c.first_p, snaps.c.period == snaps.c.last_p

    def at(when: ColumnElement[bool], column: str) -> ColumnElement[Any]:
        return func.coalesce(func.sum(snaps.c[column]).filter(when), 0).label(column)

    def unknown(when: ColumnElement[bool], column: str) -> ColumnElement[Any]:
        return func.count().filter(and_(when, snaps.c[column].is_(None))).label(f"unknown_{column}")

    key = _row_key(level, snaps).label("key")
    heads = [(first if name.startswith("awal") else last, name) for name in HEADS]
    # a unit's months are its snapshots; a place's, the most any of its pekon closed
    counted = func.count() if level == Level.PEKON else func.max(snaps.c.n_months)
    return select(
        key,
        *(at(first, c) for c in AWAL),
        *(func.sum(snaps.c[c]).label(c) for c in MOVES),
        *(at(last, c) for c in AKHIR),
        *(at(when, name) for when, name in heads),
        *(unknown(when, name) for when, name in heads),
        counted.label("months"),
        func.min(snaps.c.period).label("first"),
        func.sum(case((snaps.c.keterangan.like("missing%"), 1), else_=0)).label("missing"),
    ).group_by(key)


def _year_row(row: Any, kode: str, nama: str) -> YearRow:
    figures = {c: int(getattr(row, c)) for c in AWAL + MOVES + AKHIR}
    heads = {name: None if getattr(row, f"unknown_{name}") else int(getattr(row, name)) for name in HEADS}
    first = row.first if isinstance(row.first, date) else date.fromisoformat(str(row.first))
    return YearRow(kode, nama, figures, heads, int(row.months), int(row.missing), first)


async def _names(session: AsyncSession, level: Level, keys: list[Any]) -> dict[Any, tuple[str, str, int]]:
    """(kode, nama, order) of each row key."""
    if level == Level.PEKON:
        units = await session.scalars(select(Unit).where(Unit.id.in_(keys)))
        return {u.id: (u.kode, u.nama, u.seq) for u in units}
    table: Any = Pekon if level == Level.KECAMATAN else Kecamatan
    found = await session.execute(select(table.kode, table.nama).where(table.kode.in_(keys)))
    return {k: (k, n, 0) for k, n in found.tuples()}


async def year_rows(session: AsyncSession, year: int, level: Level, kode: str | None) -> list[YearRow]:
    """The rows of the year, in the books' order (units by number, places by code)."""
    result = list(await session.execute(year_select(year, level, kode)))
    names: dict[Any, tuple[str, str, int]] = {}
    keys = [r.key for r in result]
    for start in range(0, len(keys), 5000):  # keep IN lists short
        names |= await _names(session, level, keys[start : start + 5000])
    rows = [(names.get(r.key, (str(r.key), str(r.key), 0)), r) for r in result]
    rows.sort(key=lambda item: (item[0][2], item[0][0]))
    return [_year_row(r, kode_, nama) for (kode_, nama, _), r in rows]


async def open_months(session: AsyncSession, year: int, level: Level, kode: str | None) -> list[OpenMonth]:
    """Months of the year not closed in every pekon of the scope that had started by then (a pekon
    starts with its earliest unit baseline; a month before it is no month of its books)."""
    starts = select(
        Unit.pekon_kode, func.min(func.coalesce(Baseline.period, date(FIRST_YEAR, 1, 1))).label("start")
    ).outerjoin(Baseline, Baseline.unit_id == Unit.id)
    scope = _scope_pekon(level, kode)
    if scope is not None:
        starts = starts.where(Unit.pekon_kode.in_(scope))
    started = starts.group_by(Unit.pekon_kode).subquery("started")
    counted = await session.execute(select(started.c.start, func.count()).group_by(started.c.start))
    begun = {start: int(n) for start, n in counted.tuples()}
    closed = await session.execute(
        select(PekonMonth.period, func.count())
        .join(started, started.c.pekon_kode == PekonMonth.pekon_kode)
        .where(PekonMonth.status == MonthStatus.CLOSED, PekonMonth.period >= started.c.start)
        .where(PekonMonth.period >= date(year, 1, 1), PekonMonth.period <= date(year, MONTHS, 1))
        .group_by(PekonMonth.period)
    )
    done = {period: int(n) for period, n in closed.tuples()}
    months = []
    for period in (date(year, m, 1) for m in range(1, MONTHS + 1)):
        expected = sum(n for start, n in begun.items() if start <= period)
        if done.get(period, 0) < expected:
            months.append(OpenMonth(period, expected - done.get(period, 0), expected))
    return months


async def missed_reports(session: AsyncSession, year: int, pekon_kode: str) -> list[Missed]:
    """Each unit of the pekon with the closed months of the year it did not report."""
    snap = UnitSnapshot.__table__
    rows = await session.execute(
        select(Unit.nama, snap.c.period)
        .join(Unit, Unit.id == snap.c.unit_id)
        .join(
            PekonMonth, and_(PekonMonth.pekon_kode == snap.c.pekon_kode, PekonMonth.period == snap.c.period)
        )
        .where(snap.c.pekon_kode == pekon_kode, snap.c.keterangan.like("missing%"))
        .where(PekonMonth.status == MonthStatus.CLOSED, PekonMonth.revision == snap.c.revision)
        .where(snap.c.period >= date(year, 1, 1), snap.c.period <= date(year, MONTHS, 1))
        .order_by(Unit.seq, snap.c.period)
    )
    missed: dict[str, list[date]] = {}
    for nama, period in rows.tuples():
        missed.setdefault(nama, []).append(period)
    return [Missed(nama, tuple(periods)) for nama, periods in missed.items()]


async def place_name(session: AsyncSession, level: Level, kode: str | None) -> str | None:
    """The name of the place the recap is of; None when it is not registered."""
    if level == Level.NASIONAL or kode is None:
        return "Indonesia"
    if level == Level.PEKON:
        pekon = await session.get(Pekon, kode)
        return pekon.nama if pekon else None
    if level == Level.KECAMATAN:
        kecamatan = await session.get(Kecamatan, kode)
        return kecamatan.nama if kecamatan else None
    found = await session.scalar(
        select(Kecamatan.kabupaten_nama).where(Kecamatan.kode.like(f"{kode}.%")).limit(1)
    )
    return str(found) if found else None


async def annual_recap(
    session: AsyncSession, year: int, level: Level, kode: str | None = None
) -> AnnualRecap:
    """The year of a place (a pekon, kecamatan or kabupaten code, or the nation); LookupError when the
    place is not registered. This is the one function chat, documents, CLI and pages call."""
    nama = await place_name(session, level, kode)
    if nama is None:
        raise LookupError(kode)
    rows = await year_rows(session, year, level, kode)
    missed = await missed_reports(session, year, kode) if level == Level.PEKON and kode else []
    scope = _scope_pekon(level, kode)
    last = select(func.max(PekonMonth.closed_at)).where(
        PekonMonth.status == MonthStatus.CLOSED,
        PekonMonth.period >= date(year, 1, 1),
        PekonMonth.period <= date(year, MONTHS, 1),
    )
    if scope is not None:
        last = last.where(PekonMonth.pekon_kode.in_(scope))
    return AnnualRecap(
        level=level,
        kode=kode or "",
        nama=nama,
        year=year,
        rows=rows,
        open_months=await open_months(session, year, level, kode),
        missed=missed,
        last_closed_at=await session.scalar(last),
    )
