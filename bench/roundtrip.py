"""Round-trip benchmark: how long a person waits for the bot's answer, against a bare echo bot.

Over the fake Bot API (tests/fakes/telegram_api.py, real HTTP on 127.0.0.1), in one run:
1. the product (`TelegramChannel` polling, the dispatcher on a fresh SQLite file, the outbox
   worker at its default pacing settings): a registered pemangku types `status`;
2. a bare python-telegram-bot echo bot polling the same fake server: a person types a line.
Each is measured back to back (the next message 40 ms after the answer arrives) and paced (the
person pauses `--pause` seconds after each answer), in `--rounds` alternating blocks of both bots
(the machine's load changes during a run; alternating makes both bots meet it alike). The fake
server runs in its own process, as Telegram's servers are not in ours, and plays the person there:
a round trip runs from the update being offered to the first answer reaching the server, both on
its clock. Prints both medians and their ratio, and the machine's load average.

Both bots meet the same platform limit: back to back, the person writes again 40 ms after each
answer, so neither bot is asked for more than 25 messages a second, inside Telegram's 30. (With a
shorter gap the product's Telegram lane keeps its 30/s pace and waits, while the bare echo bot,
which has no rate limiter, would exceed what Telegram allows.)

    .venv/bin/python -m bench.roundtrip [--messages 50] [--paced 32] [--pause 1.2] [--rounds 4]
        [--database postgresql://...]  (an empty database; default a fresh SQLite file)
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.channels.telegram_bot import TelegramChannel
from bot.config import Settings
from bot.db import make_engine, make_sessionmaker, normalise_url
from bot.dispatcher import Dispatcher
from bot.main import keep_startup_out_of_gc
from bot.outbox import OutboxWorker
from bot.web import WebServer
from models.migrate import upgrade
from models.person import Channel, Role
from tests.factories import add_member, seed_pekon
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_wire import TOKEN, Sent

PEMANGKU = 7001  # the product's user
ECHO_USER = 7002  # the echo bot's user
SETTLE = 0.04  # after an answer: the turn's other answers arrive; under 25 messages a second
WARMUP = 2  # messages before each series: first queries and connections are not measured


class TimedTelegram(FakeTelegram):
    """The fake Bot API, noting when each message of the bot arrives, and playing the person:
    `POST /_fake/series` runs a series of messages and answers with the round trips."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.arrived_at: dict[int, list[float]] = {}
        self.kept = asyncio.Event()

    async def __aenter__(self) -> TimedTelegram:
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/_fake/series", self._series_endpoint, methods=["POST"]),
            ]
        )
        self._server = WebServer(app, "127.0.0.1", 0)
        await self._server.start()
        return self

    def _keep(
        self, chat_id: int, text: str | None, markup: dict[str, Any] | None, document: Any = None
    ) -> Sent:
        self.arrived_at.setdefault(chat_id, []).append(time.monotonic())
        self.kept.set()
        return super()._keep(chat_id, text, markup, document)

    async def _series_endpoint(self, request: Request) -> JSONResponse:
        p = await request.json()
        for _ in range(p["warmup"]):  # first queries and connections are not what is measured
            await self._ask(p["user"], p["text"])
        times = []
        for _ in range(p["count"]):
            times.append(await self._ask(p["user"], p["text"]))
            await asyncio.sleep(p["pause"])
        return JSONResponse(times)

    async def _ask(self, user: int, text: str) -> float:
        """One message and its first answer: the round trip in seconds."""
        before = len(self.arrived_at.get(user, []))
        started = time.monotonic()
        self.say(user, text)
        async with asyncio.timeout(30):
            while len(self.arrived_at.get(user, [])) == before:
                self.kept.clear()
                await self.kept.wait()
        await asyncio.sleep(SETTLE)
        return self.arrived_at[user][before] - started


async def _series(base_url: str, user: int, text: str, count: int, pause: float) -> list[float]:
    """Ask the fake server's person to write `count` messages; the round trips."""
    body = {"user": user, "text": text, "count": count, "pause": pause, "warmup": WARMUP}
    # no TLS context: building one (the CA bundle) costs more CPU than the bots' messages
    async with httpx.AsyncClient(timeout=600, verify=False) as http:
        answer = await http.post(base_url.removesuffix("/bot") + "/_fake/series", json=body)
    times: list[float] = answer.json()
    return times


def _serve(ports: Queue[str], stop: Event) -> None:
    """The fake Bot API server's process."""

    async def serve() -> None:
        async with TimedTelegram() as fake:
            ports.put(fake.base_url)
            await asyncio.to_thread(stop.wait)

    asyncio.run(serve())


