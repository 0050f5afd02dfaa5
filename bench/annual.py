"""National annual recap on PostgreSQL: a year of closed months at the scale of bench/recap.py.

Builds every desa/kelurahan of Indonesia (83,762) with 3-6 pemangku units each and a January
baseline (with the KK split by the head's sex), writes January..November as closed months (snapshots
chained month to month, a few births and deaths per unit each month, as the close would have frozen
them), loads about 700,000 events into December and times, in the same run:

- December's close for every pekon (`close_months`, the one-month figure), and
- the national annual recap of the year (`models.annual.annual_recap`, level NASIONAL: a row per
  kecamatan from 12 x 377,000 unit snapshots),

then prints both, their ratio (goal: under 3x) and a check that the year's births equal the births
frozen in the twelve months.

    .venv/bin/python -m bench.annual --url postgresql://postgres@127.0.0.1:5432/bench_annual [--scale 0.1]

The database named in --url is dropped and recreated.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import bench.recap as national
from bot.db import make_engine, make_sessionmaker, normalise_url
from models.annual import Level, annual_recap
from models.migrate import upgrade
from models.months import close_months

YEAR = 2026
JANUARY, DECEMBER = date(YEAR, 1, 1), date(YEAR, 12, 1)
GROUPS = ("wna_l", "wna_p", "wni_l", "wni_p")
KINDS = ("lahir", "datang", "meninggal", "pindah")

# One closed month from the previous one (`prev`: unit_id, pekon_kode and its closing figures): a few
# births and deaths among WNI members, nobody else moving; every B.3 identity holds.
MONTH_SQL = """
INSERT INTO unit_snapshot (unit_id, pekon_kode, period, revision, {awal}, {moves}, {akhir}, keterangan,
                           awal_kk_l, awal_kk_p, akhir_kk_l, akhir_kk_p, created_at)
SELECT unit_id, pekon_kode, :period, 1,
       wna_l, wna_p, wni_l, wni_p, kk, anggota,
       0, 0, bl, bp, 0, 0, 0, 0, 0, 0, dl, dp, 0, 0, 0, 0,
       wna_l, wna_p, wni_l + bl - dl, wni_p + bp - dp, kk, anggota + bl + bp - dl - dp,
       'submitted', kk_l, kk_p, kk_l, kk_p, now()
FROM (SELECT p.*, floor(random() * 3)::int AS bl, floor(random() * 3)::int AS bp,
             floor(random() * 2)::int AS dl, floor(random() * 2)::int AS dp FROM ({prev}) p) moved
