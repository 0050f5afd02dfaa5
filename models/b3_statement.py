"""The one SELECT that computes every unit's B.3 row for a month (models/recap.py reads it; the month
close freezes it into `unit_snapshot` as INSERT ... SELECT; the ledger checks one unit with it).

Opening (awal) of a unit = its anchor (the closing of the pekon's latest closed month, or the
imported baseline) plus the signed movements between the anchor and this month. Closing (akhir) =
awal + lahir + datang - meninggal - pindah per citizenship and sex; KK and anggota move with the
head-of-family flag of each person line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Select, String, and_, bindparam, case, cast, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from models.b3_rows import GROUPS, HOUSEHOLD, KINDS, SEXES
from models.event import Event, EventKind, EventPerson
from models.period import Baseline, MonthStatus, PekonMonth, UnitReport, UnitSnapshot
from models.region import Unit


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
    prior_scope = (
        select(anchor.c.unit_id, *_signed_sums(ep))
        .select_from(anchor.join(EventPerson.__table__, EventPerson.unit_id == anchor.c.unit_id))
        .where(
            ep.period < period,
            or_(
                and_(anchor.c.snap_period.is_not(None), ep.period > anchor.c.snap_period),
                and_(anchor.c.snap_period.is_(None), ep.period >= anchor.c.base_period),
            ),
        )
    )
    if scoped:  # the pekon's own lines by their index, not a scan of every earlier month's
        prior_scope = prior_scope.where(ep.pekon_kode.in_(kodes))
    prior = prior_scope.group_by(anchor.c.unit_id).subquery("prior")

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
