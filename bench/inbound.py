"""Inbound throughput: N simulated pemangku report births concurrently through the dispatcher.

Each pemangku is a coroutine that sends the ten messages of a complete birth report one after
another (menu choice, name, sex, date, place, mother, father, NIK, citizenship, Simpan), waiting
for each reply like a person does; all pemangku run at once. No network: messages go straight to
`Dispatcher.dispatch`, which does the whole job (dedupe, state, ledger, outbox) in one transaction.

    .venv/bin/python -m bench.inbound                      # SQLite in a temporary file
    .venv/bin/python -m bench.inbound --url postgresql://postgres@127.0.0.1:5432/bench
    PEMANGKU_BENCH_DATABASE_URL=postgresql://... .venv/bin/python -m bench.inbound --pemangku 400
    .venv/bin/python -m bench.inbound --url postgresql://... --pemangku 400 --reports 1 --rate 230

Without --rate every pemangku sends the next message as soon as the reply is there: the bot is
saturated and the figure is its throughput. With --rate messages arrive at that many per second in all
(Poisson arrivals from random pemangku): the latency a person sees at that load.

The schema of the database named by --url is DROPPED and recreated (schema public).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import os
import queue
import random
import statistics
import tempfile
import time
from multiprocessing import Queue
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.pgbench import ratio_line, tpcb_tps
from bot.config import Settings
from bot.db import make_engine, make_sessionmaker, normalise_url
from bot.dispatcher import Dispatcher
from bot.main import run_loop
from bot.messages import IncomingMessage
from models.base import add_months, month_of, utcnow, wib_date
from models.migrate import upgrade
from models.period import Baseline
from models.person import Channel, Identity, Member, Role
from models.region import Kecamatan, Pekon, Unit

UNITS_PER_PEKON = 5
SYLLABLES = ("ra", "di", "tu", "sa", "ni", "ko", "me", "la", "wa", "yu", "pe", "ga")
_ids = itertools.count(1)
Result = tuple[list[float], float, float, int]  # latencies, wall and CPU seconds, SQL statements


def name(n: int) -> str:
    """A distinct letters-only name for the n-th baby (names may not hold digits)."""
    parts = []
    for _ in range(3):
        n, rest = divmod(n, len(SYLLABLES))
        parts.append(SYLLABLES[rest])
    return "Putri " + "".join(parts).title() + ("" if n == 0 else " " + SYLLABLES[n % len(SYLLABLES)].title())


def birth_script(n: int) -> list[str]:
    """The ten lines of one complete birth report."""
    return ["1", name(n), "P", "kemarin", "Liwa", "Sari", "-", "-", "1", "simpan"]


async def reset(url: str) -> None:
    """An empty, migrated schema (SQLite files are new anyway)."""
    if url.startswith("postgresql"):
        engine = make_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await asyncio.to_thread(upgrade, url)


async def seed(sessionmaker: async_sessionmaker[AsyncSession], pemangku: int) -> list[str]:
    """Pekon of UNITS_PER_PEKON units each, one pemangku per unit; returns their console addresses."""
    baseline = add_months(month_of(wib_date(utcnow())), -1)
    addresses: list[str] = []
    async with sessionmaker() as s, s.begin():
        s.add(Kecamatan(kode="18.04.15", nama="Gedung Surian", kabupaten_nama="Lampung Barat"))
        for p in range((pemangku + UNITS_PER_PEKON - 1) // UNITS_PER_PEKON):
            kode = f"18.04.15.{2001 + p}"
            s.add(Pekon(kode=kode, nama=f"Pekon {p}", tingkat="desa", kecamatan_kode="18.04.15"))
            for seq in range(1, UNITS_PER_PEKON + 1):
                if len(addresses) == pemangku:
                    break
                unit = Unit(
                    kode=f"{kode}-{seq:02d}", pekon_kode=kode, seq=seq, nama=f"U{seq}", nama_norm=f"u{seq}"
                )
                s.add(unit)
                await s.flush()
                s.add(
                    Baseline(
                        unit_id=unit.id,
                        period=baseline,
                        wna_l=0,
                        wna_p=0,
                        wni_l=100,
                        wni_p=100,
                        kk=60,
                        anggota=140,
                    )
                )
                member = Member(name=f"P{len(addresses)}", role=Role.PEMANGKU, unit_id=unit.id)
                s.add(member)
                await s.flush()
                address = f"pemangku-{len(addresses)}"
                s.add(Identity(member_id=member.id, channel=Channel.CONSOLE, address=address))
                addresses.append(address)
    return addresses


def script(offset: int, reports: int) -> list[str]:
    """Every line one pemangku types: `reports` complete birth reports."""
    return [line for r in range(reports) for line in birth_script(offset * reports + r)]


async def say(dispatcher: Dispatcher, address: str, line: str) -> str:
    """One message through the dispatcher; the first reply's text."""
    message = IncomingMessage(
        channel=Channel.CONSOLE,
        sender_id=address,
        external_id=f"bench-{os.getpid()}-{next(_ids)}",
        received_at=utcnow(),
        text=line,
    )
    replies = await dispatcher.dispatch(message)
    assert replies, f"no reply to {line!r}"
    return replies[0].text


async def person(dispatcher: Dispatcher, address: str, lines: list[str], latencies: list[float]) -> None:
    """Closed loop: one pemangku typing the next line as soon as the reply is there."""
    for line in lines:
        started = time.perf_counter()
        answer = await say(dispatcher, address, line)
        latencies.append(time.perf_counter() - started)
    assert "tersimpan" in answer, answer


