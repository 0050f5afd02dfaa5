"""The dashboard's pages over HTTP under concurrency, on Lampung Barat or on the national data.

Builds the world as bench/dashboard.py does (or `--reuse`s it), then serves the dashboard in two
child processes under uvicorn on 127.0.0.1 (the app `pemangku run` serves, with the world's fixed
clock): the product, which keeps figures while the ledger stands (models.dashboard_cache), and the
baseline, which keeps nothing (every figure computed per request, as when the ledger moves between
any two requests). Signs in a camat of each kecamatan, staff of each pekon and a kabupaten user
(up to 60 of each) through the product's one-time links (issued as `pemangku dashboard-link` does,
opened and "Masuk" pressed over HTTP); then for each page runs `--clients` keep-alive httpx clients
for `--seconds` against the product and right after against the baseline, each asking the page of a
random scope (and month) in a loop. Prints p50/p95 ms and requests per second of each, and the ratio
of the p50s; first the chat's own recap of one pekon (models.recap.compute_b3, in this process) and
GET /healthz (the HTTP floor) for scale.

    .venv/bin/python -m bench.dashboard_pages                   # SQLite file in a temp dir
    .venv/bin/python -m bench.dashboard_pages --url postgresql://postgres@127.0.0.1:5432/bench_dashboard
    .venv/bin/python -m bench.dashboard_pages --url postgresql://…/bench_national --national --scale 0.25
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock_time

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench import dashboard as queries_bench
from bot.db import make_engine, make_read_sessionmaker, make_sessionmaker, normalise_url
from bot.web import WebServer, build_web_app
from bot.web.context import WebContext
from bot.web.dashboard import dashboard_routes
from jobs.context import Schedule
from models.base import WIB
from models.dashboard import NUMBER_COLUMNS
from models.dashboard_cache import FigureCache
from models.person import Member, Role
from models.recap import compute_b3
from models.web_login import issue_link, login_url

Ask = Callable[[random.Random], tuple[str, str]]  # a random (cookie scope, path) of one page
SAMPLE = 60  # scopes signed in per level at most (the national data has thousands)


@dataclass(frozen=True)
class Signed:
    """Session cookies by the scope they were issued for."""

    cookies: dict[str, str]


def page_paths(w: queries_bench.World, sample: dict[str, list[str]]) -> dict[str, Ask]:
    """Each page of the dashboard, asked for a random scope of its signed-in viewer."""
    kec, pek, kab = sample["kecamatan"], sample["pekon"], sample["kabupaten"]

    def month(r: random.Random) -> str:
        return f"{w.month(r):%Y-%m}"

    def at(codes: list[str], path: str) -> Ask:
        return lambda r: (k := r.choice(codes), path.format(k=k, m=month(r), c=r.choice(NUMBER_COLUMNS)))

    pages: dict[str, Ask] = {
        "GET /healthz (HTTP floor)": lambda r: (kec[0], "/healthz"),
        "Kelengkapan kecamatan": at(kec, "/dasbor/kecamatan/{k}?bulan={m}"),
        "Kelengkapan kabupaten": at(kab, "/dasbor/kabupaten/{k}?bulan={m}"),
        "Pekon": at(pek, "/dasbor/pekon/{k}?bulan={m}"),
        "Angka dan nama, pekon": at(pek, "/dasbor/angka/{k}/{c}?bulan={m}"),
        "Angka dan nama, kecamatan": at(kec, "/dasbor/angka/{k}/{c}?bulan={m}"),
        "Angka (roll-up), kecamatan": at(kec, "/dasbor/angka/{k}?bulan={m}"),
        "Tren": at(kec, "/dasbor/tren/{k}"),
        "Unduh (list)": at(kec, "/dasbor/unduh/{k}"),
        "Tindak lanjut": at(kec, "/dasbor/tindak/{k}?bulan={m}"),
        "Tahun": at(kec, "/dasbor/tahun/{k}"),
        "Daftar Bantuan": at(pek, "/dasbor/bantuan/{k}"),
    }
    return pages


def sampled(world: queries_bench.World) -> dict[str, list[str]]:
    """The scopes signed in, by level (the same on every run)."""
    rng = random.Random(13)
    return {
        "kecamatan": sorted(rng.sample(world.kecamatan, min(SAMPLE, len(world.kecamatan)))),
        "pekon": sorted(rng.sample(world.pekon, min(SAMPLE, len(world.pekon)))),
        "kabupaten": sorted(rng.sample(world.kabupaten, min(SAMPLE // 4, len(world.kabupaten)))),
    }


async def people(sessionmaker: async_sessionmaker[AsyncSession], sample: dict[str, list[str]]) -> None:
    """A camat, staff or kabupaten user for every sampled scope (one-time, idempotent by name)."""
    roles = {"kecamatan": (Role.CAMAT, "kecamatan_kode"), "pekon": (Role.STAFF, "pekon_kode"),
             "kabupaten": (Role.KABUPATEN, "kabupaten_kode")}  # fmt: skip
    async with sessionmaker() as session:
        known = set(await session.scalars(select(Member.name).where(Member.name.startswith("bench "))))
        rows: list[dict[str, object]] = [
            {"name": f"bench {kode}", "role": role, column: kode}
            for level, (role, column) in roles.items()
            for kode in sample[level]
            if f"bench {kode}" not in known
        ]
        if rows:
            for start in range(0, len(rows), 1000):
                await session.execute(insert(Member), rows[start : start + 1000])
            await session.commit()


async def sign_in(
    sessionmaker: async_sessionmaker[AsyncSession], base: str, now: datetime, codes: list[str]
) -> Signed:
    """A session per scope: a link issued as `pemangku dashboard-link` does, opened over HTTP."""
    async with sessionmaker() as session:
        members = {
            m.name[6:]: m
            for m in await session.scalars(select(Member).where(Member.name.startswith("bench ")))
        }
        links = {
            kode: login_url(base, await issue_link(session, members[kode], now, "cli")) for kode in codes
        }
        await session.commit()
    cookies = {}
    async with httpx.AsyncClient(base_url=base) as client:
        for kode, link in links.items():
            client.cookies.clear()
            page = await client.get(link)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert csrf is not None, page.text
            opened = await client.post(
                "/dasbor/masuk", data={"token": link.rsplit("/", 1)[1], "csrf": csrf[1]}
            )
            assert opened.status_code == 303, (opened.status_code, opened.text)
            cookies[kode] = client.cookies["pemangku_sesi"]
    return Signed(cookies)


async def measure_page(
    base: str, signed: Signed, ask: Ask, clients: int, seconds: float
) -> tuple[tuple[list[float], float], int]:
    """Latencies (s) of every request by `clients` keep-alive clients and the wall time; non-200s."""
    latencies: list[float] = []
    failures = 0

    async def one(client: httpx.AsyncClient, rng: random.Random) -> float:
        nonlocal failures
        kode, path = ask(rng)
        start = time.perf_counter()
        answer = await client.get(path, cookies={"pemangku_sesi": signed.cookies[kode]})
        failures += answer.status_code != 200
        return time.perf_counter() - start

    timed = await _loop(clients, seconds, one, base, latencies)
    return timed, failures


async def _loop(
    clients: int,
    seconds: float,
    call: Callable[[httpx.AsyncClient, random.Random], Awaitable[float]],
    base: str,
    latencies: list[float],
) -> tuple[list[float], float]:
    barrier = asyncio.Barrier(clients + 1)
    until = [time.perf_counter() + 3600.0]

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            for _ in range(queries_bench.WARM_UP):
                await call(http, rng)
            await barrier.wait()
            while time.perf_counter() < until[0]:
                latencies.append(await call(http, rng))

    tasks = [asyncio.create_task(client(k)) for k in range(clients)]
    await barrier.wait()
    began = time.perf_counter()
    until[0] = began + seconds
    await asyncio.gather(*tasks)
    return latencies, time.perf_counter() - began


def free_port() -> int:
    """A port nobody listens on now (the server in the child binds it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def now_of(today: date) -> datetime:
    """10.00 WIB on the world's day: the server's fixed clock."""
    return datetime.combine(today, clock_time(10), tzinfo=WIB).astimezone(UTC)


async def serve(url: str, port: int, national: bool, figures: FigureCache) -> None:
    """The child: the dashboard app on 127.0.0.1:port with the world's clock and `figures`, until
    stdin closes."""
    engine = make_engine(url)
    world = await queries_bench.scopes(make_sessionmaker(engine), national)
    now = now_of(world.today)
    schedule = Schedule(deadline_day=world.deadline_day)
    ctx = WebContext(make_sessionmaker(engine), schedule, clock=lambda: now, figures=figures)
    web = WebServer(build_web_app(dashboard_routes(ctx)), "127.0.0.1", port)
    await web.start()
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.read)
    await web.stop()
    await engine.dispose()


