"""The monthly close of a whole kabupaten: all 136 pekon of Lampung Barat, 4 pemangku units each.

Seeds November 2026 baselines (about 313,000 people) and a realistic November: about 400 births,
175 deaths, 130 arrivals and 150 departures, most units submitted, some NIHIL, a few missing; two
staff per pekon and a camat per kecamatan. Then times the jobs' own passes as the scheduler runs them
on 12 December: the month close (one set-based pass) and the delivery (B.2/B.3 XLSX and PDF for every
pekon, the 15 kecamatan roll-ups, the outbox rows to every staff and camat). Prints the figures.

    .venv/bin/python -m bench.month_close                 # SQLite in a temporary directory
    .venv/bin/python -m bench.month_close --url postgresql://postgres@127.0.0.1:5432/bench --reset
    .venv/bin/python -m bench.month_close --out ./bench-output   # also write the files
    .venv/bin/python -m bench.month_close --inline        # render in one process (no workers)

--reset drops and recreates the public schema of the PostgreSQL database named in --url.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import make_engine, make_sessionmaker, normalise_url
from jobs.context import JobContext, Schedule
from jobs.delivery import deliver_closed
from jobs.documents.render import PARALLEL_FROM
from jobs.month_close import run_month_close
from models.base import WIB
from models.event import Citizenship, Event, EventKind, EventPerson
from models.migrate import upgrade
from models.outbox import OutboxMessage, StoredDocument
from models.period import Baseline, ReportStatus, UnitReport
from models.person import Channel, Identity, Member, Role
from models.region import Kecamatan, Pekon, Unit

# The official region table packaged with the project; Lampung Barat is kabupaten 18.04.
WILAYAH = Path(__file__).resolve().parent.parent / "models" / "data" / "wilayah.csv"
KABUPATEN = "18.04."
NOV = date(2026, 11, 1)
EVENTS = {EventKind.LAHIR: 400, EventKind.MENINGGAL: 175, EventKind.DATANG: 130, EventKind.PINDAH: 150}
UNITS_PER_PEKON = 4


def read_wilayah(path: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(kecamatan rows, pekon rows) of Lampung Barat."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows = [r for r in rows if r["kode"].startswith(KABUPATEN)]
    kecamatan = [r for r in rows if r["tingkat"] == "kecamatan"]
    pekon = [r for r in rows if r["tingkat"] in ("desa", "kelurahan", "desa_adat")]
    return kecamatan, pekon


def _regions(session: AsyncSession, path: Path, rng: random.Random) -> list[Unit]:
    kecamatan, pekon = read_wilayah(path)
    session.add_all(
        Kecamatan(kode=k["kode"], nama=k["nama"], kabupaten_nama="Kabupaten Lampung Barat") for k in kecamatan
    )
    session.add_all(
        Pekon(kode=p["kode"], nama=p["nama"], tingkat=p["tingkat"], kecamatan_kode=p["kode"][:8])
        for p in pekon
    )
    units = [
        Unit(
            kode=f"{p['kode']}-{s:02d}",
            pekon_kode=p["kode"],
            seq=s,
            nama=f"Pemangku {s}",
            nama_norm=f"pemangku {s}",
        )
        for p in pekon
        for s in range(1, UNITS_PER_PEKON + 1)
    ]
    session.add_all(units)
    for k in kecamatan:
        session.add(Member(name=f"Camat {k['nama']}", role=Role.CAMAT, kecamatan_kode=k["kode"]))
    for p in pekon:
        for title in ("Sekdes", "Operator"):
            session.add(Member(name=f"{title} {p['nama']}", role=Role.STAFF, pekon_kode=p["kode"]))
    return units


def _baseline(unit: Unit, rng: random.Random) -> Baseline:
    kk = rng.randint(150, 190)
    anggota = rng.randint(380, 420)
    wni_l = (kk + anggota) // 2 - rng.randint(0, 3)
    wna = 1 if rng.random() < 0.02 else 0
    return Baseline(
        unit_id=unit.id,
        period=NOV,
        wna_l=0,
        wna_p=wna,
        wni_l=wni_l,
        wni_p=kk + anggota - wni_l - wna,
        kk=kk,
        anggota=anggota,
    )


def _event(n: int, unit: Unit, kind: EventKind, rng: random.Random, reported: datetime) -> Event:
    day = date(2026, 11, rng.randint(1, 28))
    person = EventPerson(
        unit_id=unit.id,
        pekon_kode=unit.pekon_kode,
        period=NOV,
        kind=kind,
        sign=1,
        name=f"Warga {n}",
        name_norm=f"warga {n}",
        sex=rng.choice("LP"),
        citizenship=Citizenship.WNI,
        is_head=kind != EventKind.LAHIR and rng.random() < 0.3,
        birth_place="Liwa",
        birth_date=day if kind == EventKind.LAHIR else date(1960 + rng.randint(0, 40), 1, 1),
        mother_name="Ibu" if kind == EventKind.LAHIR else None,
        origin="Bandar Lampung" if kind == EventKind.DATANG else None,
        destination="Kota Metro" if kind == EventKind.PINDAH else None,
        death_place="Rumah" if kind == EventKind.MENINGGAL else None,
    )
    return Event(
        receipt=f"B-{n:06d}",
        unit_id=unit.id,
        pekon_kode=unit.pekon_kode,
        kind=kind,
        period=NOV,
        event_date=day,
        reported_at=reported,
        channel="telegram",
        persons=[person],
    )


async def seed(sessionmaker: async_sessionmaker[AsyncSession], path: Path) -> int:
    """Regions, units, people, baselines, and November's events and reports."""
    rng = random.Random(2026)
    reported = datetime(2026, 11, 30, 3, tzinfo=UTC)
    async with sessionmaker() as session:
        units = _regions(session, path, rng)
        await session.flush()
        session.add_all(_baseline(u, rng) for u in units)
        members = list(await session.scalars(select(Member)))
        session.add_all(
            Identity(member_id=m.id, channel=Channel.CONSOLE, address=f"m{m.id}") for m in members
        )
        counts = {u.id: 0 for u in units}
        # deaths and departures go to units with room for them: every unit has hundreds of people
        events = [_event(n, rng.choice(units), kind, rng, reported) for n, kind in enumerate(_kinds(rng))]
        for event in events:
            counts[event.unit_id] += 1
        session.add_all(events)
        for unit in units:
            roll = rng.random()
            if roll < 0.05 and counts[unit.id] == 0:
                continue  # missing
            status = ReportStatus.SUBMITTED if counts[unit.id] or roll > 0.3 else ReportStatus.NIHIL
            session.add(
                UnitReport(
                    unit_id=unit.id, period=NOV, status=status, submitted_at=reported, channel="telegram"
                )
            )
        await session.commit()
    return len(events)


