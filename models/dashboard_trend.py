"""The trend page's data: per month, population, KK, births, deaths and moves of a kecamatan and of
each of its pekon, read from the closed months' snapshots and the open months' live B.3 (the same
figures as the books)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.b3_rows import GROUPS
from models.dashboard_grid import months_up_to
from models.event import EventKind
from models.period import MonthStatus, PekonMonth
from models.recap_totals import pekon_totals_months
from models.region import Kecamatan, Pekon


@dataclass(frozen=True)
class TrendPoint:
    """One month of a series: the B.3 closing figures and the month's movements (net of corrections)."""

    period: date
    closed: bool
    population: int  # column 32, jumlah jiwa akhir bulan
    kk: int  # column 30
    births: int  # columns 10-13
    deaths: int  # columns 18-21
    moves_in: int  # columns 14-17
    moves_out: int  # columns 22-25


@dataclass(frozen=True)
class TrendSeries:
    """A pekon's, or the kecamatan's, months; None for a month before its first one."""

    kode: str
    nama: str
    points: tuple[TrendPoint | None, ...]  # one per Trend.months


@dataclass(frozen=True)
class Trend:
    """The kecamatan's series (the sum of its pekon) and each pekon's, in code order."""

    kode: str
    nama: str
    months: tuple[date, ...]  # oldest first
    total: TrendSeries
    pekon: tuple[TrendSeries, ...]


TREND_MONTHS = 12


async def kecamatan_trend(
    session: AsyncSession, kecamatan_kode: str, until: date, *, months: int = TREND_MONTHS
) -> Trend:
    """The `months` months up to `until` of the kecamatan and each of its pekon."""
    kecamatan = await session.get(Kecamatan, kecamatan_kode)
    if kecamatan is None:
        raise LookupError(kecamatan_kode)
    pekons = (
        await session.execute(
            select(Pekon.kode, Pekon.nama).where(Pekon.kecamatan_kode == kecamatan_kode).order_by(Pekon.kode)
        )
    ).all()
    kodes = [kode for kode, _ in pekons]
    periods = months_up_to(until, months)
    closed = set(
        (
            await session.execute(
                select(PekonMonth.pekon_kode, PekonMonth.period).where(
                    PekonMonth.pekon_kode.in_(kodes),
                    PekonMonth.period.in_(periods),
                    PekonMonth.status == MonthStatus.CLOSED,
                )
            )
        ).tuples()
    )
    by_month = (await pekon_totals_months(session, kodes, periods)).items()
    series = tuple(
        TrendSeries(kode, nama, tuple(_point(p, t.get(kode), (kode, p) in closed) for p, t in by_month))
        for kode, nama in pekons
    )
    return Trend(kecamatan.kode, kecamatan.nama, periods, _sum(kecamatan, periods, series), series)


def _point(period: date, figures: dict[str, int] | None, closed: bool) -> TrendPoint | None:
    if figures is None:
        return None

    def total(kind: str) -> int:
        return sum(figures[f"{kind}_{g}"] for g in GROUPS)

    return TrendPoint(
        period=period,
        closed=closed,
        population=figures["akhir_kk"] + figures["akhir_anggota"],
        kk=figures["akhir_kk"],
        births=total(EventKind.LAHIR),
        deaths=total(EventKind.MENINGGAL),
        moves_in=total(EventKind.DATANG),
        moves_out=total(EventKind.PINDAH),
    )


def _sum(kecamatan: Kecamatan, periods: tuple[date, ...], series: tuple[TrendSeries, ...]) -> TrendSeries:
    """The kecamatan's series: each month the sum of the pekon that have it (as the roll-up)."""
    points: list[TrendPoint | None] = []
    for index, period in enumerate(periods):
        present = [p for s in series if (p := s.points[index]) is not None]
        if not present:
            points.append(None)
            continue
        points.append(
            TrendPoint(
                period,
                all(p.closed for p in present),
                *(sum(getattr(p, f) for p in present) for f in SUMMED),
            )
        )
    return TrendSeries(kecamatan.kode, kecamatan.nama, tuple(points))


SUMMED = ("population", "kk", "births", "deaths", "moves_in", "moves_out")