async def prepare(
    args: argparse.Namespace,
) -> tuple[str, AsyncEngine, queries_bench.World, dict[str, list[str]]]:
    """The world built (or reused), its sampled scopes and their people."""
    url = normalise_url(args.url or queries_bench.temp_sqlite_url())
    if not args.reuse:
        await queries_bench.build_world(url, args.national, args.scale)
    engine = make_engine(url)
    world = await queries_bench.scopes(make_sessionmaker(engine), args.national)
    sample = sampled(world)
    await people(make_sessionmaker(engine), sample)
    return url, engine, world, sample


async def main(args: argparse.Namespace) -> None:
    """Build (or reuse), serve in a child process, sign in, measure every page, print."""
    url, engine, world, sample = await prepare(args)
    servers = [await Server.start(url, args.national, flags) for flags in ([], ["--cold"])]
    try:
        codes = [kode for level in sample.values() for kode in level]
        signed = [
            await sign_in(make_sessionmaker(engine), s.base, now_of(world.today), codes) for s in servers
        ]
        await report(
            args, world, sample, list(zip(servers, signed, strict=True)), make_read_sessionmaker(engine)
        )
    finally:
        for server in servers:
            await server.stop()
        await engine.dispose()


@dataclass(frozen=True)
class Server:
    """A child process serving the dashboard (`pemangku run`'s app) on a port of 127.0.0.1."""

    base: str
    child: asyncio.subprocess.Process

    @classmethod
    async def start(
        cls, url: str, national: bool, flags: Sequence[str] = (), module: str = "bench.dashboard_pages"
    ) -> Server:
        """Start `module --serve` with `flags` and wait until it listens."""
        port = free_port()
        flags = [*flags, "--national"] if national else list(flags)
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, "--serve", str(port), "--url", url, *flags,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert child.stdout is not None and (await child.stdout.readline()).strip() == b"ready"
        return cls(f"http://127.0.0.1:{port}", child)

    async def stop(self) -> None:
        """Close its stdin: it finishes open requests and exits."""
        assert self.child.stdin is not None
        self.child.stdin.close()
        await self.child.wait()


