"""The ledger lines behind one number of B.3 ("Angka dan nama"): for every movement column the
signed count of the lines equals the B.3 figure, because B.3 sums exactly these lines.

Names are personal data: the caller records the view with models.audit.record_audit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.b3_rows import GROUPS, KINDS, MOVES, B3Table
from models.event import Event, EventPerson
from models.mutasi import MutasiLine, mutasi_line
from models.recap import compute_b3
from models.recap_totals import pekon_totals
from models.region import Pekon, Unit

# The columns a number can be opened on: the 16 movement columns of B.3 ("lahir_wni_l"...), and
# the four kinds as a whole ("lahir" = columns 10-13), which the pages show as sub-totals.
NUMBER_COLUMNS = MOVES + tuple(str(k) for k in KINDS)


@dataclass(frozen=True, kw_only=True)
class NumberLine(MutasiLine):
    """A line of the books (sign -1 for a reversed line), with where it lies and when it was reported."""

    pekon_kode: str
    pekon_nama: str
    unit_kode: str
    reported_at: datetime  # tanggal lapor (UTC; show in WIB)


@dataclass(frozen=True)
class NumberRows:
    """A number of B.3 and the lines that make it."""

    period: date
    column: str
    kode: str  # the pekon's or the kecamatan's code
    unit_kode: str | None  # one unit's row of B.3, or None for the total row
    figure: int  # the number as B.3 shows it (snapshot when closed)
    lines: tuple[NumberLine, ...]

    @property
    def signed_count(self) -> int:
        """The lines counted with their signs: equals `figure`."""
        return sum(line.sign for line in self.lines)


def column_parts(column: str) -> tuple[str, tuple[str, ...]]:
    """A number column's kind and its citizenship_sex groups; ValueError for any other column."""
    if column not in NUMBER_COLUMNS:
        raise ValueError(column)
    kind, _, group = column.partition("_")
    return kind, (group,) if group else GROUPS


async def number_rows(
    session: AsyncSession,
    period: date,
    column: str,
    *,
    pekon_kode: str | None = None,
    kecamatan_kode: str | None = None,
    unit_kode: str | None = None,
) -> NumberRows:
    """The lines behind one B.3 number of a pekon (optionally one unit's row) or of the kecamatan
    roll-up (whose rows are pekon: open a pekon's row with its pekon_kode), oldest event first;
    exactly one of pekon_kode / kecamatan_kode, ValueError otherwise."""
    if (pekon_kode is None) == (kecamatan_kode is None):
        raise ValueError("one of pekon_kode and kecamatan_kode")
    if unit_kode is not None and pekon_kode is None:  # the roll-up's rows are pekon: open the pekon
        raise ValueError("unit_kode needs pekon_kode")
    column_parts(column)
    lines = await month_lines(session, period, pekon_kode=pekon_kode, kecamatan_kode=kecamatan_kode)
    if pekon_kode is not None:
        figure = b3_figure(await compute_b3(session, pekon_kode, period), column, unit_kode)
        return pick_rows(lines, period, column, pekon_kode, unit_kode, figure)
    assert kecamatan_kode is not None
    figure = totals_figure(await kecamatan_totals(session, kecamatan_kode, period), column)
    return pick_rows(lines, period, column, kecamatan_kode, None, figure)


async def month_lines(
    session: AsyncSession, period: date, *, pekon_kode: str | None = None, kecamatan_kode: str | None = None
) -> tuple[NumberLine, ...]:
    """Every line of the month of a pekon or of a kecamatan (every kind), oldest event first: one
    statement, from which pick_rows takes the lines of any number (a function of the ledger alone,
    so the pages keep it)."""
    scope = Pekon.kode == pekon_kode if pekon_kode is not None else Pekon.kecamatan_kode == kecamatan_kode
    return tuple(_line(row) for row in await session.execute(_lines_select(period).where(scope)))


def pick_rows(
    lines: tuple[NumberLine, ...], period: date, column: str, kode: str, unit_kode: str | None, figure: int
) -> NumberRows:
    """The lines of month_lines behind one number (a unit's row with unit_kode), with its figure."""
    kind, groups = column_parts(column)
    wanted = {(g[:3].upper(), g[4:].upper()) for g in groups}
    picked = tuple(
        line
        for line in lines
        if line.kind == kind
        and (str(line.citizenship), str(line.sex)) in wanted
        and (unit_kode is None or line.unit_kode == unit_kode)
    )
    return NumberRows(period, column, kode, unit_kode, figure, picked)


def b3_figure(table: B3Table, column: str, unit_kode: str | None) -> int:
    """A pekon's number as its B.3 shows it: a unit's row, or the total row."""
    kind, groups = column_parts(column)
    rows = [r for r in table.rows if r.unit_kode == unit_kode] if unit_kode else [table.total]
    return sum(r.figures[f"{kind}_{g}"] for r in rows for g in groups)


async def kecamatan_totals(
    session: AsyncSession, kecamatan_kode: str, period: date
) -> dict[str, dict[str, int]]:
    """Each pekon's B.3 total row of the kecamatan's month (as the roll-up document sums them)."""
    kodes = list(await session.scalars(select(Pekon.kode).where(Pekon.kecamatan_kode == kecamatan_kode)))
    return await pekon_totals(session, kodes, period)


def totals_figure(totals: dict[str, dict[str, int]], column: str) -> int:
    """The kecamatan roll-up's number: the sum of its pekon's totals."""
    kind, groups = column_parts(column)
    return sum(figures[f"{kind}_{g}"] for figures in totals.values() for g in groups)


def _lines_select(period: date) -> Select[Any]:
    ep = EventPerson
    original = Event.__table__.alias("original")
    return (
        select(Pekon.kode, Pekon.nama, Unit.kode, Unit.nama, ep, Event, original.c.receipt)
        .join(Event, Event.id == ep.event_id)
        .join(Unit, Unit.id == ep.unit_id)
        .join(Pekon, Pekon.kode == ep.pekon_kode)
        .outerjoin(original, original.c.id == Event.correction_of_id)
        .where(ep.period == period)
        .order_by(Event.event_date, Pekon.kode, Unit.seq, ep.id)
    )


def _line(row: Any) -> NumberLine:
    pekon_kode, pekon_nama, unit_kode, unit_nama, line, event, corrects = row
    shared = mutasi_line(unit_nama, line, event, corrects)
    return NumberLine(
        **{f.name: getattr(shared, f.name) for f in fields(MutasiLine)},
        pekon_kode=pekon_kode,
        pekon_nama=pekon_nama,
        unit_kode=unit_kode,
        reported_at=event.reported_at,
    )
