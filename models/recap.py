"""Book B.3 arithmetic: one SELECT computes every unit's row for a month.

The same statement answers a live recap (open month) and, as INSERT ... SELECT, freezes a month
into `unit_snapshot` when it closes, so there is exactly one code path for every number. A closed
month is read back from its snapshots, never recomputed.

Opening (awal) of a unit = its anchor (the closing of the pekon's latest closed month, or the
imported baseline) plus the signed movements between the anchor and this month. Closing (akhir) =
awal + lahir + datang - meninggal - pindah per citizenship and sex; KK and anggota move with the
head-of-family flag of each person line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from models.event import Event, EventKind, EventPerson
from models.period import Baseline, MonthStatus, PekonMonth, UnitReport, UnitSnapshot
from models.region import Unit

GROUPS = ("wna_l", "wna_p", "wni_l", "wni_p")
HOUSEHOLD = ("kk", "anggota")
KINDS = (EventKind.LAHIR, EventKind.DATANG, EventKind.MENINGGAL, EventKind.PINDAH)
AWAL = tuple(f"awal_{g}" for g in GROUPS + HOUSEHOLD)
MOVES = tuple(f"{k}_{g}" for k in KINDS for g in GROUPS)
AKHIR = tuple(f"akhir_{g}" for g in GROUPS + HOUSEHOLD)
FIGURES = AWAL + MOVES + AKHIR  # the 28 stored numbers of a row, in B.3 order
SEXES = ("l", "p")
# KK by the head's sex, outside B.3's 33 columns (the profil pekon asks for them): None while unknown,
# i.e. since a baseline without the split; then every head line moves them like it moves KK.
HEADS = tuple(f"{side}_kk_{sex}" for side in ("awal", "akhir") for sex in SEXES)


@dataclass(frozen=True)
class B3Row:
    """One row of B.3: a unit, or the total. `keterangan` holds codes (see KETERANGAN_CODES)."""

    no: int | None
    unit_kode: str | None
    nama: str
    figures: dict[str, int]
    keterangan: tuple[str, ...] = ()
    heads: dict[str, int | None] = field(default_factory=dict)  # HEADS; empty when not loaded

    @property
    def awal_jiwa(self) -> int:
        """Column 9."""
        return self.figures["awal_kk"] + self.figures["awal_anggota"]

    @property
    def akhir_jiwa(self) -> int:
        """Column 32."""
        return self.figures["akhir_kk"] + self.figures["akhir_anggota"]

    def columns(self) -> list[Any]:
        """The 33 columns in the regulation's order (keterangan as codes)."""
        f = self.figures
        return [
            self.no,
            self.nama,
            *(f[c] for c in AWAL),
            self.awal_jiwa,
            *(f[c] for c in MOVES),
            *(f[c] for c in AKHIR),
            self.akhir_jiwa,
            ",".join(self.keterangan),
        ]


@dataclass(frozen=True)
class B3Table:
    """B.3 of one pekon for one month."""

    pekon_kode: str
    period: date
    closed: bool
    revision: int
    rows: list[B3Row] = field(default_factory=list)

    @property
    def total(self) -> B3Row:
        """The total row: the sum of the unit rows."""
        sums = {c: sum(r.figures[c] for r in self.rows) for c in FIGURES}
        return B3Row(no=None, unit_kode=None, nama="JUMLAH", figures=sums, heads=sum_heads(self.rows))


def sum_heads(rows: Sequence[B3Row]) -> dict[str, int | None]:
    """The KK-by-sex figures of several rows: a sum, or None when any row's is unknown."""
    sums: dict[str, int | None] = {}
    for name in HEADS:
        values = [r.heads.get(name) for r in rows]
        sums[name] = None if any(v is None for v in values) else sum(v for v in values if v is not None)
    return sums


def _group(col_cit: Any, col_sex: Any, group: str) -> ColumnElement[bool]:
    cit, sex = group.split("_")
    return and_(col_cit == cit.upper(), col_sex == sex.upper())


def _direction(kind: Any) -> ColumnElement[int]:
    return case((kind.in_([EventKind.LAHIR, EventKind.DATANG]), 1), else_=-1)