async def prepare(url: str) -> str:
    """The database (an empty one) migrated, with one pekon and the product's pemangku; its URL."""
    url = normalise_url(url)
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        [unit] = await seed_pekon(session, units=1)
        await add_member(
            session, "Budi", Role.PEMANGKU, unit=unit, channel=Channel.TELEGRAM, address=str(PEMANGKU)
        )
    await engine.dispose()
    return url


@asynccontextmanager
async def product(base_url: str, url: str) -> AsyncIterator[None]:
    """The product's Telegram runtime as `pemangku run` wires it, default pacing settings."""
    engine = make_engine(url)
    sessionmaker = make_sessionmaker(engine)
    settings = Settings(database_url=url, telegram_token=TOKEN, telegram_base_url=base_url)
    worker = OutboxWorker(sessionmaker, settings)
    dispatcher = Dispatcher(sessionmaker, settings, on_queued=worker.wake, handoff=worker)
    channel = TelegramChannel(settings, dispatcher, sessionmaker=sessionmaker)
    worker.add_sender(channel.sender)
    task = asyncio.create_task(worker.run())
    await channel.start()
    keep_startup_out_of_gc()
    try:
        yield
    finally:
        await worker.stop()
        await task
        await channel.stop()
        await engine.dispose()


@asynccontextmanager
async def echo_bot(base_url: str) -> AsyncIterator[None]:
    """The bare python-telegram-bot echo bot (its examples' shape), polling the same server."""

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None and update.message.text is not None:
            await update.message.reply_text(update.message.text)

    app = Application.builder().token(TOKEN).base_url(base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(timeout=10)
        await app.start()
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()


async def run(
    base_url: str, messages: int, paced: int, pause: float, rounds: int, database: str | None
) -> dict[str, Any]:
    """Both bots, back to back and paced, on one fake server; in `rounds` alternating blocks, so
    a change in the machine's load (other work on shared cores) falls on both alike. The product
    on `database` (an empty one), else on a fresh SQLite file."""
    results: dict[str, tuple[list[float], list[float]]] = {"pemangku-bot": ([], []), "echo bot": ([], [])}
    cpu = {"pemangku-bot": 0.0, "echo bot": 0.0}  # this process's CPU seconds, back to back
    per_round, paced_per_round = -(-messages // rounds), -(-paced // rounds)
    with tempfile.TemporaryDirectory() as tmp:
        url = await prepare(database or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        for _ in range(rounds):
            for name, bot, user, text in (
                ("pemangku-bot", product(base_url, url), PEMANGKU, "status"),
                ("echo bot", echo_bot(base_url), ECHO_USER, "halo"),
            ):
                async with bot:
                    used = time.process_time()
                    results[name][0].extend(await _series(base_url, user, text, per_round, 0.0))
                    cpu[name] += time.process_time() - used
                    results[name][1].extend(await _series(base_url, user, text, paced_per_round, pause))
    sent = rounds * (per_round + WARMUP)
    return {"times": results, "cpu": {name: seconds / sent for name, seconds in cpu.items()}}


def _report(outcome: dict[str, Any], pause: float) -> None:
    results: dict[str, tuple[list[float], list[float]]] = outcome["times"]
    ours, echo = results["pemangku-bot"], results["echo bot"]
    messages, paced = len(echo[0]), len(echo[1])
    print(f"{'round trip, median':<34}{'pemangku-bot':>14}{'echo bot':>12}{'ratio':>8}")
    for label, index in ((f"{messages} back to back", 0), (f"{paced} paced ({pause:.1f} s pause)", 1)):
        a, b = statistics.median(ours[index]) * 1000, statistics.median(echo[index]) * 1000
        print(f"{label:<34}{a:>11.1f} ms{b:>9.1f} ms{a / b:>8.2f}")
    worst = max(max(ours[0]), max(ours[1])) * 1000
    print(f"pemangku-bot slowest round trip   {worst:.1f} ms")
    ours_cpu, echo_cpu = outcome["cpu"]["pemangku-bot"] * 1000, outcome["cpu"]["echo bot"] * 1000
    print(f"{'CPU a message, back to back':<34}{ours_cpu:>11.2f} ms{echo_cpu:>9.2f} ms")
    print("load average (1, 5, 15 min)      " + " ".join(f"{load:.2f}" for load in os.getloadavg()))


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--paced", type=int, default=32)
    parser.add_argument("--pause", type=float, default=1.2)
    parser.add_argument("--rounds", type=int, default=4, help="alternating blocks of both bots")
    parser.add_argument("--database", help="an empty database's URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    ports: Queue[str] = multiprocessing.Queue()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(ports, stop), daemon=True)
    server.start()
    try:
        base_url = ports.get(timeout=30)
        outcome = asyncio.run(
            run(base_url, args.messages, args.paced, args.pause, args.rounds, args.database)
        )
        _report(outcome, args.pause)
    finally:
        stop.set()
        server.join(timeout=10)


if __name__ == "__main__":
    main()