"""
FROM_BASELINE = (
    "SELECT b.unit_id, u.pekon_kode, b.wna_l, b.wna_p, b.wni_l, b.wni_p, b.kk, b.anggota, b.kk_l, b.kk_p "
    "FROM baseline b JOIN unit u ON u.id = b.unit_id"
)
FROM_SNAPSHOT = (
    "SELECT unit_id, pekon_kode, akhir_wna_l AS wna_l, akhir_wna_p AS wna_p, akhir_wni_l AS wni_l, "
    "akhir_wni_p AS wni_p, akhir_kk AS kk, akhir_anggota AS anggota, akhir_kk_l AS kk_l, "
    "akhir_kk_p AS kk_p FROM unit_snapshot WHERE period = '{previous}'"
)
CLOSE_PEKON_MONTH = """
INSERT INTO pekon_month (pekon_kode, period, status, revision, closed_at, created_at)
SELECT kode, :period, 'closed', 1, :closed_at, now() FROM pekon
"""


def december_rows(pekon: list[tuple[str, str, str, str]]) -> dict[str, list[tuple[Any, ...]]]:
    """bench/recap.py's units, baselines and one month of events, moved to this year: baselines in
    January, events in December."""
    national.PERIOD = DECEMBER  # build_rows stamps its module's month on every row
    tables = national.build_rows(pekon)
    tables["baseline"] = [(*b[:2], JANUARY, *b[3:]) for b in tables["baseline"]]
    tables["event"] = [(*e[:7], e[7].replace(month=12), *e[8:]) for e in tables["event"]]
    return tables


async def closed_months(engine: AsyncEngine) -> float:
    """January..November closed, chained from the baseline; returns the seconds it took."""
    columns = {
        "awal": ", ".join(f"awal_{g}" for g in (*GROUPS, "kk", "anggota")),
        "moves": ", ".join(f"{k}_{g}" for k in KINDS for g in GROUPS),
        "akhir": ", ".join(f"akhir_{g}" for g in (*GROUPS, "kk", "anggota")),
    }
    start = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE baseline SET kk_l = kk * 4 / 5, kk_p = kk - kk * 4 / 5"))
        for month in range(1, 12):
            period = date(YEAR, month, 1)
            prev = FROM_BASELINE if month == 1 else FROM_SNAPSHOT.format(previous=date(YEAR, month - 1, 1))
            await conn.execute(text(MONTH_SQL.format(prev=prev, **columns)), {"period": period})
            closed_at = datetime(YEAR, month + 1, 12, tzinfo=UTC)
            await conn.execute(text(CLOSE_PEKON_MONTH), {"period": period, "closed_at": closed_at})
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.execute("VACUUM ANALYZE")
    return time.perf_counter() - start


async def close_december(engine: AsyncEngine) -> tuple[float, int]:
    """Seconds for December's close of every pekon, and the snapshot rows it wrote."""
    async with make_sessionmaker(engine)() as session:
        start = time.perf_counter()
        await close_months(session, DECEMBER, None, now=datetime(YEAR + 1, 1, 12, tzinfo=UTC))
        await session.commit()
        seconds = time.perf_counter() - start
        written = await session.scalar(
            text("SELECT count(*) FROM unit_snapshot WHERE period = :p"), {"p": DECEMBER}
        )
    return seconds, int(written or 0)


async def the_year(engine: AsyncEngine) -> tuple[list[float], int, int, int]:
    """Seconds of two national annual recaps; rows, the year's births, births in the snapshots."""
    times, births, rows = [], 0, 0
    for _ in range(2):
        async with make_sessionmaker(engine)() as session:
            start = time.perf_counter()
            year = await annual_recap(session, YEAR, Level.NASIONAL)
            times.append(time.perf_counter() - start)
            births, rows = year.total.moved("lahir"), len(year.rows)
    async with engine.connect() as conn:
        frozen = await conn.scalar(
            text(
                "SELECT sum(lahir_wna_l + lahir_wna_p + lahir_wni_l + lahir_wni_p) FROM unit_snapshot "
                "WHERE period BETWEEN :a AND :b"
            ),
            {"a": JANUARY, "b": DECEMBER},
        )
    return times, rows, births, int(frozen or 0)


async def main(url: str, scale: float) -> None:
    """Build, close December, recap the year, print."""
    url = normalise_url(url)
    await national.recreate(url)
    await asyncio.to_thread(upgrade, url)
    kec, pekon = national.read_regions(scale)
    start = time.perf_counter()
    tables: dict[str, list[tuple[Any, ...]]] = {"kecamatan": list(kec), "pekon": list(pekon)}
    tables.update(december_rows(pekon))
    engine = make_engine(url)
    await national.load(engine, tables)
    months = await closed_months(engine)
    print(
        f"pekon {len(pekon):,}  units {len(tables['unit']):,}  December events {len(tables['event']):,}  "
        f"(generated and loaded in {time.perf_counter() - start:.1f} s; "
        f"January-November written in {months:.1f} s)"
    )
    close, written = await close_december(engine)
    times, rows, births, frozen = await the_year(engine)
    await engine.dispose()
    print(f"close_months for December, every pekon:  {close:.2f} s  ({written:,} unit snapshots)")
    print(f"national annual recap, first / second:   {times[0]:.2f} s / {times[1]:.2f} s  ({rows:,} rows)")
    print(
        f"ratio annual recap / one month's close:  {times[0] / close:.2f}x / {times[1] / close:.2f}x "
        "(goal < 3x)"
    )
    print(f"the year's births {births:,} = births frozen in the 12 months {frozen:,}: {births == frozen}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/bench_annual")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the desa to build")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.scale))