def _signed_sums(ep: Any) -> list[ColumnElement[Any]]:
    """Net change per group, KK and anggota of the person lines in scope."""
    delta = ep.sign * _direction(ep.kind)
    sums: list[ColumnElement[Any]] = [
        func.sum(case((_group(ep.citizenship, ep.sex, g), delta), else_=0)).label(f"d_{g}") for g in GROUPS
    ]
    sums.append(func.sum(case((ep.is_head.is_(True), delta), else_=0)).label("d_kk"))
    sums.append(func.sum(case((ep.is_head.is_(True), 0), else_=delta)).label("d_anggota"))
    sums += [
        func.sum(case((and_(ep.is_head.is_(True), ep.sex == sex.upper()), delta), else_=0)).label(
            f"d_kk_{sex}"
        )
        for sex in SEXES
    ]
    return sums


PEKON_KODES = "pekon_kodes"  # the expanding bind parameter of a scoped statement


def b3_select(period: date, pekon_kodes: Sequence[str] | None = None) -> Select[Any]:
    """The statement that yields unit rows: unit_id, pekon_kode, period, FIGURES..., keterangan."""
    if pekon_kodes is None:
        return _b3_select(period, scoped=False, one_unit=False)
    return _b3_select(period, scoped=True, one_unit=False).params({PEKON_KODES: list(pekon_kodes)})


def scoped_b3_select(period: date) -> Select[Any]:
    """The statement for the pekon given at execution as the list `pekon_kodes` (PEKON_KODES): one
    statement object, cache key and compiled form serve every pekon."""
    return _b3_select(period, scoped=True, one_unit=False)


def unit_b3_select(period: date) -> Select[Any]:
    """The same statement for the one unit given as the bind parameter `unit_id`."""
    return _b3_select(period, scoped=False, one_unit=True)


