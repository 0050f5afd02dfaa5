"""The month's report status of every unit of a pekon, and of every pekon of a kecamatan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.completeness import pekon_completeness
from models.event import Event
from models.mutasi import existed_in
from models.period import Baseline, UnitReport
from models.region import Pekon, Unit


@dataclass(frozen=True)
class UnitStatus:
    """A unit's month: submitted, nihil or missing, with flags late and after (additions later)."""

    unit: Unit
    status: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PekonStatus:
    """How many units of a pekon reported the month, whether the month is closed, and the pekon's
    first month (None when it has no unit with a baseline)."""

    pekon: Pekon
    done: int
    total: int
    closed: bool
    starts: date | None = None


async def unit_statuses(session: AsyncSession, pekon_kode: str, period: date) -> list[UnitStatus]:
    """Every unit of the pekon in order, with its report state for the month."""
    units = list(
        await session.scalars(
            select(Unit).where(Unit.pekon_kode == pekon_kode, existed_in(period)).order_by(Unit.seq)
        )
    )
    reports = {
        r.unit_id: r
        for r in await session.scalars(
            select(UnitReport).where(
                UnitReport.unit_id.in_([u.id for u in units]), UnitReport.period == period
            )
        )
    }
    after = set(
        await session.scalars(
            select(Event.unit_id).where(
                Event.pekon_kode == pekon_kode, Event.period == period, Event.after_submit.is_(True)
            )
        )
    )
    out = []
    for unit in units:
        report = reports.get(unit.id)
        flags = tuple(
            flag
            for flag, on in (("late", report is not None and report.late), ("after", unit.id in after))
            if on
        )
        out.append(UnitStatus(unit, report.status if report else "missing", flags))
    return out


async def pekon_statuses(session: AsyncSession, kecamatan_kode: str, period: date) -> list[PekonStatus]:
    """Every pekon of the kecamatan: units reported out of all, and the month's closing; counted by
    models.completeness, as the dashboard's grid counts them, so chat and page say the same."""
    pekons = {
        p.kode: p for p in await session.scalars(select(Pekon).where(Pekon.kecamatan_kode == kecamatan_kode))
    }
    counts = await pekon_completeness(session, period, kecamatan_kode)
    empty = [c.pekon_kode for c in counts if c.units == 0]
    starts = dict(
        (
            await session.execute(
                select(Unit.pekon_kode, func.min(Baseline.period))
                .join(Baseline, Baseline.unit_id == Unit.id)
                .where(Unit.pekon_kode.in_(empty))
                .group_by(Unit.pekon_kode)
            )
        )
        .tuples()
        .all()
    )  # only where no unit exists yet: from which month the pekon reports
    return [
        PekonStatus(pekons[c.pekon_kode], c.submitted + c.nihil, c.units, c.closed, starts.get(c.pekon_kode))
        for c in counts
    ]
