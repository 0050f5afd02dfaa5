"""Inbound throughput: N simulated pemangku report births concurrently through the dispatcher.

Each pemangku is a coroutine that sends the ten messages of a complete birth report one after
another (menu choice, name, sex, date, place, mother, father, NIK, citizenship, Simpan), waiting
for each reply like a person does; all pemangku run at once. No network: messages go straight to
`Dispatcher.dispatch`, which does the whole job (dedupe, state, ledger, outbox) in one transaction.

    .venv/bin/python -m bench.inbound                      # SQLite in a temporary file
    .venv/bin/python -m bench.inbound --url postgresql://postgres@127.0.0.1:5432/bench
    PEMANGKU_BENCH_DATABASE_URL=postgresql://... .venv/bin/python -m bench.inbound --pemangku 400

The schema of the database named by --url is DROPPED and recreated (schema public).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db import make_engine, make_sessionmaker, normalise_url
from bot.dispatcher import Dispatcher
from bot.messages import IncomingMessage
from models.base import add_months, month_of, utcnow, wib_date
from models.migrate import upgrade
from models.period import Baseline
from models.person import Channel, Identity, Member, Role
from models.region import Kecamatan, Pekon, Unit

UNITS_PER_PEKON = 5
SYLLABLES = ("ra", "di", "tu", "sa", "ni", "ko", "me", "la", "wa", "yu", "pe", "ga")
_ids = itertools.count(1)


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
    addresses = []
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


async def person(
    dispatcher: Dispatcher, address: str, reports: int, offset: int, latencies: list[float]
) -> None:
    """One pemangku sending `reports` complete birth reports, message after message."""
    for r in range(reports):
        for line in birth_script(offset * reports + r):
            message = IncomingMessage(
                channel=Channel.CONSOLE,
                sender_id=address,
                external_id=f"bench-{next(_ids)}",
                received_at=utcnow(),
                text=line,
            )
            started = time.perf_counter()
            replies = await dispatcher.dispatch(message)
            latencies.append(time.perf_counter() - started)
            assert replies, f"no reply to {line!r}"
        assert "tersimpan" in replies[0].text, replies[0].text


async def run(url: str, pemangku: int, reports: int) -> None:
    """Seed, run everybody at once, print the figures and check the ledger."""
    await reset(url)
    engine = make_engine(url)
    sessionmaker = make_sessionmaker(engine)
    addresses = await seed(sessionmaker, pemangku)
    dispatcher = Dispatcher(sessionmaker, Settings(database_url=url))
    latencies: list[float] = []
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(person(dispatcher, a, reports, i, latencies) for i, a in enumerate(addresses)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    async with sessionmaker() as s:
        events = await s.scalar(text("SELECT count(*) FROM event"))
        outbox = await s.scalar(text("SELECT count(*) FROM outbox_message"))
    await engine.dispose()
    ordered = sorted(latencies)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"database          {engine.dialect.name}")
    print(f"pemangku          {pemangku} concurrent, {reports} birth report(s) each")
    print(
        f"messages          {len(latencies)} in {elapsed:.2f} s = {len(latencies) / elapsed:.0f} messages/s"
    )
    print(f"latency/message   p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    print(f"bot CPU/message   {cpu / len(latencies) * 1000:.2f} ms (this process; the database is extra)")
    print(f"ledger            {events} events recorded, {outbox} outbox rows")
    assert events == pemangku * reports


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default=os.environ.get("PEMANGKU_BENCH_DATABASE_URL"))
    parser.add_argument("--pemangku", type=int, default=200)
    parser.add_argument("--reports", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = normalise_url(args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        asyncio.run(run(url, args.pemangku, args.reports))


if __name__ == "__main__":
    main()
