"""WhatsApp over real HTTP on 127.0.0.1: webhook intake, and outbox fan-out at the send limit.

The fake Graph API runs in its own process (Meta's servers are not in ours) and enforces the
throughput limit itself: more than `--rate` messages in any one second get error 130429.

1. Intake: N signed Cloud API bodies (a text each, from N numbers not registered) are posted to
   the running webhook, `--concurrency` at a time. Prints how fast they are acknowledged (checked,
   stored, 200) and how long until all are processed (dispatched, replies queued).
2. Fan-out: M messages queued to M numbers are delivered by the outbox worker. Prints the
   achieved rate (first to last send) as a fraction of the limit, and the 130429 answers.

    .venv/bin/python -m bench.whatsapp                       # SQLite in a temporary file
    .venv/bin/python -m bench.whatsapp --url postgresql://postgres@127.0.0.1:5432/bench

The schema of the database named by --url is DROPPED and recreated (schema public).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx
from sqlalchemy import ColumnElement, event, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.pgbench import ratio_line, tpcb_tps
from bot.channels.whatsapp_payload import sign
from bot.channels.whatsapp_webhook import build_whatsapp
from bot.config import Settings
from bot.db import make_engine, make_sessionmaker, normalise_url
from bot.dispatcher import Dispatcher
from bot.main import run_loop
from bot.messages import OutgoingMessage
from bot.outbox import OutboxWorker
from bot.web import WebServer, build_web_app
from models.inbound import InboundPayload
from models.migrate import upgrade
from models.outbox import OutboxMessage, OutboxStatus, enqueue
from tests.fakes.graph_api import PHONE_NUMBER_ID, TOKEN, FakeGraphApi, serve

SECRET = "bench-app-secret"


def body(n: int) -> bytes:
    """A text message from the n-th number, in the Cloud API's shape."""
    wa_id = f"62812{n:08d}"
    message = {"from": wa_id, "id": f"wamid.BENCH{n:08d}", "timestamp": str(int(time.time())), "type": "text"}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Pemangku"}, "wa_id": wa_id}],
        "messages": [{**message, "text": {"body": "halo"}}],
    }
    change = {"field": "messages", "value": value}
    return json.dumps(
        {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [change]}]}
    ).encode()


def _serve_graph(rate: float, ports: Queue[int], stop: Event, results: Queue[tuple[int, int]]) -> None:
    """The fake Graph API's process; at the end it reports (messages accepted, 130429 answers)."""

    async def main() -> None:
        graph = FakeGraphApi(max_per_second=rate)
        async with serve(graph.app()) as url:
            ports.put(int(url.rsplit(":", 1)[1]))
            await asyncio.to_thread(stop.wait)
        results.put((len(graph.messages), graph.throttled))

    asyncio.run(main())


def _settings(url: str, graph_url: str, rate: float) -> Settings:
    return Settings(
        database_url=url,
        whatsapp_token=TOKEN,
        whatsapp_phone_number_id=PHONE_NUMBER_ID,
        whatsapp_app_secret=SECRET,
        whatsapp_verify_token="bench",
        whatsapp_base_url=graph_url,
        whatsapp_rate_per_second=rate,
    )


def _serve_bot(
    url: str, graph_url: str, ports: Queue[int], stop: Event, cpu: Queue[tuple[float, int]]
) -> None:
    """One bot process's webhook (dispatcher, store, batches) on its own port; reports its CPU
    time and how many SQL statements it ran (commits and BEGINs not counted)."""
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    async def main() -> None:
        engine = make_engine(url)
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        sessionmaker = make_sessionmaker(engine)
        settings = _settings(url, graph_url, 80.0)
        channel = build_whatsapp(settings, sessionmaker, Dispatcher(sessionmaker, settings))
        web = WebServer(build_web_app(channel.routes), "127.0.0.1", 0)  # what `pemangku run` serves
        await web.start()
        ports.put(web.port)
        await asyncio.to_thread(stop.wait)
        await web.stop()
        await channel.stop()
        await engine.dispose()

    run_loop(main())  # `pemangku run`'s event loop
    cpu.put((time.process_time(), statements))


def intake_processes(url: str, graph_url: str, count: int, concurrency: int, processes: int) -> float:
    """Start `processes` bot webhooks, post to them in turn; processed bodies/s."""
    context = multiprocessing.get_context("spawn")
    ports: Queue[int] = context.Queue()
    cpu: Queue[tuple[float, int]] = context.Queue()
    stop = context.Event()
    target = _serve_bot
    bots = [context.Process(target=target, args=(url, graph_url, ports, stop, cpu)) for _ in range(processes)]
    for bot in bots:
        bot.start()
    try:
        urls = [f"http://127.0.0.1:{ports.get(timeout=60)}/whatsapp/webhook" for _ in bots]

        async def go() -> float:
            engine = make_engine(url)
            try:
                return await intake(urls, make_sessionmaker(engine), count, concurrency)
            finally:
                await engine.dispose()

        rate = asyncio.run(go())
    finally:
        stop.set()
    reports = [cpu.get(timeout=60) for _ in bots]
    for bot in bots:
        bot.join(timeout=30)
    seconds, statements = sum(r[0] for r in reports), sum(r[1] for r in reports)
    print(
        f"  {processes} bot process(es); bot CPU per body {seconds / count * 1000:.2f} ms;"
        f" {statements / count:.1f} SQL statements per body"
    )
    return rate


