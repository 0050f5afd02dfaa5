"""Beneficiary lists against a kabupaten's year of ledger: 136 pekon of Lampung Barat, about 10,000
person lines (a year of deaths, moves and births), and one 50,000-row list (a PKH/PBI-sized extract
made by the tests' generator: typos, honorifics, missing and mistyped NIKs, strangers).

Times the import (read, validate, store) and the check (matching every pekon, then its findings), and
prints rows per second. Baselines measured in the same run: the store against the per-pekon import it
replaced (bench/reconcile_baseline.py, rolled back), the import against the csv module and a bare
bulk insert of the same rows, with the peak RSS after each phase; the check against one exact-NIK
SQL join (certain matches only), and against the per-pekon path it replaced (tests/reconcile/oracle.py),
timed on 40 pekon and scaled.

    .venv/bin/python -m bench.reconcile                   # SQLite in a temporary directory
    .venv/bin/python -m bench.reconcile --url postgresql://postgres@127.0.0.1:5432/bench_reconcile

--url's database is dropped and recreated (a SQLite file deleted) unless `--reuse` times it as an
earlier run seeded it (its lists, rows and matches are deleted first; the same list is made again).
The import's memory: peak RSS growth per row of the product (streamed) and of the whole-file path
it replaced, each in a child process, at `--memory-rows` rows (default 50,000 and 200,000).

`--national --scale 0.05` runs on PostgreSQL against bench/recap.py's data (a sample of every desa
of Indonesia with its units and a month of events; the database in --url is recreated), the person
lines given names, NIKs and birth dates by the tests' generator, and a list of about 120 rows per
pekon (a PKH-sized national list: ~10 million families over 83,762 desa) with a DESA column.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bench import import_memory, recap
from bench.month_close import WILAYAH, read_wilayah
from bench.reconcile_baseline import store_lists_per_pekon
from bench.whole_file import plan_list, read_list
from bot.db import make_engine, make_sessionmaker, normalise_url
from models.beneficiary import Beneficiary, BeneficiaryList, BeneficiaryMatch
from models.beneficiary_findings import findings_by_pekon, findings_count_by_pekon
from models.beneficiary_import import ListMeta, store_lists
from models.beneficiary_match import refresh_matches, refresh_matches_in
from models.beneficiary_stream import BATCH, import_list
from models.event import Event, EventPerson
from models.migrate import upgrade
from models.region import Kecamatan, Pekon, Unit
from tests.reconcile.oracle import oracle_findings
from tests.reconcile.world import LedgerPerson, ledger_people, noisy_list

LINES, LIST_ROWS = 10_000, 50_000
NATIONAL_ROWS_PER_PEKON = 120
SAMPLE = 40  # pekon the per-pekon baseline is timed on
PERSON_COLUMNS = [*recap.COLUMNS["event_person"], "nik", "birth_date"]
NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)


async def seed(session: AsyncSession, rng: random.Random, reuse: bool = False) -> tuple[list[Pekon], bytes]:
    """The kabupaten, its ledger lines and the list file (with a DESA column); with `reuse`, the
    same list file of the ledger an earlier run wrote (the generator draws the same), and no list."""
    if reuse:
        return await _reused(session, rng)
    kecamatan, pekon_rows = read_wilayah(WILAYAH)
    session.add_all(
        Kecamatan(kode=k["kode"], nama=k["nama"], kabupaten_nama="Kabupaten Lampung Barat") for k in kecamatan
    )
    pekons = [
        Pekon(kode=p["kode"], nama=p["nama"], tingkat=p["tingkat"], kecamatan_kode=p["kode"][:8])
        for p in pekon_rows
    ]
    session.add_all(pekons)
    await session.flush()
    per_pekon = LINES // len(pekons)
    out = io.StringIO()
    out.write("NIK;NAMA;TGL LAHIR;JK;DESA\n")
    for n, pekon in enumerate(pekons):
        unit = Unit(
            kode=f"{pekon.kode}-01", pekon_kode=pekon.kode, seq=1, nama="Pemangku 1", nama_norm="pemangku 1"
        )
        session.add(unit)
        await session.flush()
        people = ledger_people(rng, per_pekon)
        events = [
            {"receipt": f"B-{n}-{p.key}", "unit_id": unit.id, "pekon_kode": pekon.kode, "kind": p.kind,
             "action": "report", "period": p.event_date.replace(day=1), "event_date": p.event_date,
             "reported_at": NOW, "channel": "console"}
            for p in people
        ]  # fmt: skip
        ids = list(await session.scalars(insert(Event).returning(Event.id), events))
        await session.execute(
            insert(EventPerson),
            [
                {"event_id": i, "unit_id": unit.id, "pekon_kode": pekon.kode,
                 "period": p.event_date.replace(day=1), "kind": p.kind, "sign": 1, "name": p.name,
                 "name_norm": p.name.casefold(), "sex": p.sex, "birth_date": p.birth_date, "nik": p.nik}
                for i, p in zip(ids, people, strict=True)
            ],
        )  # fmt: skip
        _list_rows(out, rng, pekon.kode, people, len(pekons))
    await session.commit()
    return pekons, out.getvalue().encode()


async def _reused(session: AsyncSession, rng: random.Random) -> tuple[list[Pekon], bytes]:
    """An earlier run's kabupaten with its lists gone, and the list file that run made."""
    order = {p["kode"]: n for n, p in enumerate(read_wilayah(WILAYAH)[1])}  # as `seed` drew them
    pekons = sorted(await session.scalars(select(Pekon)), key=lambda p: order[p.kode])
    if not pekons:
        raise SystemExit("--reuse: the database holds no pekon; run once without --reuse")
    await session.execute(delete(BeneficiaryMatch))
    await session.execute(delete(Beneficiary))
    await session.execute(update(BeneficiaryList).values(replaced_by_id=None))
    await session.execute(delete(BeneficiaryList))
    await session.commit()
    per_pekon = LINES // len(pekons)
    out = io.StringIO()
    out.write("NIK;NAMA;TGL LAHIR;JK;DESA\n")
    for pekon in pekons:
        _list_rows(out, rng, pekon.kode, ledger_people(rng, per_pekon), len(pekons))
    return pekons, out.getvalue().encode()