async def paced(
    dispatcher: Dispatcher, scripts: dict[str, list[str]], rate: float, latencies: list[float]
) -> None:
    """Open loop: messages arrive `rate` per second in all (Poisson), each from a random pemangku
    with lines left; a pemangku's next line waits for the reply to the previous one. Latency counts
    from the arrival."""
    turns = {address: asyncio.Lock() for address in scripts}

    async def arrive(address: str, line: str) -> None:
        arrived = time.perf_counter()
        async with turns[address]:
            await say(dispatcher, address, line)
        latencies.append(time.perf_counter() - arrived)

    order = [address for address, lines in scripts.items() for _ in lines]
    random.shuffle(order)  # people at different points of their reports, as in real life
    typed = {address: iter(lines) for address, lines in scripts.items()}
    tasks, due = [], time.perf_counter()
    for address in order:
        due += random.expovariate(rate)  # an absolute timetable: the loop's delays do not add up
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(arrive(address, next(typed[address]))))
    await asyncio.gather(*tasks)


async def drive(url: str, people: list[tuple[int, str]], reports: int, rate: float | None) -> Result:
    """Run these pemangku at once in this process: (latencies, wall seconds, CPU seconds)."""
    engine = make_engine(url)
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    dispatcher = Dispatcher(make_sessionmaker(engine), Settings(database_url=url))
    scripts = {address: script(i, reports) for i, address in people}
    latencies: list[float] = []
    started, cpu = time.perf_counter(), time.process_time()
    if rate:
        await paced(dispatcher, scripts, rate, latencies)
    else:
        await asyncio.gather(*(person(dispatcher, a, lines, latencies) for a, lines in scripts.items()))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    await engine.dispose()
    return latencies, elapsed, cpu, statements


def _child(
    url: str, people: list[tuple[int, str]], reports: int, rate: float | None, out: Queue[Result]
) -> None:
    out.put(run_loop(drive(url, people, reports, rate)))


def run_processes(
    url: str, people: list[tuple[int, str]], reports: int, processes: int, rate: float | None
) -> list[Result]:
    """Split the pemangku (and the offered rate) over worker processes, each with its own dispatcher
    and connection pool."""
    if processes == 1:
        return [run_loop(drive(url, people, reports, rate))]
    share = rate / processes if rate else None
    context = multiprocessing.get_context("spawn")
    out: Queue[Result] = context.Queue()
    workers = [
        context.Process(target=_child, args=(url, people[n::processes], reports, share, out))
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    results: list[Result] = []
    while len(results) < len(workers):
        try:
            results.append(out.get(timeout=5))
        except queue.Empty:
            if any(w.exitcode not in (None, 0) for w in workers):
                raise SystemExit("a bench process failed") from None
    for worker in workers:
        worker.join()
    return results


async def ledger_counts(url: str) -> tuple[int, int]:
    """Events and outbox rows written."""
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as s:
        events = int(await s.scalar(text("SELECT count(*) FROM event")) or 0)
        outbox = int(await s.scalar(text("SELECT count(*) FROM outbox_message")) or 0)
    await engine.dispose()
    return events, outbox


def run(url: str, pemangku: int, reports: int, processes: int, rate: float | None) -> float:
    """Seed, run everybody at once, print the figures and check the ledger; messages/s."""
    addresses = asyncio.run(prepare(url, pemangku))
    results = run_processes(url, list(enumerate(addresses)), reports, processes, rate)
    latencies = sorted(x for r in results for x in r[0])
    elapsed = max(r[1] for r in results)
    cpu = sum(r[2] for r in results)
    statements = sum(r[3] for r in results)
    events, outbox = asyncio.run(ledger_counts(url))
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"database          {url.split(':', 1)[0]}, {processes} bot process(es)")
    pace = f"offering {rate:.0f} messages/s in all" if rate else "each as fast as the bot answers"
    print(f"pemangku          {pemangku} concurrent, {reports} birth report(s) each, {pace}")
    print(
        f"messages          {len(latencies)} in {elapsed:.2f} s = {len(latencies) / elapsed:.0f} messages/s"
    )
    print(f"latency/message   p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    print(f"bot CPU/message   {cpu / len(latencies) * 1000:.2f} ms (bot processes; the database is extra)")
    print(f"SQL/message       {statements / len(latencies):.2f} statements (BEGIN and COMMIT not counted)")
    print(f"ledger            {events} events recorded, {outbox} outbox rows")
    assert events == pemangku * reports
    return len(latencies) / elapsed


async def prepare(url: str, pemangku: int) -> list[str]:
    """A fresh schema with the seeded pemangku; their addresses."""
    await reset(url)
    engine = make_engine(url)
    addresses = await seed(make_sessionmaker(engine), pemangku)
    await engine.dispose()
    return addresses


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default=os.environ.get("PEMANGKU_BENCH_DATABASE_URL"))
    parser.add_argument("--pemangku", type=int, default=200)
    parser.add_argument("--reports", type=int, default=3)
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1],
        help="bot processes sharing the pemangku (one run each)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        help="messages/s offered by all pemangku together (people pause between "
        "messages; latency at a given load) instead of saturating the bot (throughput)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = normalise_url(args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        tps = tpcb_tps(url)
        figures = {n: run(url, args.pemangku * n, args.reports, n, args.rate) for n in args.processes}
        after = tpcb_tps(url)
    tps = (tps + after) / 2 if tps and after else tps
    print()
    for n, throughput in figures.items():
        print(ratio_line(f"{n} process(es), {args.pemangku * n} pemangku", throughput, tps))


if __name__ == "__main__":
    main()
