"""The dashboard's query functions under concurrency, on one kabupaten or on the national data.

Lampung Barat's 136 pekon with 12 months by default; `--national`: the data of bench/recap.py.

Builds Lampung Barat (bench/dashboard_world.py) in a fresh database, then for each query the pages
call runs `--clients` concurrent read sessions (bot.db.make_read_sessionmaker, as the pages use)
for `--seconds`, each calling it in a loop on random scopes, and prints p50/p95 latency and calls
per second; beside them the chat's own recap of one pekon (models.recap.compute_b3, open month)
measured the same way, as the baseline of the ratio.

    .venv/bin/python -m bench.dashboard                       # SQLite file in a temp dir
    .venv/bin/python -m bench.dashboard --url postgresql://postgres@127.0.0.1:5432/bench_dashboard
    .venv/bin/python -m bench.dashboard --url postgresql://…/bench_dashboard --national [--scale 0.25]

`--national` builds every desa of Indonesia (bench/dashboard_national.py) and times the kecamatan
and kabupaten grids and rates, on random kecamatan and kabupaten. A PostgreSQL database named in
--url is dropped and recreated, unless `--reuse` times it as an earlier run built it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench import dashboard_national, dashboard_world
from bench.recap import recreate
from bot.db import make_engine, make_read_sessionmaker, make_sessionmaker, normalise_url
from models.base import add_months, month_of
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
from models.region import Pekon

Query = Callable[[AsyncSession, random.Random], Awaitable[object]]
WARM_UP = 2


@dataclass(frozen=True)
class World:
    """The dates a world's pages are asked about, and its scopes."""

    today: date
    deadline_day: int
    kecamatan: list[str]
    kabupaten: list[str]
    pekon: list[str]

    @property
    def open(self) -> date:
        """The month being reported."""
        return month_of(self.today)

    def month(self, rng: random.Random) -> date:
        """The open month or the one before it, as a page is asked for either."""
        return rng.choice([self.open, add_months(self.open, -1)])


def queries(w: World, national: bool) -> dict[str, Query]:
    """Each query a page makes, on a random scope and month (national: the grids and rates)."""
    today, deadline_day = w.today, w.deadline_day
    grids: dict[str, Query] = {
        "baseline: compute_b3 (chat recap)": lambda s, r: compute_b3(s, r.choice(w.pekon), w.open),
        "kecamatan_grid (12 months)": lambda s, r: kecamatan_grid(
            s, r.choice(w.kecamatan), w.open, today=today, deadline_day=deadline_day
        ),
        "kecamatan_rates": lambda s, r: kecamatan_rates(s, r.choice(w.kecamatan), w.month(r)),
        "kabupaten_grid (12 months)": lambda s, r: kabupaten_grid(
            s, r.choice(w.kabupaten), w.open, today=today, deadline_day=deadline_day
        ),
        "kabupaten_rates": lambda s, r: kabupaten_rates(s, r.choice(w.kabupaten), w.month(r)),
    }
    if national:
        return grids
    return grids | {
        "pekon_page": lambda s, r: pekon_page(s, r.choice(w.pekon), w.month(r), deadline_day=w.deadline_day),
        "number_rows (pekon)": lambda s, r: number_rows(
            s, w.month(r), r.choice(NUMBER_COLUMNS), pekon_kode=r.choice(w.pekon)
        ),
        "number_rows (kecamatan)": lambda s, r: number_rows(
            s, w.month(r), r.choice(NUMBER_COLUMNS), kecamatan_kode=r.choice(w.kecamatan)
        ),
        "kecamatan_trend (12 months)": lambda s, r: kecamatan_trend(s, r.choice(w.kecamatan), w.open),
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


def temp_sqlite_url() -> str:
    """A fresh SQLite file in a temporary directory."""
    return f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"


async def build_world(url: str, national: bool, scale: float) -> None:
    """Recreate (PostgreSQL) or create (SQLite) the database, migrate it and fill it."""
    engine = make_engine(url)
    if url.startswith("postgresql"):
        await recreate(url)
    await asyncio.to_thread(upgrade, url)
    start = time.perf_counter()
    if national:
        counts = await dashboard_national.build(engine, scale)
    else:
        counts = await dashboard_world.build(make_sessionmaker(engine))
        await analyze(engine)
    print(f"{engine.dialect.name}: {counts} (built in {time.perf_counter() - start:.1f} s)")
    await engine.dispose()


async def main(args: argparse.Namespace) -> None:
    """Build, measure, print."""
    url = normalise_url(args.url or temp_sqlite_url())
    if args.reuse:
        print("the database as built before")
    else:
        await build_world(url, args.national, args.scale)
    engine = make_engine(url)
    world = await scopes(make_sessionmaker(engine), args.national)
    # the pages read in read sessions; --write-sessions times them as writers begin (SQLite: IMMEDIATE)
    sessions = make_sessionmaker(engine) if args.write_sessions else make_read_sessionmaker(engine)
    mode = "write" if args.write_sessions else "read"
    print(f"{args.clients} concurrent clients, {args.seconds:.0f} s per query, {mode} sessions\n")
    print(f"{'query':36} {'p50 ms':>8} {'p95 ms':>8} {'calls/s':>8} {'p50/base':>9}")
    base = None
    for name, query in queries(world, args.national).items():
        if args.only and args.only not in name and not name.startswith("baseline"):
            continue
        latencies, wall = await measure(sessions, query, args.clients, args.seconds)
        p50 = p(latencies, 0.5)
        base = base or p50
        print(
            f"{name:36} {p50:8.1f} {p(latencies, 0.95):8.1f} {len(latencies) / wall:8.1f} {p50 / base:8.1f}x"
        )
    await engine.dispose()


async def analyze(engine: AsyncEngine) -> None:
    """PostgreSQL: statistics, as autovacuum gathers them soon after a load (without them the
    planner takes each fresh table for empty and times plans no live database would run)."""
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))


async def scopes(sessionmaker: async_sessionmaker[AsyncSession], national: bool) -> World:
    """The built world's kecamatan, kabupaten and pekon (only kecamatan that have pekon)."""
    async with sessionmaker() as session:
        pekon = list(await session.scalars(select(Pekon.kode).order_by(Pekon.kode)))
    kecamatan = sorted({kode[:8] for kode in pekon})
    kabupaten = sorted({kode[:5] for kode in pekon})
    if national:
        n = dashboard_national
        return World(n.TODAY, n.DEADLINE_DAY, kecamatan, kabupaten, pekon)
    return World(dashboard_world.TODAY, dashboard_world.DEADLINE_DAY, kecamatan, kabupaten, pekon)


def arguments(description: str, only: str) -> argparse.ArgumentParser:
    """The options this bench and bench/dashboard_pages.py share."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--national", action="store_true", help="every desa of Indonesia (PostgreSQL)")
    parser.add_argument("--scale", type=float, default=1.0, help="--national: fraction of the desa")
    parser.add_argument("--reuse", action="store_true", help="time the database --url as built before")
    parser.add_argument("--only", help=only)
    return parser


def parse(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """The options, --national refused without PostgreSQL."""
    parsed = parser.parse_args()
    if parsed.national and not (parsed.url or "").startswith("postgres"):
        parser.error("--national needs a PostgreSQL --url (it loads with COPY)")
    return parsed


if __name__ == "__main__":
    parser = arguments(
        __doc__.splitlines()[0], "time only the queries whose name contains this (and the baseline)"
    )
    parser.add_argument(
        "--write-sessions", action="store_true", help="time in write sessions (SQLite: BEGIN IMMEDIATE)"
    )
    asyncio.run(main(parse(parser)))
