"""Everything a pekon's monthly documents show, loaded once from the ledger (B.3 from compute_b3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.b3_rows import B3Table
from models.base import wib_date
from models.mutasi import (
    MutasiLine,
    Note,
    PekonCompleteness,
    UnitStatus,
    b2_lines,
    birth_lines,
    month_notes,
    mutasi_lines,
    pekon_completeness,
    unit_statuses,
)
from models.period import PekonMonth
from models.recap import compute_b3, compute_b3_many, month_state
from models.region import Kecamatan, Pekon


@dataclass(frozen=True)
class Place:
    """Where a document is about, named for its heading."""

    village_word: str
    pekon: str
    kecamatan: str
    kabupaten: str
    kode: str = ""  # the pekon's code, or the kecamatan's for a roll-up


@dataclass(frozen=True)
class RecapData:
    """A pekon's month: B.3, B.2 rows, births, completeness and notes, and when it was closed."""

    place: Place
    table: B3Table
    closed_at: datetime | None
    b2: list[MutasiLine]
    births: list[MutasiLine]
    statuses: list[UnitStatus]
    notes: list[Note]
    signed_on: date

    @property
    def period(self) -> date:
        """The month (first day)."""
        return self.table.period


@dataclass(frozen=True)
class RollupData:
    """Every pekon of a kecamatan in one table: completeness and the B.3 totals."""

    place: Place
    period: date
    pekons: list[PekonCompleteness]
    totals: list[B3Table]
    signed_on: date


async def _place(
    session: AsyncSession, kecamatan_kode: str, pekon: str, village_word: str, kode: str
) -> Place:
    kecamatan = await session.get(Kecamatan, kecamatan_kode)
    assert kecamatan is not None
    return Place(village_word, pekon, kecamatan.nama, kecamatan.kabupaten_nama, kode)


async def load_recap(
    session: AsyncSession, pekon_kode: str, period: date, *, today: date, village_word: str = "pekon"
) -> RecapData:
    """The documents' data; a closed month is signed on its closing day, an open one on `today`."""
    pekon = await session.get(Pekon, pekon_kode)
    if pekon is None:
        raise LookupError(pekon_kode)
    table = await compute_b3(session, pekon_kode, period)
    state = await month_state(session, pekon_kode, period)
    closed_at = state.closed_at if table.closed and state is not None else None
    lines = await mutasi_lines(session, pekon_kode, period)
    return RecapData(
        place=await _place(session, pekon.kecamatan_kode, pekon.nama, village_word, pekon.kode),
        table=table,
        closed_at=closed_at,
        b2=b2_lines(lines),
        births=birth_lines(lines),
        statuses=await unit_statuses(session, pekon_kode, period),
        notes=await month_notes(session, pekon_kode, period),
        signed_on=wib_date(closed_at) if closed_at else today,
    )


async def load_rollup(
    session: AsyncSession,
    kecamatan_kode: str,
    period: date,
    *,
    today: date,
    village_word: str = "pekon",
    known: Mapping[str, B3Table] | None = None,
) -> RollupData:
    """Every pekon of the kecamatan that has units in the month (B.3 tables in `known` are reused);
    signed on the latest closing day when all are closed. A pekon without units has no book to
    close, so it is left out of the table and of the count in the camat's notice alike."""
    pekons = [p for p in await pekon_completeness(session, period, kecamatan_kode) if p.units]
    known = known or {}
    computed = await compute_b3_many(
        session, [p.pekon_kode for p in pekons if p.pekon_kode not in known], period
    )
    tables = [known.get(p.pekon_kode) or computed[p.pekon_kode] for p in pekons]
    last_close = await session.scalar(
        select(func.max(PekonMonth.closed_at)).where(
            PekonMonth.period == period, PekonMonth.pekon_kode.in_([p.pekon_kode for p in pekons])
        )
    )
    all_closed = bool(pekons) and all(p.closed for p in pekons)
    return RollupData(
        place=await _place(session, kecamatan_kode, "", village_word, kecamatan_kode),
        period=period,
        pekons=pekons,
        totals=tables,
        signed_on=wib_date(last_close) if all_closed and last_close else today,
    )
