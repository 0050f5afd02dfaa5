"""The trend page's data: per month, population, KK, births, deaths and moves of a kecamatan and of
each of its pekon, read from the closed months' snapshots and the open months' live B.3 (the same
figures as the books)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession


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
    raise NotImplementedError
