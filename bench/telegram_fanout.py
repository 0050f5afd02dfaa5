"""Fan-out benchmark: 2,000 queued messages through the outbox worker to the fake Bot API server.

The fake server enforces the limit itself (a sliding one-second window, 429 with retry_after
past it), so the figure is honest: the achieved rate as a fraction of the limit, and the 429s.
It runs in its own process, as Telegram's servers are not in ours: the rate is measured where
the requests arrive.

    .venv/bin/python -m bench.telegram_fanout [--messages 2000] [--rate 200] [--database-url URL]

Without --database-url it uses a fresh SQLite file (migrated with Alembic) in a temp directory.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import tempfile
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram_bot import TelegramChannel
from bot.config import Settings
from bot.db import make_engine, make_sessionmaker, normalise_url
from bot.messages import IncomingMessage, OutgoingMessage
from bot.outbox import OutboxWorker
from models.migrate import upgrade
from models.outbox import OutboxMessage, OutboxStatus, enqueue
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_wire import TOKEN

FIRST_CHAT = 100_000


class _NoIntake:
    """The benchmark only sends; nothing comes in."""

    async def dispatch(self, message: IncomingMessage) -> list[OutgoingMessage]:
        return []


async def _queue(sessionmaker: async_sessionmaker[AsyncSession], count: int) -> None:
    async with sessionmaker() as session, session.begin():
        for n in range(count):
            text = f"Pengingat: laporan bulan November untuk unit {n} ditunggu sampai tanggal 5."
            enqueue(
                session,
                channel="telegram",
                address=str(FIRST_CHAT + n),
                payload=OutgoingMessage(text=text).to_payload(),
            )


async def _sent(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT))
    return count or 0


async def run(messages: int, rate: float, database_url: str, base_url: str) -> dict[str, Any]:
    """Queue, deliver through the fake server at `base_url`; the server's statistics."""
    engine = make_engine(normalise_url(database_url))
    sessionmaker = make_sessionmaker(engine)
    before = await _sent(sessionmaker)  # a reused database may hold rows of earlier runs
    await _queue(sessionmaker, messages)
    settings = Settings(
        database_url=database_url,
        telegram_token=TOKEN,
        telegram_base_url=base_url,
        telegram_rate_per_second=rate,
        telegram_chat_burst=1,
        telegram_chat_rate_per_second=1.0,
    )
    channel = TelegramChannel(settings, _NoIntake())
    await channel.application.initialize()
    worker = OutboxWorker(sessionmaker, settings, [channel.sender])
    started, cpu = time.monotonic(), time.process_time()
    task = asyncio.create_task(worker.run())
    deadline = started + messages / rate * 5
    while time.monotonic() < deadline:
        if await _sent(sessionmaker) - before >= messages:
            break
        await asyncio.sleep(1.0)
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    await worker.stop()
    await task
    await channel.application.shutdown()
    sent = await _sent(sessionmaker) - before
    await engine.dispose()
    async with httpx.AsyncClient() as client:
        stats: dict[str, Any] = (await client.get(base_url.removesuffix("/bot") + "/_fake/stats")).json()
    return stats | {"wall": wall, "sent": sent, "cpu": cpu}


def _serve(rate: float, ports: Queue[int], stop: Event) -> None:
    """The fake Bot API server's process."""

    async def serve() -> None:
        async with FakeTelegram(rate_limit=rate) as fake:
            ports.put(int(fake.base_url.split(":")[2].split("/")[0]))
            await asyncio.to_thread(stop.wait)

    asyncio.run(serve())


def _report(stats: dict[str, Any], messages: int, rate: float) -> None:
    times = stats["send_times"]
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    achieved = (len(times) - 1) / span
    print(f"messages queued        {messages}")
    print(f"messages sent          {stats['sent']} (accepted by the fake server: {len(times)})")
    print(f"limit                  {rate:.0f} per second (enforced by the fake server)")
    print(f"first to last send     {span:.2f} s (wall time incl. start {stats['wall']:.2f} s)")
    print(f"achieved rate          {achieved:.1f} per second = {achieved / rate:.3f} of the limit")
    print(f"bot process CPU        {stats['cpu'] * 1000 / max(1, stats['sent']):.2f} ms per message")
    print(f"busiest one second     {_busiest_second(times)} sends")
    print(f"429 answers            {stats['too_many']}")


def _busiest_second(times: list[float]) -> int:
    """The most sends the server accepted within any one-second window."""
    most, first = 0, 0
    for last, at in enumerate(times):
        while times[first] <= at - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    ports: Queue[int] = multiprocessing.Queue()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(args.rate, ports, stop), daemon=True)
    server.start()
    try:
        base_url = f"http://127.0.0.1:{ports.get(timeout=30)}/bot"
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url
            if url is None:
                url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
                upgrade(url)
            stats = asyncio.run(run(args.messages, args.rate, url, base_url))
        _report(stats, args.messages, args.rate)
    finally:
        stop.set()
        server.join(timeout=10)


if __name__ == "__main__":
    main()
