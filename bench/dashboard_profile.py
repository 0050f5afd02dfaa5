"""One request of each dashboard page, taken apart: SQL statements (count and time) and where the
Python time goes (cProfile), in process, on a world bench/dashboard_pages.py built.

Serves `pemangku run`'s dashboard app through httpx's ASGI transport (no sockets: the figures are the
page's own work), signs in the scopes the page bench uses, asks each page once to warm it (and the
figure cache, as a running server has it), then once more measured: total ms, statements, ms spent
in the database driver, the slowest statements, and with --profile the top functions.

    .venv/bin/python -m bench.dashboard_profile --url postgresql://postgres@127.0.0.1:5432/bench_dashboard
    .venv/bin/python -m bench.dashboard_profile --url … --only Pekon --profile
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import random
import time
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import event, select
from sqlalchemy.engine import Connection

from bench import dashboard as queries_bench
from bench.dashboard_pages import now_of, page_paths, people, sampled
from bot.db import make_engine, make_sessionmaker, normalise_url
from bot.web import build_web_app
from bot.web.context import WebContext
from bot.web.dashboard import dashboard_routes
from jobs.context import Schedule
from models.dashboard_cache import FigureCache
from models.person import Member
from models.web_login import issue_link, redeem_link


class Statements:
    """Every SQL statement the engine runs while `on`, with its time."""

    def __init__(self) -> None:
        self.on = False
        self.timed: list[tuple[str, float]] = []

    def attach(self, sync_engine: Any) -> None:
        """Listen on the engine's cursor executions."""

        @event.listens_for(sync_engine, "before_cursor_execute")
        def before(conn: Connection, cursor: Any, statement: str, *rest: Any) -> None:
            conn.info["pemangku_bench_start"] = time.perf_counter()

        @event.listens_for(sync_engine, "after_cursor_execute")
        def after(conn: Connection, cursor: Any, statement: str, *rest: Any) -> None:
            if self.on:
                self.timed.append((statement, time.perf_counter() - conn.info["pemangku_bench_start"]))


async def main(args: argparse.Namespace) -> None:
    """Sign in, warm each page, then measure one request of it."""
    url = normalise_url(args.url)
    engine = make_engine(url)
    statements = Statements()
    statements.attach(engine.sync_engine)
    world = await queries_bench.scopes(make_sessionmaker(engine), False)
    sample = sampled(world)
    await people(make_sessionmaker(engine), sample)
    now = now_of(world.today)
    figures = FigureCache(size=0) if args.cold else FigureCache()
    schedule = Schedule(deadline_day=world.deadline_day)
    ctx = WebContext(make_sessionmaker(engine), schedule, clock=lambda: now, figures=figures)
    cookies = await _sign_in(ctx, [k for level in sample.values() for k in level])
    app = build_web_app(dashboard_routes(ctx))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        for name, ask in page_paths(world, sample).items():
            if args.only and args.only not in name:
                continue
            kode, path = ask(random.Random(7))
            cookie = {"pemangku_sesi": cookies[kode]}
            await client.get(path, cookies=cookie)  # warm: templates compiled, figures kept
            statements.timed.clear()
            statements.on, profile = True, cProfile.Profile() if args.profile else None
            start = time.perf_counter()
            if profile:
                profile.enable()
            answer = await client.get(path, cookies=cookie)
            if profile:
                profile.disable()
            total, statements.on = time.perf_counter() - start, False
            _print(name, path, answer, total, statements.timed, profile, args.statements, args.sort)
    await engine.dispose()


async def _sign_in(ctx: WebContext, codes: list[str]) -> dict[str, str]:
    """A signed session cookie per scope (a link issued and redeemed, as the browser would)."""
    async with ctx.sessionmaker() as session:
        members = {
            m.name[6:]: m
            for m in await session.scalars(select(Member).where(Member.name.startswith("bench ")))
        }
        cookies = {}
        for kode in codes:
            opened = await redeem_link(
                session, await issue_link(session, members[kode], ctx.now(), "cli"), ctx.now()
            )
            assert opened is not None
            cookies[kode] = ctx.signer.sign(opened.token)
        await session.commit()
    return cookies


def _print(
    name: str,
    path: str,
    answer: httpx.Response,
    total: float,
    timed: list[tuple[str, float]],
    profile: cProfile.Profile | None,
    verbose: bool,
    sort: str = "cumulative",
) -> None:
    sql = sum(t for _, t in timed)
    print(f"{name:30} {answer.status_code} {total * 1000:7.1f} ms  {len(timed):4} statements "
          f"{sql * 1000:7.1f} ms SQL  {len(answer.content) / 1024:6.1f} KB  {path}")  # fmt: skip
    shapes = Counter(" ".join(s.split())[:110] for s, _ in timed)
    for shape, count in shapes.most_common(3):
        if count > 1:
            print(f"    {count:4}x {shape}")
    for statement, took in sorted(timed, key=lambda x: -x[1])[:3]:
        print(f"    {took * 1000:6.1f} ms {' '.join(statement.split())[:110]}")
    if verbose:
        for statement, took in timed:
            print(f"    {took * 1000:6.1f} ms {' '.join(statement.split())[:150]}")
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(sort).print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a database bench/dashboard_pages.py built")
    parser.add_argument("--only", help="only the pages whose name contains this")
    parser.add_argument("--cold", action="store_true", help="keep no figure (every request computes)")
    parser.add_argument("--statements", action="store_true", help="print every statement")
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    parser.add_argument("--sort", default="cumulative", help="their order: cumulative (default) or tottime")
    asyncio.run(main(parser.parse_args()))
