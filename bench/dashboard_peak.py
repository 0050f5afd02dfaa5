"""The dashboard's pages at the month's peak: kept per scope against kept while the whole ledger stands.

While the 8 clients of bench/dashboard_pages.py read each page, a writer process records births and
monthly reports at a steady `--rate` (default 20/s) on random units of random kecamatan, through
the product's models functions (models.ledger.record_event and submit_report, committed one by
one). Each page is timed against two servers in turn, in the same run, under the same writes: the
product, whose figures are kept while their pekon's, kecamatan's or kabupaten's part of the ledger
stands (models.dashboard_cache), and the baseline, the same cache keyed by the global ledger
version (`GlobalFigures`: max ids of events, reports, snapshots, units, baselines and reopens, as
before), which any write anywhere moves. Prints p50/p95 of each and the ratio of the p50s.

    .venv/bin/python -m bench.dashboard_peak --url postgresql://postgres@127.0.0.1:5432/bench_peak_lb
    .venv/bin/python -m bench.dashboard_peak --url postgresql://…/bench_peak_nat --national --scale 0.1
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench import dashboard as queries_bench
from bench.dashboard_pages import Server, measure_page, now_of, page_paths, prepare, serve, sign_in
from bot.db import make_engine, make_sessionmaker, normalise_url
from models.audit import AuditEntry
from models.dashboard_cache import FigureCache, Version
from models.event import Event, EventKind, Sex
from models.ledger import LedgerError, record_event, submit_report
from models.period import Baseline, ReportStatus, UnitReport, UnitSnapshot
from models.person_input import PersonInput
from models.region import Unit

GLOBAL_KEY = "bench_global_version"
_GLOBAL = select(
    *(
        select(part).scalar_subquery()
        for part in (
            func.max(Event.id),  # first: left out for the figures events do not change
            func.max(UnitReport.id),
            func.max(UnitReport.submitted_at),
            func.max(UnitSnapshot.id),
            func.max(Unit.id),
            func.max(Baseline.id),
        )
    ),
    select(func.max(AuditEntry.id)).where(AuditEntry.entity == "pekon_month").scalar_subquery(),
)


class GlobalFigures(FigureCache):
    """The baseline: every figure kept with the global ledger version, whatever its scope."""

    async def version(self, session: AsyncSession, scope: str) -> Version | None:
        if GLOBAL_KEY not in session.info:
            session.info[GLOBAL_KEY] = tuple((await session.execute(_GLOBAL)).one())
        version: Version = session.info[GLOBAL_KEY]
        return version


async def write(url: str, national: bool, rate: float) -> None:
    """The writer child: a birth (3 in 4) or a monthly report on a random unit of a random
    kecamatan every 1/rate s, until stdin closes; prints how many were written and refused."""
    engine = make_engine(url)
    sessionmaker = make_sessionmaker(engine)
    world = await queries_bench.scopes(sessionmaker, national)
    now, stop = now_of(world.today), asyncio.ensure_future(asyncio.to_thread(sys.stdin.read))
    units = await _units_by_kecamatan(sessionmaker)
    rng, done, refused, began = random.Random(os.getpid()), 0, 0, time.perf_counter()
    print("ready", flush=True)
    while not stop.done():
        unit_id = rng.choice(units[rng.choice(list(units))])
        try:
            await _one(sessionmaker, unit_id, rng.random() < 0.75, world, now)
            done += 1
        except LedgerError:  # the pekon's month is closed: refused, as the chat would answer
            refused += 1
        await asyncio.sleep(max(0.0, began + (done + refused) / rate - time.perf_counter()))
    print(f"{done} {refused} {time.perf_counter() - began:.1f}", flush=True)
    await engine.dispose()


async def _units_by_kecamatan(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, list[int]]:
    async with sessionmaker() as session:
        rows = await session.execute(select(Unit.id, Unit.pekon_kode))
    units: dict[str, list[int]] = defaultdict(list)
    for unit_id, pekon in rows:
        units[pekon[:8]].append(unit_id)
    return units


async def _one(
    sessionmaker: async_sessionmaker[AsyncSession],
    unit_id: int,
    birth: bool,
    world: queries_bench.World,
    now: datetime,
) -> None:
    days, sent = world.deadline_day, ReportStatus.SUBMITTED
    async with sessionmaker() as session:
        unit = await session.get(Unit, unit_id)
        assert unit is not None
        if birth:
            baby = [PersonInput("Bayi Puncak", Sex.P)]
            await record_event(session, unit=unit, kind=EventKind.LAHIR, persons=baby, reporter_id=None,
                               event_date=world.today, channel="console", now=now)  # fmt: skip
        else:
            await submit_report(session, unit=unit, period=world.open, status=sent,
                                member_id=None, channel="console", deadline_day=days, now=now)  # fmt: skip
        await session.commit()


async def main(args: argparse.Namespace) -> None:
    """Build (or reuse), serve the product and the baseline, start the writer, time every page."""
    url, engine, world, sample = await prepare(args)
    module = "bench.dashboard_peak"
    servers = [await Server.start(url, args.national, flags, module) for flags in ([], ["--cold"])]
    writer = await Server.start(url, args.national, ["--write", str(args.rate)], module)
    try:
        codes = [kode for level in sample.values() for kode in level]
        sessionmaker, now = make_sessionmaker(engine), now_of(world.today)
        signed = [await sign_in(sessionmaker, s.base, now, codes) for s in servers]
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{args.clients} keep-alive clients, {args.seconds:.0f} s per page and server, "
              f"writes {args.rate}/s; load average {load}\n")  # fmt: skip
        print(f"{'':34} {'kept per scope':>17} {'global version':>17}")
        print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>7}")
        for name, ask in page_paths(world, sample).items():
            if args.only and args.only not in name:
                continue
            timed = [await measure_page(s.base, cookies, ask, args.clients, args.seconds)
                     for s, cookies in zip(servers, signed, strict=True)]  # fmt: skip
            (scoped, _), (whole, _) = timed[0][0], timed[1][0]
            p = queries_bench.p
            failures = sum(t[1] for t in timed)
            print(f"{name:34} {p(scoped, 0.5):8.1f} {p(scoped, 0.95):8.1f} {p(whole, 0.5):8.1f} "
                  f"{p(whole, 0.95):8.1f} {p(whole, 0.5) / p(scoped, 0.5):6.1f}x"
                  + (f"  ({failures} not 200)" if failures else ""))  # fmt: skip
    finally:
        await writer.stop()
        for server in servers:
            await server.stop()
        await engine.dispose()
    assert writer.child.stdout is not None
    written, refused, seconds = (await writer.child.stdout.read()).split()
    print(f"\nwriter: {int(written)} written, {int(refused)} refused in {float(seconds):.0f} s "
          f"({int(written) / float(seconds):.1f}/s); load average {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    parser = queries_bench.arguments(__doc__.splitlines()[0], "time only the pages whose name contains this")
    parser.add_argument("--rate", type=float, default=20.0, help="ledger writes a second during the run")
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)  # the baseline child
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # a server child's port
    parser.add_argument("--write", type=float, help=argparse.SUPPRESS)  # the writer child's rate
    arguments = queries_bench.parse(parser)
    url = normalise_url(arguments.url or "")
    if arguments.write is not None:
        asyncio.run(write(url, arguments.national, arguments.write))
    elif arguments.serve is not None:
        figures = GlobalFigures() if arguments.cold else FigureCache()
        asyncio.run(serve(url, arguments.serve, arguments.national, figures))
    else:
        asyncio.run(main(arguments))