@lru_cache(maxsize=256)
def _b3_select(period: date, scoped: bool, one_unit: bool) -> Select[Any]:
    # Statements are immutable; building this one (and its cache key) costs ~10 ms, and the ledger
    # runs it on every recorded event, so one object per (month, shape) is kept and reused; the
    # pekon are a bind parameter, so a new pekon costs no new statement.
    unit_id = bindparam("unit_id", type_=Integer)
    kodes = bindparam(PEKON_KODES, expanding=True, type_=String)
    unit_scope = select(Unit.id, Unit.pekon_kode)
    month_scope = select(PekonMonth.pekon_kode, func.max(PekonMonth.period).label("period")).where(
        PekonMonth.status == MonthStatus.CLOSED, PekonMonth.period < period
    )
    if scoped:
        unit_scope = unit_scope.where(Unit.pekon_kode.in_(kodes))
        month_scope = month_scope.where(PekonMonth.pekon_kode.in_(kodes))
    if one_unit:
        unit_scope = unit_scope.where(Unit.id == unit_id)
        own_pekon = select(Unit.pekon_kode).where(Unit.id == unit_id).scalar_subquery()
        month_scope = month_scope.where(PekonMonth.pekon_kode == own_pekon)
    units = unit_scope.cte("units")
    latest = month_scope.group_by(PekonMonth.pekon_kode).subquery("latest")
    pm = PekonMonth.__table__.alias("pm")
    snap = UnitSnapshot.__table__.alias("snap")
    base = Baseline.__table__.alias("base")
    anchor = (
        select(
            units.c.id.label("unit_id"),
            units.c.pekon_kode,
            snap.c.period.label("snap_period"),
            base.c.period.label("base_period"),
            *(func.coalesce(snap.c[f"akhir_{g}"], base.c[g], 0).label(f"a_{g}") for g in GROUPS + HOUSEHOLD),
            # NULL (unknown) must survive: a snapshot's NULL never falls back to an older baseline
            *(
                case(
                    (snap.c.id.is_not(None), snap.c[f"akhir_kk_{s}"]),
                    (base.c.id.is_not(None), base.c[f"kk_{s}"]),
                    else_=0,
                ).label(f"a_kk_{s}")
                for s in SEXES
            ),
        )
        .select_from(units)
        .outerjoin(latest, latest.c.pekon_kode == units.c.pekon_kode)
        .outerjoin(pm, and_(pm.c.pekon_kode == latest.c.pekon_kode, pm.c.period == latest.c.period))
        .outerjoin(
            snap,
            and_(
                snap.c.unit_id == units.c.id, snap.c.period == pm.c.period, snap.c.revision == pm.c.revision
            ),
        )
        .outerjoin(base, base.c.unit_id == units.c.id)
        # a unit whose baseline starts after this month did not exist yet
        .where(or_(snap.c.id.is_not(None), base.c.period.is_(None), base.c.period <= period))
        .cte("anchor")
    )

    ep = EventPerson.__table__.c
    prior = (
        select(anchor.c.unit_id, *_signed_sums(ep))
        .select_from(anchor.join(EventPerson.__table__, EventPerson.unit_id == anchor.c.unit_id))
        .where(
            ep.period < period,
            or_(
                and_(anchor.c.snap_period.is_not(None), ep.period > anchor.c.snap_period),
                and_(anchor.c.snap_period.is_(None), ep.period >= anchor.c.base_period),
            ),
        )
        .group_by(anchor.c.unit_id)
        .subquery("prior")
    )

    move_cols = [
        func.sum(case((and_(ep.kind == k, _group(ep.citizenship, ep.sex, g)), ep.sign), else_=0)).label(
            f"m_{k}_{g}"
        )
        for k in KINDS
        for g in GROUPS
    ]
    moves = select(ep.unit_id, *move_cols, *_signed_sums(ep)).where(ep.period == period)
    if scoped:
        moves = moves.where(ep.pekon_kode.in_(kodes))
    if one_unit:
        moves = moves.where(ep.unit_id == unit_id)
    moves_q = moves.group_by(ep.unit_id).subquery("moves")

    flags = (
        select(
            Event.unit_id,
            func.sum(case((Event.susulan.is_(True), 1), else_=0)).label("n_susulan"),
            func.sum(case((Event.action != "report", 1), else_=0)).label("n_koreksi"),
        )
        .where(Event.period == period)
        .group_by(Event.unit_id)
    )
    if scoped:
        flags = flags.where(Event.pekon_kode.in_(kodes))
    if one_unit:
        flags = flags.where(Event.unit_id == unit_id)
    flags_q = flags.subquery("flags")
    report = UnitReport.__table__.alias("report")

    def num(col: Any) -> ColumnElement[int]:
        return cast(func.coalesce(col, 0), Integer)

    counted = GROUPS + HOUSEHOLD + tuple(f"kk_{s}" for s in SEXES)
    awal = {g: anchor.c[f"a_{g}"] + num(prior.c[f"d_{g}"]) for g in counted}
    akhir = {g: awal[g] + num(moves_q.c[f"d_{g}"]) for g in counted}
    keterangan = (
        func.coalesce(report.c.status, literal("missing", String))
        + case((report.c.late.is_(True), ",late"), else_="")
        + case((num(flags_q.c.n_susulan) > 0, ",susulan"), else_="")
        + case((num(flags_q.c.n_koreksi) > 0, ",koreksi"), else_="")
    )
    return (
        select(
            anchor.c.unit_id,
            anchor.c.pekon_kode,
            literal(period).label("period"),
            *(awal[g].label(f"awal_{g}") for g in GROUPS + HOUSEHOLD),
            *(num(moves_q.c[f"m_{k}_{g}"]).label(f"{k}_{g}") for k in KINDS for g in GROUPS),
            *(akhir[g].label(f"akhir_{g}") for g in GROUPS + HOUSEHOLD),
            keterangan.label("keterangan"),
            *(
                side[f"kk_{s}"].label(f"{name}_kk_{s}")
                for name, side in (("awal", awal), ("akhir", akhir))
                for s in SEXES
            ),
        )
        .select_from(anchor)
        .outerjoin(prior, prior.c.unit_id == anchor.c.unit_id)
        .outerjoin(moves_q, moves_q.c.unit_id == anchor.c.unit_id)
        .outerjoin(flags_q, flags_q.c.unit_id == anchor.c.unit_id)
        .outerjoin(report, and_(report.c.unit_id == anchor.c.unit_id, report.c.period == period))
    )


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
    units = {u.id: u for u in await session.scalars(select(Unit).where(Unit.pekon_kode.in_(kodes)))}
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