async def report(
    args: argparse.Namespace,
    world: queries_bench.World,
    sample: dict[str, list[str]],
    servers: list[tuple[Server, Signed]],
    reads: async_sessionmaker[AsyncSession],
) -> None:
    """The chat's compute_b3 for scale, then every page on the product (figures kept while the
    ledger stands) and right after on the baseline server that keeps nothing; the ratio of p50s."""
    print(f"{args.clients} keep-alive clients, {args.seconds:.0f} s per page and server, one process each\n")
    print(f"{'':34} {'kept (product)':>25} {'nothing kept':>18}")
    print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>7}")
    chat = await queries_bench.measure(
        reads, lambda s, r: compute_b3(s, r.choice(world.pekon), world.open), args.clients, args.seconds
    )
    print(f"{'compute_b3 (chat, in process)':34} {_figures(*chat)}")
    for name, ask in page_paths(world, sample).items():
        if args.only and args.only not in name:
            continue
        timed = [await measure_page(s.base, signed, ask, args.clients, args.seconds) for s, signed in servers]
        (kept, kept_wall), (cold, cold_wall) = timed[0][0], timed[1][0]
        failures = sum(t[1] for t in timed)
        ratio = queries_bench.p(cold, 0.5) / queries_bench.p(kept, 0.5)
        line = f"{name:34} {_figures(kept, kept_wall)} {_figures(cold, cold_wall)[:17]} {ratio:6.1f}x"
        print(line + (f"  ({failures} not 200)" if failures else ""))
    kept_mb, cold_mb = (peak_rss_mb(s.child.pid) for s, _ in servers)
    print(f"\npeak RSS of the server: {kept_mb:.0f} MB kept (product), {cold_mb:.0f} MB nothing kept "
          f"(the kept figures and pages: {kept_mb - cold_mb:+.0f} MB)")  # fmt: skip


def peak_rss_mb(pid: int) -> float:
    """A live process's peak resident memory (Linux: VmHWM in /proc/PID/status), in MB."""
    with open(f"/proc/{pid}/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return kb / 1024


def _figures(latencies: list[float], wall: float) -> str:
    p50, p95 = queries_bench.p(latencies, 0.5), queries_bench.p(latencies, 0.95)
    return f"{p50:8.1f} {p95:8.1f} {len(latencies) / wall:7.1f}"


if __name__ == "__main__":
    parser = queries_bench.arguments(__doc__.splitlines()[0], "time only the pages whose name contains this")
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)  # the baseline child
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the child process's port
    arguments = queries_bench.parse(parser)
    if arguments.serve is not None:
        kept = FigureCache(size=0) if arguments.cold else FigureCache()  # cold: as if the ledger always moved
        asyncio.run(serve(normalise_url(arguments.url), arguments.serve, arguments.national, kept))
    else:
        asyncio.run(main(arguments))
