"""Soak: minutes of mixed valid and hostile traffic on both channels against a real
`python -m bot run` process, one chat whose platform keeps failing, and one SIGKILL and restart
in the middle.

The fake Bot API (Telegram, polled by the bot) and the fake Graph API (WhatsApp, the bot posts
to it) run in this process and note when each message arrives; WhatsApp bodies reach the bot's
webhook over real HTTP, signed. Healthy pemangku (half on each channel) report births in one
line, save them and ask the status, each waiting for the answer like a person; attackers send
wrong shapes, odd texts, replays and presses of buttons never offered; the failing number holds
1,000 queued messages and keeps writing. Prints messages in, replies out, replies lost, doubled
reports, the healthy chats' reply latency (p50/p99, and apart: the messages sent around the
restart), the bot's peak resident memory, and what its log holds.

    .venv/bin/python -m bench.soak [--minutes 2] [--url postgresql://postgres@127.0.0.1:5432/bench_soak]

Without --url a fresh SQLite file; the schema of the database named by --url is DROPPED first.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import socket
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.inbound import name, reset
from bench.roundtrip import TimedTelegram
from bench.soak_world import (
    APP_SECRET,
    FAILING,
    VERIFY_TOKEN,
    BotProcess,
    Platforms,
    SoakGraph,
    Tally,
    failing_person,
    healthy_person,
    telegram_attacker,
    whatsapp_attacker,
)
from bot.db import make_engine, make_sessionmaker, normalise_url
from bot.messages import OutgoingMessage
from models.base import add_months, month_of, utcnow, wib_date
from models.event import EventPerson
from models.outbox import OutboxMessage, enqueue
from models.period import Baseline
from models.person import Channel, Identity, Member, Role
from models.region import Kecamatan, Pekon, Unit
from tests.fakes.graph_api import PHONE_NUMBER_ID, TOKEN, serve
from tests.fakes.telegram_wire import TOKEN as TELEGRAM_TOKEN

TELEGRAM_PEOPLE = [str(9001 + n) for n in range(6)]
WHATSAPP_PEOPLE = [f"62813000000{n:02d}" for n in range(6)]
LEASE = 2  # seconds: a killed process's claims are sent again soon


async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """One pekon, a unit and a pemangku per person (the failing number too), 1,000 rows queued
    to the failing number."""
    baseline = add_months(month_of(wib_date(utcnow())), -1)
    chats = [(Channel.TELEGRAM, c) for c in TELEGRAM_PEOPLE] + [
        (Channel.WHATSAPP, c) for c in WHATSAPP_PEOPLE
    ]
    chats.append((Channel.WHATSAPP, FAILING))
    async with sessionmaker() as s, s.begin():
        s.add(Kecamatan(kode="18.04.15", nama="Gedung Surian", kabupaten_nama="Lampung Barat"))
        s.add(Pekon(kode="18.04.15.2004", nama="Trimulyo", tingkat="desa", kecamatan_kode="18.04.15"))
        for seq, (channel, address) in enumerate(chats, 1):
            kode = f"18.04.15.2004-{seq:02d}"
            unit = Unit(kode=kode, pekon_kode="18.04.15.2004", seq=seq, nama=f"U{seq}", nama_norm=f"u{seq}")
            s.add(unit)
            await s.flush()
            figures = {"wna_l": 0, "wna_p": 0, "wni_l": 100, "wni_p": 100, "kk": 60, "anggota": 140}
            s.add(Baseline(unit_id=unit.id, period=baseline, **figures))
            member = Member(name=f"P{seq}", role=Role.PEMANGKU, unit_id=unit.id)
            s.add(member)
            await s.flush()
            s.add(Identity(member_id=member.id, channel=channel, address=address, last_inbound_at=utcnow()))
        for n in range(1000):
            payload = OutgoingMessage(text=f"Pemberitahuan {n}").to_payload()
            enqueue(s, channel="whatsapp", address=FAILING, payload=payload)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(url: str, telegram: TimedTelegram, graph_url: str, port: int) -> dict[str, str]:
    return {
        "PEMANGKU_DATABASE_URL": url,
        "PEMANGKU_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "PEMANGKU_TELEGRAM_BASE_URL": telegram.base_url,
        "PEMANGKU_TELEGRAM_BASE_FILE_URL": telegram.base_url.replace("/bot", "/file/bot"),
        "PEMANGKU_WHATSAPP_TOKEN": TOKEN,
        "PEMANGKU_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "PEMANGKU_WHATSAPP_APP_SECRET": APP_SECRET,
        "PEMANGKU_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "PEMANGKU_WHATSAPP_BASE_URL": graph_url,
        "PEMANGKU_HTTP_HOST": "127.0.0.1",
        "PEMANGKU_HTTP_PORT": str(port),
        "PEMANGKU_OUTBOX_LEASE_SECONDS": str(LEASE),
    }


async def soak(url: str, minutes: float, log: Path) -> dict[str, Any]:
    """Run the soak; the figures."""
    url = normalise_url(url)
    await reset(url)
    engine = make_engine(url)
    sessionmaker = make_sessionmaker(engine)
    await seed(sessionmaker)
    tally = Tally()
    graph = SoakGraph()
    port = _free_port()
    async with (
        TimedTelegram() as telegram,
        serve(graph.app()) as graph_url,
        httpx.AsyncClient(timeout=30) as http,
    ):
        base = f"http://127.0.0.1:{port}"
        platforms = Platforms(telegram, graph, graph_url, f"{base}/whatsapp/webhook", http, tally)
        bot = BotProcess(_env(url, telegram, graph_url, port), log)
        first_start = await bot.start(f"{base}/healthz", http)
        sampler = asyncio.create_task(bot.sample())
        started = time.monotonic()
        until = started + minutes * 60
        counter = itertools.count(1)
        people = [
            *(
                healthy_person(platforms, chat, lambda: name(next(counter)), until)
                for chat in TELEGRAM_PEOPLE
            ),
            *(
                healthy_person(platforms, chat, lambda: name(next(counter)), until)
                for chat in WHATSAPP_PEOPLE
            ),
            failing_person(platforms, until),
            telegram_attacker(platforms, 9901, 1, until, 3.0),
            telegram_attacker(platforms, 9902, 2, until, 3.0),
            whatsapp_attacker(platforms, "6287700000001", 3, until, 3.0),
            whatsapp_attacker(platforms, "6287700000002", 4, until, 3.0),
        ]
        traffic = asyncio.gather(*people)
        await asyncio.sleep(minutes * 30)
        killed_at = time.monotonic()
        await bot.kill()
        restart = await bot.start(f"{base}/healthz", http)
        ready_at = time.monotonic()
        await traffic
        exit_code = await bot.stop()
        sampler.cancel()
    figures = await _ledger(sessionmaker, tally)
    await engine.dispose()
    window = (killed_at - 1.0, ready_at + LEASE + 1.0)
    return figures | {
        "tally": tally,
        "telegram_out": sum(len(v) for v in telegram.chats.values()),
        "whatsapp_out": len(graph.messages),
        "failing_tries": graph.failing_tries,
        "start": first_start,
        "restart": restart,
        "window": window,
        "killed_after": killed_at - started,
        "peak_rss_mb": bot.peak_rss_kb / 1024,
        "exit_code": exit_code,
        "wall": time.monotonic() - started,
    }


async def _ledger(sessionmaker: async_sessionmaker[AsyncSession], tally: Tally) -> dict[str, Any]:
    """Reports in the ledger: how many of the names sent, and names recorded more than once."""
    async with sessionmaker() as session:
        rows = (
            await session.execute(
                select(EventPerson.name, func.count())
                .where(EventPerson.name.in_(tally.reported))
                .group_by(EventPerson.name)
            )
        ).all()
        queued = (
            await session.execute(
                select(OutboxMessage.created_at, OutboxMessage.sent_at).where(
                    OutboxMessage.address.in_(TELEGRAM_PEOPLE + WHATSAPP_PEOPLE),
                    OutboxMessage.sent_at.is_not(None),
                )
            )
        ).all()
    counts: dict[str, int] = {row[0]: row[1] for row in rows}
    return {
        "outbox": [(sent - created).total_seconds() for created, sent in queued],
        "in_ledger": len(counts),
        "doubled": sorted(n for n, c in counts.items() if c > 1),
        "saved_missing": sorted(set(tally.saved) - set(counts)),
    }


def _log_summary(log: Path) -> dict[str, int]:
    text = log.read_text(errors="replace")
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "error lines": sum(1 for line in text.splitlines() if " ERROR " in line or line.startswith("ERROR")),
    }


def _report(f: dict[str, Any], log: Path) -> None:
    tally: Tally = f["tally"]
    low, high = f["window"]
    print(
        f"wall time              {f['wall']:.0f} s; bot up in {f['start']:.1f} s, again {f['restart']:.1f} s"
    )
    sent = ", ".join(f"{k} {v}" for k, v in sorted(tally.sent.items()))
    print(f"messages in            {sum(tally.sent.values())} ({sent})")
    print(f"replies out            {f['telegram_out']} Telegram + {f['whatsapp_out']} WhatsApp")
    print(f"replies lost           {len(tally.lost)} (healthy messages without their answer within 30 s)")
    print(f"SIGKILL                {f['killed_after']:.0f} s in")
    for lost in tally.lost[:10]:
        print(f"                       {lost}")
    print(f"other answer than the expected one: {len(tally.unexpected)}")
    for other in tally.unexpected[:5]:
        print(f"                       {other}")
    ledger = f["in_ledger"]
    print(
        f"reports                {len(tally.reported)} sent, {len(tally.saved)} receipts, {ledger} in ledger"
    )
    print(f"doubled reports        {len(f['doubled'])} {f['doubled'][:5]}")
    print(f"receipt, no ledger row {len(f['saved_missing'])}")
    for channel in ("telegram", "whatsapp"):
        calm = [s for c, at, s in tally.latencies if c == channel and not low <= at <= high]
        print(f"healthy {channel:<15}{_quantiles(calm)}")
    print(f"  of which the outbox  {_quantiles(f['outbox'], 'queued to sent')}")
    around = [s for _, at, s in tally.latencies if low <= at <= high]
    if around:
        slowest = max(around)
        print(
            f"around the restart     {len(around)} replies, max {slowest:.1f} s (sent 1 s before the kill on)"
        )
    print(f"failing chat           {f['failing_tries']} send attempts (500, then 20 s timeouts)")
    print(f"webhook answers        {dict(sorted(tally.answers.items()))}")
    print(f"peak RSS of the bot    {f['peak_rss_mb']:.0f} MB")
    print(f"bot log                {_log_summary(log)}; exit code {f['exit_code']}; {log}")


def _quantiles(seconds: list[float], what: str = "reply latency") -> str:
    if len(seconds) < 2:
        return f"{len(seconds)} replies"
    cuts = statistics.quantiles(seconds, n=100)
    p50, p99, most = cuts[49] * 1000, cuts[98] * 1000, max(seconds) * 1000
    return f"{what} p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {most:.0f} ms ({len(seconds)})"


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="soak-"))
    url = args.url or f"sqlite+aiosqlite:///{tmp / 'soak.sqlite3'}"
    log = tmp / "bot.log"
    figures = asyncio.run(soak(url, min(args.minutes, 30.0), log))
    _report(figures, log)


if __name__ == "__main__":
    main()