async def intake(
    urls: list[str], sessionmaker: async_sessionmaker[AsyncSession], count: int, concurrency: int
) -> float:
    """Post `count` bodies, `concurrency` at a time, to the webhooks in turn; print acknowledgement
    and processing figures; processed bodies/s."""
    latencies: list[float] = []
    queue = list(range(count))
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency), timeout=120) as http:

        async def poster() -> None:
            while queue:
                n = queue.pop()
                url = urls[n % len(urls)]
                raw = body(n)
                started = time.perf_counter()
                headers = {"x-hub-signature-256": sign(SECRET.encode(), raw)}
                answer = await http.post(url, content=raw, headers=headers)
                latencies.append(time.perf_counter() - started)
                assert answer.status_code == 200

        started = time.perf_counter()
        await asyncio.gather(*(poster() for _ in range(concurrency)))
        acked = time.perf_counter() - started
        await _wait(sessionmaker, InboundPayload.processed_at.is_(None), lambda n: n == 0)
        processed = time.perf_counter() - started
    p50, p95, p99 = (statistics.quantiles(latencies, n=100)[k] * 1000 for k in (49, 94, 98))
    print(f"intake: {count} signed bodies, {concurrency} concurrent")
    print(
        f"  acknowledged {count / acked:.0f}/s; latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms"
    )
    print(f"  all processed (replies queued) after {processed:.1f} s: {count / processed:.0f} bodies/s")
    return count / processed


async def _wait(
    sessionmaker: async_sessionmaker[AsyncSession],
    condition: ColumnElement[bool],
    done: Callable[[int], bool],
) -> None:
    """Poll the count of rows matching `condition` until `done(count)`."""
    while True:
        async with sessionmaker() as session:
            if done(int(await session.scalar(select(func.count()).where(condition)) or 0)):
                return
        await asyncio.sleep(0.05)


async def fanout(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, count: int) -> None:
    """Queue `count` messages to distinct numbers, deliver them, print the rate against the limit."""
    async with sessionmaker() as session, session.begin():
        await session.execute(text("DELETE FROM outbox_message"))
        for n in range(count):
            payload = OutgoingMessage(text=f"Pengingat {n}").to_payload()
            enqueue(session, channel="whatsapp", address=f"62813{n:08d}", payload=payload)
    channel = build_whatsapp(settings, sessionmaker, Dispatcher(sessionmaker, settings))
    worker = OutboxWorker(sessionmaker, settings, [channel.sender], poll_seconds=0.05)
    running = asyncio.create_task(worker.run())
    await _wait(sessionmaker, OutboxMessage.status == OutboxStatus.SENT, lambda n: n == count)
    await worker.stop()
    await running
    await channel.stop()
    async with sessionmaker() as session:
        first, last = (
            await session.execute(select(func.min(OutboxMessage.sent_at), func.max(OutboxMessage.sent_at)))
        ).one()
    achieved = (count - 1) / (last - first).total_seconds()
    rate = settings.whatsapp_rate_per_second
    print(f"fan-out: {count} messages, limit {rate:.0f}/s (enforced by the fake Graph API)")
    print(f"  achieved {achieved:.1f}/s = {achieved / rate:.3f} of the limit")


async def run_fanout(url: str, graph_url: str, fan: int, rate: float) -> None:
    """The fan-out measurement against a migrated database."""
    engine = make_engine(url)
    await fanout(make_sessionmaker(engine), _settings(url, graph_url, rate), fan)
    await engine.dispose()


def prepare(url: str) -> None:
    """Drop a PostgreSQL schema, then migrate."""
    if url.startswith("postgresql"):

        async def drop() -> None:
            engine = make_engine(url)
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
            await engine.dispose()

        asyncio.run(drop())
    upgrade(url)


def main() -> None:
    """Parse arguments, start the fake Graph API's process, run, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="database URL (its schema is dropped!)")
    parser.add_argument("--bodies", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=80.0)
    parser.add_argument("--processes", type=int, nargs="+", default=[1], help="bot processes (one run each)")
    args = parser.parse_args()
    ports: Queue[int] = multiprocessing.Queue()
    results: Queue[tuple[int, int]] = multiprocessing.Queue()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve_graph, args=(args.rate, ports, stop, results), daemon=True)
    server.start()
    try:
        graph_url = f"http://127.0.0.1:{ports.get(timeout=30)}"
        with tempfile.TemporaryDirectory() as tmp:
            url = normalise_url(args.url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}")
            tps = tpcb_tps(url)
            figures = {}
            for processes in args.processes:
                prepare(url)
                processed = intake_processes(url, graph_url, args.bodies, args.concurrency, processes)
                figures[processes] = processed
            asyncio.run(run_fanout(url, graph_url, args.messages, args.rate))
            after = tpcb_tps(url)
    finally:
        stop.set()
    accepted, throttled = results.get(timeout=30)
    server.join(timeout=10)
    print(f"fake Graph API: {accepted} messages accepted, {throttled} answered 130429")
    tps = (tps + after) / 2 if tps and after else tps
    for processes, processed in figures.items():
        print(ratio_line(f"processed, {processes} process(es)", processed, tps))


if __name__ == "__main__":
    main()