def _kinds(rng: random.Random) -> list[EventKind]:
    kinds = [kind for kind, n in EVENTS.items() for _ in range(n)]
    rng.shuffle(kinds)
    return kinds


async def measure(url: str, out: Path | None, parallel_from: int) -> list[tuple[str, bytes]]:
    """Seed, then time the close and the delivery passes; print the figures."""
    engine = make_engine(url)
    sessionmaker = make_sessionmaker(engine)
    t0 = time.perf_counter()
    events = await seed(sessionmaker, WILAYAH)
    print(f"seeded {events} events in {time.perf_counter() - t0:.1f} s ({engine.dialect.name})")
    ctx = JobContext(sessionmaker, Schedule())
    closing = datetime(2026, 12, 12, 8, tzinfo=WIB)
    t1, c1 = time.perf_counter(), time.process_time()
    closed = await run_month_close(ctx, closing)
    t2 = time.perf_counter()
    async with sessionmaker() as session:
        queued = await deliver_closed(session, ctx.schedule, closing + timedelta(minutes=5), parallel_from)
        await session.commit()
    t3, c3 = time.perf_counter(), time.process_time()
    async with sessionmaker() as session:
        files = int(await session.scalar(select(func.count()).select_from(StoredDocument)) or 0)
        size = int(await session.scalar(select(func.sum(func.length(StoredDocument.content)))) or 0)
        rows = int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
        stored = (
            [(d.filename, d.content) for d in await session.scalars(select(StoredDocument))] if out else []
        )
    await engine.dispose()
    print(f"close:    {closed} pekon-months closed in {t2 - t1:.2f} s")
    print(
        f"delivery: {files} files ({size / 1e6:.1f} MB), {queued} outbox rows ({rows} in all) "
        f"in {t3 - t2:.2f} s"
    )
    print(f"total:    {t3 - t1:.2f} s for close + documents + delivery of 136 pekon (goal < 15 s)")
    print(f"cpu:      {c3 - c1:.2f} s in this process (rendering runs in worker processes unless --inline)")
    print(
        f"load:     {os.getloadavg()[0]:.2f} (1-minute load average of the machine, {os.cpu_count()} cores)"
    )
    return stored


async def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema (only with --reset)."""
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def main() -> None:
    """Parse arguments, prepare an empty database, run the benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="PostgreSQL URL (default: SQLite in a temporary directory)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the schema of --url")
    parser.add_argument("--out", type=Path, help="also write every generated file here")
    parser.add_argument("--inline", action="store_true", help="render in this process, no worker processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = normalise_url(args.url) if args.url else f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        if args.url and args.reset:
            asyncio.run(reset_postgres(url))
        upgrade(url)
        stored = asyncio.run(measure(url, args.out, 10**9 if args.inline else PARALLEL_FROM))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, content in stored:
            (args.out / name).write_bytes(content)


if __name__ == "__main__":
    main()
