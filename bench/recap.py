"""National-scale month close on PostgreSQL.

Builds every desa/kelurahan of Indonesia from the official region list (83,762), 3-6 pemangku units
each, a baseline, and about 700,000 events in one month; then times `close_months` for all of them
(one set-based pass through the same statement as the live B.3) beside one plain SQL aggregate over
the same event rows. Prints the figures. With `--b3 N`, first times `compute_b3` (the chat's and the
pages' B.3 of one pekon, the month still open) for N random pekon, against the statement built anew
for each pekon as it was when the pekon's code was part of the statement (the ratio is printed).

    .venv/bin/python -m bench.recap --url postgresql://postgres@127.0.0.1:5432/bench_recap [--scale 0.1] \
        [--b3 400]

The database named in --url is dropped and recreated.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db import make_engine, make_sessionmaker, normalise_url
from models import b3_statement, recap
from models.migrate import upgrade
from models.months import close_months

WILAYAH = Path(__file__).resolve().parent.parent / "models" / "data" / "wilayah.csv"
PERIOD = date(2026, 10, 1)
EVENTS_PER_UNIT = 700_000 / (83_762 * 4.5)
KIND_WEIGHTS = {"lahir": 15.3, "meninggal": 6.75, "datang": 8.0, "pindah": 6.0}


def read_regions(scale: float) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str, str]]]:
    """(kecamatan rows, pekon rows) of the official table, every desa-level code (or a sample)."""
    rng = random.Random(7)
    kec, pekon = [], []
    with WILAYAH.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["tingkat"] == "kecamatan":
                kec.append((row["kode"], row["nama"], "Kabupaten"))
            elif row["tingkat"] in ("desa", "desa_adat", "kelurahan") and rng.random() < scale:
                pekon.append((row["kode"], row["nama"], row["tingkat"], row["kode"][:8]))
    return kec, pekon


def build_rows(pekon: list[tuple[str, str, str, str]]) -> dict[str, list[tuple[Any, ...]]]:
    """Units, baselines, events and person lines, as COPY records."""
    rng = random.Random(11)
    now = datetime(2026, 11, 2, tzinfo=UTC)
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    units, baselines, events, persons = [], [], [], []
    unit_id = event_id = 0
    for kode, *_ in pekon:
        for seq in range(1, rng.randint(3, 6) + 1):
            unit_id += 1
            units.append((unit_id, f"{kode}-{seq:02d}", kode, seq, f"Dusun {seq}", f"dusun {seq}", now))
            kk = rng.randint(60, 200)
            anggota = kk * rng.randint(2, 3)
            wni_l = (kk + anggota) // 2
            baselines.append((unit_id, unit_id, PERIOD, 0, 0, wni_l, kk + anggota - wni_l, kk, anggota, now))
            for _ in range(_poisson(rng, EVENTS_PER_UNIT)):
                event_id += 1
                kind = rng.choices(kinds, weights)[0]
                day = date(2026, 10, rng.randint(1, 31))
                events.append(
                    (
                        event_id,
                        f"B-{event_id}",
                        unit_id,
                        kode,
                        kind,
                        "report",
                        PERIOD,
                        day,
                        now,
                        "telegram",
                        False,
                        False,
                        now,
                    )
                )
                head = kind != "lahir" and rng.random() < 0.3
                persons.append(
                    (
                        event_id,
                        event_id,
                        unit_id,
                        kode,
                        PERIOD,
                        kind,
                        1,
                        "Nama",
                        "nama",
                        rng.choice("LP"),
                        "WNI",
                        head,
                    )
                )
    return {"unit": units, "baseline": baselines, "event": events, "event_person": persons}


def _poisson(rng: random.Random, mean: float) -> int:
    count, limit, product = 0, pow(2.718281828, -mean), rng.random()
    while product > limit:
        count, product = count + 1, product * rng.random()
    return count


COLUMNS = {
    "kecamatan": ["kode", "nama", "kabupaten_nama"],
    "pekon": ["kode", "nama", "tingkat", "kecamatan_kode"],
    "unit": ["id", "kode", "pekon_kode", "seq", "nama", "nama_norm", "created_at"],
    "baseline": [
        "id",
        "unit_id",
        "period",
        "wna_l",
        "wna_p",
        "wni_l",
        "wni_p",
        "kk",
        "anggota",
        "created_at",
    ],
    "event": [
        "id",
        "receipt",
        "unit_id",
        "pekon_kode",
        "kind",
        "action",
        "period",
        "event_date",
        "reported_at",
        "channel",
        "susulan",
        "after_submit",
        "created_at",
    ],
    "event_person": [
        "id",
        "event_id",
        "unit_id",
        "pekon_kode",
        "period",
        "kind",
        "sign",
        "name",
        "name_norm",
        "sex",
        "citizenship",
        "is_head",
    ],
}


async def load(
    engine: AsyncEngine, tables: dict[str, list[tuple[Any, ...]]], columns: dict[str, list[str]] = COLUMNS
) -> None:
    """COPY every table in, then vacuum and analyze as autovacuum would have by month end."""
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        for name, records in tables.items():
            await raw.copy_records_to_table(name, records=records, columns=columns[name])
        await advance_sequences(conn, [name for name in tables if "id" in columns[name]])
        await conn.commit()
        # Production rows arrive over a month under autovacuum; a fresh bulk load has neither
        # statistics nor hint bits, which would time the first reader's page writes instead.
        await raw.execute("VACUUM ANALYZE")


async def advance_sequences(conn: AsyncConnection, tables: list[str]) -> None:
    """On PostgreSQL, move each table's id sequence past the ids a bulk load set itself, so rows the
    product adds later (a sign-in, a report) get fresh ids (in the caller's transaction; SQLite
    needs nothing)."""
    if conn.dialect.name != "postgresql":
        return
    for name in tables:
        sequence = f"pg_get_serial_sequence('{name}', 'id')"
        await conn.execute(text(f"SELECT setval({sequence}, max(id)) FROM {name} HAVING count(*) > 0"))


async def timed(engine: AsyncEngine) -> tuple[float, float, int]:
    """Seconds for the plain aggregate and for the close; and the snapshot rows written."""
    plain_sql = text(
        "SELECT unit_id, kind, citizenship, sex, is_head, SUM(sign) FROM event_person "
        "WHERE period = :p GROUP BY unit_id, kind, citizenship, sex, is_head"
    )
    async with engine.connect() as conn:
        plain = float("inf")
        for _ in range(2):  # the better of two: the close below also reads warm pages
            start = time.perf_counter()
            (await conn.execute(plain_sql, {"p": PERIOD})).all()
            plain = min(plain, time.perf_counter() - start)
    async with make_sessionmaker(engine)() as session:
        start = time.perf_counter()
        await close_months(session, PERIOD, None, now=datetime(2026, 11, 13, tzinfo=UTC))
        await session.commit()
        close = time.perf_counter() - start
        written = int(await session.scalar(text("SELECT count(*) FROM unit_snapshot")) or 0)
    return plain, close, written


async def time_b3(engine: AsyncEngine, kodes: list[str], rounds: int = 4) -> tuple[float, float]:
    """Median ms per compute_b3: a statement built anew per pekon (before) and the one statement
    for every pekon (now), alternating in `rounds` blocks so both see the same machine load."""
    per_pekon: list[float] = []
    shared: list[float] = []
    async with make_sessionmaker(engine)() as session:
        await recap.compute_b3(session, kodes[0], PERIOD)  # warm the connection and the pages
        for block in range(rounds):
            part = kodes[block::rounds]
            for fresh, out in ((True, per_pekon), (False, shared)):
                for kode in part:
                    if fresh:
                        b3_statement._b3_select.cache_clear()  # as if this pekon's statement was new
                    start = time.perf_counter()
                    await recap.compute_b3(session, kode, PERIOD)
                    out.append(time.perf_counter() - start)
    return _median(per_pekon) * 1000, _median(shared) * 1000


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


async def check(engine: AsyncEngine) -> tuple[int, int]:
    """Births in the snapshots vs birth lines in the ledger: they must agree."""
    async with engine.connect() as conn:
        snap = await conn.scalar(
            text("SELECT sum(lahir_wni_l + lahir_wni_p + lahir_wna_l + lahir_wna_p) FROM unit_snapshot")
        )
        lines = await conn.scalar(text("SELECT count(*) FROM event_person WHERE kind = 'lahir'"))
    return int(snap or 0), int(lines or 0)


async def recreate(url: str) -> None:
    """Drop and create the benchmark database."""
    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
        await conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    await admin.dispose()


async def main(url: str, scale: float, b3: int = 0) -> None:
    """Build, close, print."""
    url = normalise_url(url)
    await recreate(url)
    await asyncio.to_thread(upgrade, url)
    kec, pekon = read_regions(scale)
    start = time.perf_counter()
    tables: dict[str, list[tuple[Any, ...]]] = {"kecamatan": list(kec), "pekon": list(pekon)}
    tables.update(build_rows(pekon))
    engine = make_engine(url)
    await load(engine, tables)
    print(
        f"pekon {len(pekon):,}  units {len(tables['unit']):,}  events {len(tables['event']):,}  "
        f"(generated and loaded in {time.perf_counter() - start:.1f} s)"
    )
    if b3:
        sample = random.Random(5).sample([k for k, *_ in pekon], min(b3, len(pekon)))
        before, now = await time_b3(engine, sample)
        print(f"compute_b3, {len(sample)} pekon, median: statement per pekon {before:.1f} ms, "
              f"one statement {now:.1f} ms, ratio {before / now:.2f}x")  # fmt: skip
    plain, close, written = await timed(engine)
    births_snap, births_lines = await check(engine)
    await engine.dispose()
    print(f"plain aggregate over the month's rows: {plain:.2f} s")
    print(f"close_months for every pekon:          {close:.2f} s  ({written:,} unit snapshots)")
    print(f"ratio close / plain aggregate:         {close / plain:.1f}x")
    print(
        f"births in snapshots {births_snap:,} = birth lines in ledger {births_lines:,}: "
        f"{births_snap == births_lines}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/bench_recap")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the desa to build")
    parser.add_argument("--b3", type=int, default=0, help="time compute_b3 for this many pekon first")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.scale, args.b3))
