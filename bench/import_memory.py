"""The list import's peak memory growth per row: the product (`import_list`, streamed from the
file's path as `pemangku daftar import` does) against the whole-file path it replaced (the file's
bytes read whole, `read_list` + `plan_list` + `store_lists`), each in a fresh child process so the
one's high-water mark cannot hide the other's, on the same database, rolled back. Used by
bench/reconcile.py."""

from __future__ import annotations

import asyncio
import multiprocessing
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from bench.whole_file import plan_list, read_list
from bot.db import make_engine, make_sessionmaker
from models.beneficiary_import import ListMeta, store_lists
from models.beneficiary_stream import import_list
from models.region import Pekon

META = ListMeta("PKH", "bench-memory.csv", date(2026, 9, 1), "bench")
TODAY = date(2026, 11, 20)
KINDS = ("whole", "streamed")


@dataclass(frozen=True)
class Run:
    """One import in its own process: peak RSS (MB) before and after, and seconds."""

    before: float
    after: float
    seconds: float

    def growth(self) -> float:
        """Bytes of peak RSS the import added."""
        return (self.after - self.before) * 1024 * 1024


def peak_mb() -> float:
    """The process's peak resident memory so far: /proc's VmHWM, which starts afresh in a spawned
    child (getrusage's ru_maxrss keeps the parent's peak across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


async def _import(url: str, path: Path, kind: str) -> Run:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        pekons = list(await session.scalars(select(Pekon).order_by(Pekon.kode)))
        before, start = peak_mb(), time.perf_counter()
        if kind == "streamed":
            await import_list(session, path, pekons, META, TODAY)
        else:
            planned = await plan_list(session, read_list(path.read_bytes()), pekons, TODAY)  # noqa: ASYNC240
            await store_lists(session, planned, META)
        took, after = time.perf_counter() - start, peak_mb()
        await session.rollback()
    await engine.dispose()
    return Run(before, after, took)


def _child(url: str, path: str, kind: str, out: multiprocessing.Queue[Run]) -> None:
    out.put(asyncio.run(_import(url, Path(path), kind)))


def _in_child(url: str, path: Path, kind: str) -> Run:
    context = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue[Run] = context.Queue()
    child = context.Process(target=_child, args=(url, str(path), kind, out))
    child.start()
    run = out.get()
    child.join()
    return run


def sized(data: bytes, rows: int) -> bytes:
    """The list file with `rows` data rows: its rows repeated (a list may name a person twice)."""
    header, _, body = data.partition(b"\n")
    lines = body.splitlines()
    return b"\n".join([header, *(lines[n % len(lines)] for n in range(rows))]) + b"\n"


def measure(url: str, data: bytes, sizes: list[int]) -> dict[int, dict[str, Run]]:
    """Each size's two imports, the whole-file path first."""
    runs: dict[int, dict[str, Run]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            path = Path(folder) / f"list-{rows}.csv"
            path.write_bytes(sized(data, rows))
            runs[rows] = {kind: _in_child(url, path, kind) for kind in KINDS}
            path.unlink()
    return runs


def report(runs: dict[int, dict[str, Run]]) -> None:
    """Peak RSS growth per row and rows per second, streamed against whole-file, per size."""
    for rows, by in runs.items():
        new, old = by["streamed"], by["whole"]
        print(
            f"memory, {rows:,} rows: peak RSS +{new.growth() / 2**20:.1f} MB streamed"
            f" ({new.growth() / rows:,.0f} B/row) vs +{old.growth() / 2**20:.1f} MB whole-file"
            f" ({old.growth() / rows:,.0f} B/row), ratio {old.growth() / max(new.growth(), 1):.1f}x;"
            f" {rows / new.seconds:,.0f} vs {rows / old.seconds:,.0f} rows/s, ratio"
            f" {old.seconds / new.seconds:.2f}x"
        )
    if len(runs) > 1:
        small, large = min(runs), max(runs)
        for kind in ("streamed", "whole"):
            per_row = (runs[large][kind].growth() - runs[small][kind].growth()) / (large - small)
            print(f"        {kind}: peak growth {small:,} -> {large:,} rows, {per_row:,.0f} B per added row")
