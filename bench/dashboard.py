"""The dashboard's query functions under concurrency, on a kabupaten of 136 pekon with 12 months.

Builds Lampung Barat (bench/dashboard_world.py) in a fresh database, then for each query the pages
call runs `--clients` concurrent sessions for `--seconds`, each calling it in a loop on random
scopes, and prints p50/p95 latency and calls per second; beside them the chat's own recap of one
pekon (models.recap.compute_b3, open month) measured the same way, as the baseline of the ratio.

    .venv/bin/python -m bench.dashboard                       # SQLite file in a temp dir
    .venv/bin/python -m bench.dashboard --url postgresql://postgres@127.0.0.1:5432/bench_dashboard

A PostgreSQL database named in --url is dropped and recreated.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.dashboard_world import DEADLINE_DAY, KABUPATEN, TODAY, build
from bench.recap import recreate
from bot.db import _sqlite_begin_immediate, make_engine, make_sessionmaker, normalise_url
from models.base import month_of
from models.dashboard import (
    NUMBER_COLUMNS,
    kabupaten_grid,
    kabupaten_rates,
    kecamatan_grid,
    kecamatan_rates,
    kecamatan_trend,
    number_rows,
    pekon_page,
)
from models.migrate import upgrade
from models.recap import compute_b3
from models.region import Kecamatan, Pekon

Query = Callable[[AsyncSession, random.Random], Awaitable[object]]
WARM_UP = 2
OPEN = month_of(TODAY)
CLOSED = OPEN.replace(month=OPEN.month - 1)


def queries(kecamatan: list[str], pekon: list[str]) -> dict[str, Query]:
    """Each query a page makes, on a random scope and month."""

    def month(rng: random.Random) -> date:
        return rng.choice([OPEN, CLOSED])

    return {
        "baseline: compute_b3 (chat recap)": lambda s, r: compute_b3(s, r.choice(pekon), OPEN),
        "kecamatan_grid (12 months)": lambda s, r: kecamatan_grid(
            s, r.choice(kecamatan), OPEN, today=TODAY, deadline_day=DEADLINE_DAY
        ),
        "kecamatan_rates": lambda s, r: kecamatan_rates(s, r.choice(kecamatan), month(r)),
        "kabupaten_grid (12 months)": lambda s, r: kabupaten_grid(
            s, KABUPATEN, OPEN, today=TODAY, deadline_day=DEADLINE_DAY
        ),
        "kabupaten_rates": lambda s, r: kabupaten_rates(s, KABUPATEN, month(r)),
        "pekon_page": lambda s, r: pekon_page(s, r.choice(pekon), month(r), deadline_day=DEADLINE_DAY),
        "number_rows (pekon)": lambda s, r: number_rows(
            s,
            month(r),
            r.choice(NUMBER_COLUMNS),
            pekon_kode=r.choice(pekon),
        ),
        "number_rows (kecamatan)": lambda s, r: number_rows(
            s,
            month(r),
            r.choice(NUMBER_COLUMNS),
            kecamatan_kode=r.choice(kecamatan),
        ),
        "kecamatan_trend (12 months)": lambda s, r: kecamatan_trend(s, r.choice(kecamatan), OPEN),
    }


async def measure(
    sessionmaker: async_sessionmaker[AsyncSession], query: Query, clients: int, seconds: float
) -> tuple[list[float], float]:
    """Latencies (s) of every call by `clients` concurrent loops after a warm-up, and the wall time."""
    latencies: list[float] = []
    barrier = asyncio.Barrier(clients + 1)
    window: list[float] = []

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        async with sessionmaker() as session:
            for _ in range(WARM_UP):  # connections opened, statements compiled and cached
                await query(session, rng)
                await session.rollback()
            await barrier.wait()
            while time.perf_counter() < window[0]:
                start = time.perf_counter()
                await query(session, rng)
                latencies.append(time.perf_counter() - start)
                await session.rollback()  # a page's request: a fresh transaction each time

    tasks = [asyncio.create_task(client(k)) for k in range(clients)]
    window.append(time.perf_counter() + 3600)  # set for real once everyone is warm
    await barrier.wait()
    began = time.perf_counter()
    window[0] = began + seconds
    await asyncio.gather(*tasks)
    return latencies, time.perf_counter() - began


def p(values: list[float], q: float) -> float:
    """The q-quantile in milliseconds."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1] * 1000


async def main(url: str | None, clients: int, seconds: float, deferred: bool) -> None:
    """Build, measure, print."""
    if url is None:
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench_dashboard.sqlite3'}"
    url = normalise_url(url)
    if url.startswith("postgresql"):
        await recreate(url)
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    sessionmaker = make_sessionmaker(engine)
    start = time.perf_counter()
    counts = await build(sessionmaker)
    if deferred and engine.dialect.name == "sqlite":
        # bot.db begins every SQLite transaction IMMEDIATE (the write lock), so concurrent page
        # reads queue behind each other; a read-only engine may begin deferred
        event.remove(engine.sync_engine, "begin", _sqlite_begin_immediate)
    print(f"{engine.dialect.name}: {counts} (built in {time.perf_counter() - start:.1f} s)")
    async with sessionmaker() as session:
        kecamatan = list(await session.scalars(select(Kecamatan.kode).order_by(Kecamatan.kode)))
        pekon = list(await session.scalars(select(Pekon.kode).order_by(Pekon.kode)))
    mode = " (SQLite reads deferred)" if deferred and engine.dialect.name == "sqlite" else ""
    print(f"{clients} concurrent clients, {seconds:.0f} s per query{mode}\n")
    print(f"{'query':36} {'p50 ms':>8} {'p95 ms':>8} {'calls/s':>8} {'p50/base':>9}")
    base = None
    for name, query in queries(kecamatan, pekon).items():
        latencies, wall = await measure(sessionmaker, query, clients, seconds)
        p50 = p(latencies, 0.5)
        base = base or p50
        print(
            f"{name:36} {p50:8.1f} {p(latencies, 0.95):8.1f} {len(latencies) / wall:8.1f} {p50 / base:8.1f}x"
        )
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--deferred", action="store_true", help="SQLite: begin reads deferred")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.clients, args.seconds, args.deferred))
