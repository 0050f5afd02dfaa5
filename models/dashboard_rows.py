"""The ledger lines behind one number of B.3 ("Angka dan nama"): for every movement column the
signed count of the lines equals the B.3 figure, because B.3 sums exactly these lines.

Names are personal data: the caller records the view with models.audit.record_audit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.event import Event, EventPerson
from models.mutasi import MutasiLine, mutasi_line
from models.recap import GROUPS, KINDS, MOVES, compute_b3, pekon_totals
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
    kind, groups = column_parts(column)
    scope = Pekon.kode == pekon_kode if pekon_kode is not None else Pekon.kecamatan_kode == kecamatan_kode
    stmt = _lines_select(period, kind, groups).where(scope)
    if unit_kode is not None:
        stmt = stmt.where(Unit.kode == unit_kode)
    lines = tuple(_line(row) for row in await session.execute(stmt))
    kode = pekon_kode if pekon_kode is not None else kecamatan_kode
    assert kode is not None
    figure = await _figure(session, period, kind, groups, pekon_kode, kecamatan_kode, unit_kode)
    return NumberRows(period, column, kode, unit_kode, figure, lines)


def _lines_select(period: date, kind: str, groups: tuple[str, ...]) -> Select[Any]:
    ep = EventPerson
    original = Event.__table__.alias("original")
    group_match = or_(*(and_(ep.citizenship == g[:3].upper(), ep.sex == g[4:].upper()) for g in groups))
    return (
        select(Pekon.kode, Pekon.nama, Unit.kode, Unit.nama, ep, Event, original.c.receipt)
        .join(Event, Event.id == ep.event_id)
        .join(Unit, Unit.id == ep.unit_id)
        .join(Pekon, Pekon.kode == ep.pekon_kode)
        .outerjoin(original, original.c.id == Event.correction_of_id)
        .where(ep.period == period, ep.kind == kind, group_match)
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


async def _figure(
    session: AsyncSession,
    period: date,
    kind: str,
    groups: tuple[str, ...],
    pekon_kode: str | None,
    kecamatan_kode: str | None,
    unit_kode: str | None,
) -> int:
    """The number as the book shows it: a unit's row or the pekon's total of compute_b3, or the
    sum of the pekon totals for the kecamatan roll-up (as the roll-up document sums them)."""
    columns = [f"{kind}_{g}" for g in groups]
    if pekon_kode is not None:
        table = await compute_b3(session, pekon_kode, period)
        rows = [r for r in table.rows if r.unit_kode == unit_kode] if unit_kode else [table.total]
        return sum(r.figures[c] for r in rows for c in columns)
    kodes = list(await session.scalars(select(Pekon.kode).where(Pekon.kecamatan_kode == kecamatan_kode)))
    totals = await pekon_totals(session, kodes, period)
    return sum(figures[c] for figures in totals.values() for c in columns)
