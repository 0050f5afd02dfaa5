"""WhatsApp over real HTTP on 127.0.0.1: webhook intake, and outbox fan-out at the send limit.

1. Intake: N signed Cloud API bodies (a text each, from N different numbers) are posted to the
   running webhook, `concurrency` at a time. Prints how fast they are acknowledged (store + 200)
   and how long until all are processed (dispatched, replies queued).
2. Fan-out: M messages queued to M numbers are delivered by the outbox worker to the fake Graph
   API, which enforces the throughput limit (130429 past it). Prints the achieved rate as a
   fraction of the limit and the count of 130429 answers.

    .venv/bin/python -m bench.whatsapp                       # SQLite in a temporary file
    .venv/bin/python -m bench.whatsapp --url postgresql://postgres@127.0.0.1:5432/bench --rate 80

The schema of the database named by --url is DROPPED and recreated (schema public).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from bot.channels.whatsapp_payload import sign
from bot.channels.whatsapp_webhook import build_whatsapp
from bot.config import Settings
from bot.db import make_engine, make_sessionmaker, normalise_url
from bot.dispatcher import Dispatcher
from bot.messages import OutgoingMessage
from bot.outbox import OutboxWorker
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
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(payload).encode()


async def intake(
    url: str, sessionmaker: async_sessionmaker[AsyncSession], count: int, concurrency: int
) -> None:
    """Post `count` bodies, `concurrency` at a time; print acknowledgement and processing figures."""
    latencies: list[float] = []
    queue = list(range(count))
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency), timeout=120) as http:

        async def poster() -> None:
            while queue:
                raw = body(queue.pop())
                started = time.perf_counter()
                answer = await http.post(
                    url, content=raw, headers={"x-hub-signature-256": sign(SECRET.encode(), raw)}
                )
                latencies.append(time.perf_counter() - started)
                assert answer.status_code == 200

        started = time.perf_counter()
        await asyncio.gather(*(poster() for _ in range(concurrency)))
        acked = time.perf_counter() - started
        await _until(lambda: _unprocessed(sessionmaker), 0)
        processed = time.perf_counter() - started
    p50, p95, p99 = (statistics.quantiles(latencies, n=100)[k] * 1000 for k in (49, 94, 98))
    print(f"intake: {count} signed bodies, {concurrency} concurrent")
    print(
        f"  acknowledged {count / acked:.0f}/s; latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms"
    )
    print(f"  all processed (replies queued) after {processed:.1f} s: {count / processed:.0f} bodies/s")


async def _until(measure: Callable[[], Awaitable[int]], target: int) -> None:
    """Poll until `measure()` reaches `target` (polling keeps the bench free of hooks in the code)."""
    while True:
        if await measure() == target:
            return
        await asyncio.sleep(0.02)


async def _count(graph: FakeGraphApi) -> int:
    return len(graph.messages)


async def _unprocessed(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(
            await session.scalar(select(func.count()).where(InboundPayload.processed_at.is_(None))) or 0
        )


async def fanout(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, graph: FakeGraphApi, count: int
) -> None:
    """Queue `count` messages to distinct numbers, deliver them, print the rate against the limit."""
    async with sessionmaker() as session, session.begin():
        await session.execute(text("DELETE FROM outbox_message"))
        for n in range(count):
            enqueue(
                session,
                channel="whatsapp",
                address=f"62813{n:08d}",
                payload=OutgoingMessage(text=f"Pengingat {n}").to_payload(),
            )
    graph.messages.clear()
    graph.throttled = 0
    channel = build_whatsapp(settings, sessionmaker, Dispatcher(sessionmaker, settings))
    worker = OutboxWorker(sessionmaker, settings, [channel.sender], poll_seconds=0.05)
    started = time.perf_counter()
    running = asyncio.create_task(worker.run())
    await _until(lambda: _count(graph), count)
    elapsed = time.perf_counter() - started
    await worker.stop()
    await running
    await channel.stop()
    async with sessionmaker() as session:
        sent = await session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT))
    rate = settings.whatsapp_rate_per_second
    achieved = count / elapsed
    print(f"fan-out: {count} messages, limit {rate:.0f}/s")
    print(f"  achieved {achieved:.1f}/s = {achieved / rate:.3f} of the limit")
    print(f"  130429 answers: {graph.throttled}; rows marked sent: {sent}")


async def main(url: str | None, count: int, fan: int, rate: float, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = normalise_url(url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}")
        if url.startswith("postgresql"):
            engine = make_engine(url)
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
            await engine.dispose()
        await asyncio.to_thread(upgrade, url)
        engine = make_engine(url)
        sessionmaker = make_sessionmaker(engine)
        graph = FakeGraphApi(max_per_second=rate)
        async with serve(graph.app()) as graph_url:
            settings = Settings(
                database_url=url,
                whatsapp_token=TOKEN,
                whatsapp_phone_number_id=PHONE_NUMBER_ID,
                whatsapp_app_secret=SECRET,
                whatsapp_verify_token="bench",
                whatsapp_base_url=graph_url,
                whatsapp_rate_per_second=rate,
            )
            worker = OutboxWorker(sessionmaker, settings, poll_seconds=0.05)
            channel = build_whatsapp(
                settings, sessionmaker, Dispatcher(sessionmaker, settings, on_queued=worker.wake)
            )
            async with serve(Starlette(routes=channel.routes)) as app_url:
                await intake(f"{app_url}/whatsapp/webhook", sessionmaker, count, concurrency)
            await channel.stop()
            await fanout(sessionmaker, settings, graph, fan)
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="database URL (its schema is dropped!)")
    parser.add_argument("--bodies", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=80.0)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.bodies, args.messages, args.rate, args.concurrency))