async def _closed_rows(session: AsyncSession, pekon_kodes: list[str], period: date) -> list[_Found]:
    """The snapshots of the closed months' current revisions."""
    snaps = await session.scalars(
        select(UnitSnapshot)
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
    pekon_kode: str, period: date, state: PekonMonth | None, found: list[_Found], units: dict[int, Unit]
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


async def pekon_totals(
    session: AsyncSession, pekon_kodes: Sequence[str], period: date
) -> dict[str, dict[str, int]]:
    """The figures of each pekon's B.3 total row for a month, read as compute_b3 reads them (the
    snapshots of a closed month, the live statement for an open one). A pekon without units in the
    month is absent."""
    return (await pekon_totals_months(session, pekon_kodes, [period]))[period]


async def pekon_totals_months(
    session: AsyncSession, pekon_kodes: Sequence[str], periods: Sequence[date]
) -> dict[date, dict[str, dict[str, int]]]:
    """pekon_totals of each month in `periods`: two statements for every closed month together,
    and one live statement per month that some of the pekon have still open (the open months of a
    pekon are those after its latest closed one, so usually only the last one or two)."""
    closed = (
        select(PekonMonth.pekon_kode, PekonMonth.period, PekonMonth.revision)
        .where(
            PekonMonth.pekon_kode.in_(pekon_kodes),
            PekonMonth.period.in_(periods),
            PekonMonth.status == MonthStatus.CLOSED,
        )
        .subquery("closed")
    )
    snap = UnitSnapshot.__table__.c
    snaps = (
        select(snap.pekon_kode, snap.period, *(func.sum(snap[c]).label(c) for c in FIGURES))
        .join(
            closed,
            and_(
                closed.c.pekon_kode == snap.pekon_kode,
                closed.c.period == snap.period,
                closed.c.revision == snap.revision,
            ),
        )
        .group_by(snap.pekon_kode, snap.period)
    )
    out: dict[date, dict[str, dict[str, int]]] = {p: {} for p in periods}
    for r in await session.execute(snaps):
        out[r.period][r.pekon_kode] = {c: int(getattr(r, c)) for c in FIGURES}
    done = set((await session.execute(select(closed.c.pekon_kode, closed.c.period))).tuples())
    starts = await _first_months(session, pekon_kodes)
    for period in periods:
        # a month before all of a pekon's units started has no row: no live statement for it
        still_open = sorted(k for k, first in starts.items() if (k, period) not in done and first <= period)
        if still_open:
            out[period].update(await _live_totals(session, still_open, period))
    return out


async def _first_months(session: AsyncSession, pekon_kodes: Sequence[str]) -> dict[str, date]:
    """Each pekon's first month: its earliest unit baseline; date.min if a unit has none."""
    first = func.min(func.coalesce(Baseline.period, date.min))
    stmt = (
        select(Unit.pekon_kode, first)
        .outerjoin(Baseline, Baseline.unit_id == Unit.id)
        .where(Unit.pekon_kode.in_(pekon_kodes))
        .group_by(Unit.pekon_kode)
    )
    return dict((await session.execute(stmt)).tuples().all())


async def _live_totals(
    session: AsyncSession, pekon_kodes: list[str], period: date
) -> dict[str, dict[str, int]]:
    """The B.3 total rows of open months, summed from the live statement."""
    sums = _live_sums(period)
    found = await session.execute(sums, {PEKON_KODES: pekon_kodes})
    return {r.pekon_kode: {c: int(getattr(r, c)) for c in FIGURES} for r in found}


@lru_cache(maxsize=64)
def _live_sums(period: date) -> Select[Any]:
    live = scoped_b3_select(period).subquery("live")
    return select(live.c.pekon_kode, *(func.sum(live.c[c]).label(c) for c in FIGURES)).group_by(
        live.c.pekon_kode
    )
