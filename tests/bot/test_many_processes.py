"""Three real `pemangku run` processes on one PostgreSQL, traffic to all of them on both channels,
and one SIGKILLed in the middle (issue 16): every line answered, each person's answers in order,
no report doubled, every reminder once, and the platforms never see more than their limit."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.event import EventPerson
from models.person import Channel
from tests.bot.multiproc_world import (
    RATE,
    Bot,
    Traffic,
    environment,
    free_port,
    health,
    seed,
    start_bot,
    until,
)
from tests.bot.whatsapp.harness import TEMPLATES
from tests.fakes.graph_api import FakeGraphApi, serve
from tests.fakes.telegram_api import FakeTelegram

TELEGRAM = [str(5100 + n) for n in range(30)]
WHATSAPP = [f"6281300001{n:03d}" for n in range(30)]
REPORTS = 3  # births per person
REMINDER = "belum masuk. Batasnya"
SYLLABLES = ("ra", "di", "tu", "sa", "ni", "ko", "me", "la", "wa", "yu")


def baby(person: int, report: int) -> str:
    """A distinct letters-only name."""
    n = person * REPORTS + report
    return "Putri " + "".join(SYLLABLES[(n // 10**k) % 10] for k in range(3)).title()


async def person(traffic: Traffic, chat: str, index: int, saved: list[str]) -> None:
    """Report births one after the other, each line waiting for its answer."""
    for report in range(REPORTS):
        name = baby(index, report)
        line = f"LAHIR {name} P kemarin di Liwa ibu Sari ayah Joko"
        summary = await traffic.step(chat, line, lambda t, n=name: n in t and REMINDER not in t)  # type: ignore[misc]
        if summary and await traffic.step(chat, "simpan", lambda t: "tersimpan" in t):
            saved.append(name)
        await asyncio.sleep(0.2)


def in_order(texts: list[str], names: list[str]) -> bool:
    """Each birth's summary, then its receipt, then the next birth's summary."""
    at = 0
    for name in names:
        summary = next(
            (i for i in range(at, len(texts)) if name in texts[i] and REMINDER not in texts[i]), None
        )
        if summary is None:
            return False
        receipt = next((i for i in range(summary, len(texts)) if "tersimpan" in texts[i]), None)
        if receipt is None:
            return False
        at = receipt + 1
    return True


async def test_three_processes_and_one_killed(
    db_url: str, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several processes share PostgreSQL only")
    chats = [(str(Channel.TELEGRAM), c) for c in TELEGRAM] + [(str(Channel.WHATSAPP), c) for c in WHATSAPP]
    await seed(sessionmaker, chats)
    graph = FakeGraphApi(templates=dict(TEMPLATES), max_per_second=RATE)
    log = tmp_path / "bots.log"
    async with (
        FakeTelegram(rate_limit=RATE) as tg,
        serve(graph.app()) as graph_url,
        httpx.AsyncClient(timeout=30) as http,
    ):
        envs = [environment(db_url, tg, graph_url, free_port()) for _ in range(3)]
        bots = [await start_bot(envs[0], log)]
        try:
            first = await _healthy(http, bots[0])
            # The first process takes every role; the others wait for one to come free.
            assert first["lanes"] == ["telegram", "whatsapp"] and first["poller"]
            bots += [await start_bot(env, log) for env in envs[1:]]
            others = [await _healthy(http, bot) for bot in bots[1:]]
            assert all(h["lanes"] == [] and not h["poller"] for h in others)

            traffic = Traffic(tg, graph, bots, http)
            saved: list[str] = []
            people = asyncio.gather(*(person(traffic, chat, i, saved) for i, (_, chat) in enumerate(chats)))

            def reminded() -> int:
                return sum(REMINDER in t for _, c in chats for t in traffic.received(c))

            await until(lambda: reminded() >= 2 * len(chats) and len(saved) >= len(chats) // 2, within=120)
            bots[0].process.kill()  # SIGKILL the holder of every role, mid-traffic
            await bots[0].process.wait()
            traffic.bots = bots[1:]
            await asyncio.wait_for(people, timeout=180)  # bounds, not goals: a loaded CI machine is slow
            roles = [await _healthy(http, bot) for bot in bots[1:]]
            for bot in bots[1:]:
                bot.process.terminate()
            codes = [await bot.process.wait() for bot in bots[1:]]
        finally:  # a failed assertion leaves no process behind
            for bot in bots:
                if bot.process.returncode is None:
                    bot.process.kill()
                    await bot.process.wait()

    assert traffic.lost == [], log.read_text()[-3000:]
    assert codes == [0, 0], log.read_text()[-3000:]
    assert sorted(lane for r in roles for lane in r["lanes"]) == ["telegram", "whatsapp"]
    assert sum(r["poller"] for r in roles) == 1  # taken over by exactly one survivor
    assert len(saved) == len(chats) * REPORTS
    for index, (_, chat) in enumerate(chats):
        texts = traffic.received(chat)
        assert sum(REMINDER in t for t in texts) == 2, chat  # the current and the last month, once each
        assert in_order(texts, [baby(index, r) for r in range(REPORTS)]), chat
    async with sessionmaker() as session:
        rows = (
            await session.execute(select(EventPerson.name, func.count()).group_by(EventPerson.name))
        ).all()
    assert sorted(name for name, _ in rows) == sorted(saved)
    assert all(count == 1 for _, count in rows)  # no report doubled
    assert tg.too_many == 0 and graph.throttled == 0  # no second over the limit, on either platform


async def _healthy(http: httpx.AsyncClient, bot: Bot) -> dict[str, Any]:
    """What /healthz says once the process answers and has had a round of role checks."""
    for _ in range(400):
        if await health(http, bot) is not None:
            await asyncio.sleep(1.0)
            answer = await health(http, bot)
            assert answer is not None
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError("a process did not become healthy")