def _list_rows(
    out: io.StringIO, rng: random.Random, kode: str, people: list[LedgerPerson], pekons: int
) -> None:
    """A pekon's rows of the list: most of its ledger people, noisy, and strangers."""
    per_pekon = LINES // pekons
    rows = noisy_list(rng, people, share=0.6, strangers=max(0, LIST_ROWS // pekons - int(per_pekon * 0.5)))
    for row in rows:
        born = f"{row.birth_date:%d-%m-%Y}" if row.birth_date else ""
        out.write(f"{row.nik or ''};{row.name};{born};{row.sex or ''};{kode}\n")


async def baseline_import(session: AsyncSession, data: bytes) -> float:
    """csv.reader and one bulk insert of the same rows into a scratch list: the floor of an import."""
    start = time.perf_counter()
    rows = list(csv.reader(io.StringIO(data.decode()), delimiter=";"))[1:]
    scratch = BeneficiaryList(
        pekon_kode=rows[0][4], program="BASE", source="-", as_of=date(2026, 1, 1), imported_by="-", rows=0
    )
    session.add(scratch)
    await session.flush()
    values = [
        {"list_id": scratch.id, "line": n, "nik": r[0] or None, "name": r[1], "name_key": r[1]}
        for n, r in enumerate(rows)
    ]
    for s in range(0, len(values), 1000):
        await session.execute(insert(Beneficiary.__table__), values[s : s + 1000])  # type: ignore[arg-type]
    await session.rollback()
    return time.perf_counter() - start


async def baseline_check(session: AsyncSession) -> float:
    """Certain matches only, by one SQL join on NIK: the floor of a check."""
    start = time.perf_counter()
    await session.scalar(
        select(func.count()).select_from(Beneficiary).join(EventPerson, EventPerson.nik == Beneficiary.nik)
        .join(BeneficiaryList, BeneficiaryList.id == Beneficiary.list_id)
        .where(BeneficiaryList.pekon_kode == EventPerson.pekon_kode)
    )  # fmt: skip
    return time.perf_counter() - start


def national_rows(scale: float, rng: random.Random) -> tuple[dict[str, list[tuple[object, ...]]], bytes]:
    """bench/recap.py's tables with named person lines, and the national list file."""
    kecamatan, pekon = recap.read_regions(scale)
    tables: dict[str, list[tuple[object, ...]]] = {"kecamatan": list(kecamatan), "pekon": list(pekon)}
    tables.update(recap.build_rows(pekon))
    by_pekon: dict[str, list[int]] = {}
    for index, line in enumerate(tables["event_person"]):
        by_pekon.setdefault(str(line[3]), []).append(index)
    out = io.StringIO()
    out.write("NIK;NAMA;TGL LAHIR;JK;DESA\n")
    for kode, *_ in pekon:
        indexes = by_pekon.get(kode, [])
        people = ledger_people(rng, len(indexes))
        for index, person in zip(indexes, people, strict=True):
            line = tables["event_person"][index]
            named = (person.name, person.name.casefold(), person.sex)
            tables["event_person"][index] = (*line[:7], *named, *line[10:], person.nik, person.birth_date)
        strangers = max(0, NATIONAL_ROWS_PER_PEKON - int(len(people) * 0.6))
        for row in noisy_list(rng, people, share=0.6, strangers=strangers):
            born = f"{row.birth_date:%d-%m-%Y}" if row.birth_date else ""
            out.write(f"{row.nik or ''};{row.name};{born};{row.sex or ''};{kode}\n")
    return tables, out.getvalue().encode()


async def fresh(url: str) -> None:
    """An empty database at `url`: PostgreSQL's dropped and created again, a SQLite file deleted (so
    a second run does not meet the first one's rows)."""
    target = make_url(url)
    if target.get_backend_name() == "postgresql":
        await recap.recreate(url)
    elif target.database and target.database != ":memory:":
        await asyncio.to_thread(Path(target.database).unlink, missing_ok=True)


async def seed_national(url: str, scale: float) -> tuple[list[Pekon], bytes]:
    """Recreate the database and load the national data (COPY)."""
    await recap.recreate(url)
    await asyncio.to_thread(upgrade, url)
    tables, data = national_rows(scale, random.Random(14))
    engine = make_engine(url)
    await recap.load(engine, tables, recap.COLUMNS | {"event_person": PERSON_COLUMNS})
    async with make_sessionmaker(engine)() as session:
        pekons = list(await session.scalars(select(Pekon).order_by(Pekon.kode)))
    await engine.dispose()
    return pekons, data


async def main(url: str, memory_rows: list[int], scale: float | None = None, reuse: bool = False) -> None:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    if scale is None:
        async with sessions() as session:
            pekons, data = await seed(session, random.Random(14), reuse)
    else:
        pekons, data = await seed_national(url, scale)
    rows = data.count(b"\n") - 1
    memory = await asyncio.to_thread(import_memory.measure, url, data, memory_rows)
    async with sessions() as session:
        base_import = await baseline_import(session, data)
        imported = await timed_import(session, data, pekons)
    kodes = [p.kode for p in pekons]
    sample = kodes[:: max(1, len(kodes) // SAMPLE)]
    async with sessions() as session:
        start = time.perf_counter()
        await refresh_matches_in(session, kodes)
        await session.commit()
        matched = time.perf_counter() - start
        counted = await findings_count_by_pekon(session, kodes)
        check = time.perf_counter() - start
        every = await findings_by_pekon(session, kodes)
        documents = time.perf_counter() - start - check
        base_check = await baseline_check(session)
        per_pekon = await baseline_per_pekon(session, sample)
        made = await session.scalar(select(func.count(BeneficiaryMatch.id)))
        lines = await session.scalar(select(func.count(EventPerson.id)))
    await engine.dispose()
    assert sum(counted.values()) == sum(len(found) for found in every.values())
    print(f"{engine.dialect.name}: {len(pekons)} pekon, {lines:,} ledger person lines, {rows:,} list rows")
    print_import(imported, rows, base_import)
    import_memory.report(memory)
    print(f"check:  {check:.2f} s ({rows / check:,.0f} rows/s): matching {matched:.2f} s, then the findings")
    print(f"        counted ({check - matched:.2f} s); {made:,} matches, {sum(counted.values()):,} findings")
    print(f"        exact-NIK SQL join alone {base_check:.3f} s, ratio {check / max(base_check, 1e-6):.0f}x")
    print(f"every pekon's findings with B.2 row numbers (what daftar cek prints): {documents:.2f} s more")
    print_baseline(per_pekon, len(kodes), matched, check - matched, documents)


async def timed_import(session: AsyncSession, data: bytes, pekons: list[Pekon]) -> dict[str, float]:
    """The product's streamed import (rolled back), the whole-file path it replaced (read, validate,
    then the set-based store; its store again pekon by pekon; rolled back), the streamed import
    again, committed for the check. Seconds per phase."""
    meta = ListMeta("PKH", "bench.csv", date(2026, 9, 1), "bench")
    took: dict[str, float] = {}
    start = time.perf_counter()
    await import_list(session, data, pekons, meta, date(2026, 11, 20))
    took["streamed_first"] = time.perf_counter() - start
    await session.rollback()
    start = time.perf_counter()
    listed = read_list(data)
    took["read"] = time.perf_counter() - start
    planned = await plan_list(session, listed, pekons, date(2026, 11, 20))
    took["plan"] = time.perf_counter() - start - took["read"]
    start = time.perf_counter()
    await store_lists(session, planned, meta)
    took["store"] = time.perf_counter() - start
    await session.rollback()
    start = time.perf_counter()
    await store_lists_per_pekon(session, planned, meta)
    took["per_pekon"] = time.perf_counter() - start
    await session.rollback()
    del listed, planned
    start = time.perf_counter()
    await import_list(session, data, pekons, meta, date(2026, 11, 20))
    await session.commit()
    took["streamed"] = time.perf_counter() - start
    return took


def print_import(took: dict[str, float], rows: int, base_import: float) -> None:
    """The product's streamed import against the whole-file path of the same run, its phases, and
    the per-pekon store before that."""
    whole = took["read"] + took["plan"] + took["store"]
    first, streamed = took["streamed_first"], took["streamed"]
    print(
        f"import: {streamed:.2f} s ({rows / streamed:,.0f} rows/s) streamed in batches of {BATCH:,}"
        f" ({first:.2f} s before the whole-file path); whole-file path {whole:.2f} s ({rows / whole:,.0f}"
        f" rows/s), ratio {whole / streamed:.2f}x ({whole / first:.2f}x)"
    )
    print(
        f"        whole-file: read {took['read']:.2f} s, validate {took['plan']:.2f} s, store"
        f" {took['store']:.2f} s; per-pekon store {took['per_pekon']:.2f} s, ratio"
        f" {took['per_pekon'] / took['store']:.1f}x"
    )
    print(f"        csv + bulk insert alone {base_import:.2f} s, ratio {streamed / base_import:.1f}x")


async def baseline_per_pekon(session: AsyncSession, sample: list[str]) -> dict[str, float]:
    """The per-pekon path (before issue 14's set-based rewrite) on a sample of pekon, seconds per
    pekon, on the same statistics: the old findings count and findings (tests/reconcile/oracle.py),
    then matching pekon by pekon once the sample's matches are deleted (rolled back)."""
    cost = {}
    for name, b2 in (("count", False), ("findings", True)):
        start = time.perf_counter()
        for kode in sample:
            await oracle_findings(session, kode, b2=b2)
        cost[name] = (time.perf_counter() - start) / len(sample)
    await session.execute(delete(BeneficiaryMatch).where(BeneficiaryMatch.pekon_kode.in_(sample)))
    start = time.perf_counter()
    for kode in sample:
        await refresh_matches(session, kode)
    cost["matching"] = (time.perf_counter() - start) / len(sample)
    await session.rollback()
    return cost


def print_baseline(
    per_pekon: dict[str, float], pekons: int, matched: float, count: float, docs: float
) -> None:
    """The per-pekon path's cost, measured on a sample and scaled to every pekon, against the set-based."""
    print(f"per-pekon path, timed on {SAMPLE} pekon and scaled to {pekons}:")
    for name, took in (("matching", matched), ("count", count), ("findings", docs)):
        before = per_pekon[name] * pekons
        print(
            f"        {name}: {per_pekon[name] * 1000:.1f} ms/pekon, ~{before:.1f} s; set-based {took:.2f} s,"
            f" ratio {before / max(took, 1e-6):.1f}x"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: SQLite in a temporary directory)")
    parser.add_argument("--national", action="store_true", help="bench/recap.py's data (PostgreSQL)")
    parser.add_argument("--scale", type=float, default=0.05, help="with --national: fraction of the desa")
    parser.add_argument(
        "--reuse", action="store_true", help="time --url's database as an earlier run seeded it"
    )
    parser.add_argument(
        "--memory-rows",
        default="50000,200000",
        help="list sizes whose import memory is measured (comma-separated)",
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.memory_rows.split(",") if n.strip()]
    if args.national:
        url = normalise_url(args.url or "postgresql://postgres@127.0.0.1:5432/bench_reconcile_national")
        asyncio.run(main(url, sizes, args.scale))
    elif args.url:
        url = normalise_url(args.url)
        if not args.reuse:
            asyncio.run(fresh(url))
        upgrade(url)
        asyncio.run(main(url, sizes, reuse=args.reuse))
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            upgrade(url)
            asyncio.run(main(url, sizes))
