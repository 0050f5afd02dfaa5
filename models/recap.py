"""Book B.3 of a pekon for a month, read as the chat, the pages and the documents all read it: a closed
month from its snapshots (never recomputed), an open one from the live statement (models/b3_statement.py),
so there is exactly one code path for every number."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.b3_rows import FIGURES, HEADS, B3Row, B3Table
from models.b3_statement import PEKON_KODES, scoped_b3_select
from models.period import MonthStatus, PekonMonth, UnitSnapshot
from models.region import Unit


def _heads(row: Any) -> dict[str, int | None]:
    values = {name: getattr(row, name) for name in HEADS}
    return {name: None if v is None else int(v) for name, v in values.items()}


async def month_state(session: AsyncSession, pekon_kode: str, period: date) -> PekonMonth | None:
    """The pekon's month row, if anything happened in that month."""
    month: PekonMonth | None = await session.scalar(
        select(PekonMonth).where(PekonMonth.pekon_kode == pekon_kode, PekonMonth.period == period)
    )
    return month


async def compute_b3(session: AsyncSession, pekon_kode: str, period: date) -> B3Table:
    """B.3 of a pekon for a month: frozen snapshots when closed, the live statement when open."""
    return (await compute_b3_many(session, [pekon_kode], period))[pekon_kode]


async def compute_b3_many(
    session: AsyncSession, pekon_kodes: Sequence[str], period: date
) -> dict[str, B3Table]:
    """compute_b3 of several pekon in four statements, however many: their month rows, their units,
    the snapshots of those closed (one join) and the live statement for those still open."""
    kodes = list(dict.fromkeys(pekon_kodes))
    if not kodes:
        return {}
    states = {
        m.pekon_kode: m
        for m in await session.scalars(
            select(PekonMonth).where(PekonMonth.pekon_kode.in_(kodes), PekonMonth.period == period)
        )
    }
    units = {u.id: u for u in await session.execute(_UNITS, {PEKON_KODES: kodes})}
    closed = [k for k in kodes if k in states and states[k].status == MonthStatus.CLOSED]
    found = await _closed_rows(session, closed, period) if closed else []
    still_open = [k for k in kodes if k not in closed]
    if still_open:
        result = await session.execute(scoped_b3_select(period), {PEKON_KODES: still_open})
        found += [
            (r.unit_id, {c: int(getattr(r, c)) for c in FIGURES}, r.keterangan, _heads(r)) for r in result
        ]
    found.sort(key=lambda item: units[item[0]].seq)
    by_pekon: dict[str, list[_Found]] = {k: [] for k in kodes}
    for item in found:
        by_pekon[units[item[0]].pekon_kode].append(item)
    return {k: _table(k, period, states.get(k), by_pekon[k], units) for k in kodes}


_Found = tuple[int, dict[str, int], str, dict[str, int | None]]  # unit id, FIGURES, keterangan, HEADS
# columns, not entities: loading a Unit joins its pekon and kecamatan, which a B.3 never reads
_UNITS = select(Unit.id, Unit.kode, Unit.nama, Unit.seq, Unit.pekon_kode).where(
    Unit.pekon_kode.in_(bindparam(PEKON_KODES, expanding=True))
)
_UnitRow = Row[tuple[int, str, str, int, str]]


async def _closed_rows(session: AsyncSession, pekon_kodes: list[str], period: date) -> list[_Found]:
    """The snapshots of the closed months' current revisions."""
    snaps = await session.execute(
        select(UnitSnapshot.__table__)
        .join(
            PekonMonth,
            and_(
                PekonMonth.pekon_kode == UnitSnapshot.pekon_kode,
                PekonMonth.period == UnitSnapshot.period,
                PekonMonth.revision == UnitSnapshot.revision,
            ),
        )
        .where(UnitSnapshot.pekon_kode.in_(pekon_kodes), UnitSnapshot.period == period)
    )
    return [(s.unit_id, {c: getattr(s, c) for c in FIGURES}, s.keterangan, _heads(s)) for s in snaps]


def _table(
    pekon_kode: str, period: date, state: PekonMonth | None, found: list[_Found], units: dict[int, _UnitRow]
) -> B3Table:
    rows = [
        B3Row(
            no=i,
            unit_kode=units[uid].kode,
            nama=units[uid].nama,
            figures=figs,
            keterangan=tuple(k for k in ket.split(",") if k),
            heads=heads,
        )
        for i, (uid, figs, ket, heads) in enumerate(found, start=1)
    ]
    closed = state is not None and state.status == MonthStatus.CLOSED
    return B3Table(pekon_kode, period, closed, state.revision if state else 0, rows)
