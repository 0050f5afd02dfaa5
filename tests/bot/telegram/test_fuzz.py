"""Seeded fuzz of the Telegram webhook over real HTTP (issue 12, "the suite that keeps it so").

Two pemangku register and report a birth each while strangers and a noisy pemangku post hostile
updates between their lines: odd unicode, huge and empty texts, stickers and contacts, button
presses with data never offered, wrong shapes and junk in random places, duplicated and
out-of-order updates, a wrong secret. Every update with the right secret must be answered 200,
nothing may log an error or a traceback, every good line must be answered, the outbox must
drain, and B.3 must hold.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import report_words
from models.event import Event
from models.outbox import OutboxMessage, OutboxStatus
from models.region import Unit
from tests.bot.fuzz import JUNK, assert_books_hold, mutate, odd_text
from tests.bot.logtrap import trapped_logs
from tests.bot.telegram.conftest import invite_code, webhook_bot
from tests.factories import TRIMULYO
from tests.fakes.telegram_api import FakeTelegram

SEED = 20261129
ROUNDS = 16
HOSTILE_PER_ROUND = 6
SECRET = "fuzz_Secret-1"
GOOD, NOISY = [7001, 7002], 7003
EXPRESS = "LAHIR Putri Ayu P 19-11-2026 di Liwa ibu Sari ayah Joko"


@pytest.fixture
async def url(sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram) -> AsyncIterator[str]:
    """The bot in webhook mode behind the project's web server."""
    async with webhook_bot(sessionmaker, tg, SECRET, "https://bot.example.id") as base:
        yield f"{base}/telegram/webhook"


class Traffic:
    """Posts updates (good and hostile) with the right secret, or now and then a wrong one."""

    def __init__(self, url: str, http: httpx.AsyncClient, tg: FakeTelegram, rng: random.Random) -> None:
        self.url, self.http, self.tg, self.rng = url, http, tg, rng
        self.posted: list[bytes] = []
        self.kinds: list[Callable[[], Any]] = [
            self.odd, self.huge, self.empty, self.sticker, self.contact, self.press, self.shape,
            self.repeat, self.repeat,
        ]  # fmt: skip

    async def post(self, update: dict[str, Any] | bytes, secret: str = SECRET) -> int:
        raw = update if isinstance(update, bytes) else json.dumps(update).encode()
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        return (await self.http.post(self.url, content=raw, headers=headers)).status_code

    def user(self) -> int:
        return self.rng.choice([NOISY, 8_000_000 + self.rng.randrange(10**6)])

    def odd(self) -> dict[str, Any]:
        return self.tg.say(self.user(), odd_text(self.rng))

    def huge(self) -> dict[str, Any]:
        return self.tg.say(self.user(), odd_text(self.rng, 20) * self.rng.randrange(50, 500))

    def empty(self) -> dict[str, Any]:
        return self.tg.say(self.user(), "")

    def sticker(self) -> dict[str, Any]:
        return self.tg.send_sticker(self.user())

    def contact(self) -> dict[str, Any]:
        user = self.user()
        return self.tg.share_contact(user, self.rng.choice(["0812", "+62 812-3456-7890", "9" * 40]), user)

    def press(self) -> dict[str, Any]:
        user = self.user()
        sent = self.tg.chats.get(user) or self.tg.chats.get(GOOD[0]) or []
        if not sent:
            return self.odd()
        return self.tg.press(user, self.rng.choice(sent), odd_text(self.rng, 20)[:30] or "x")

    def shape(self) -> Any:
        update = self.rng.choice([self.odd, self.sticker, self.contact])()
        return self.rng.choice([mutate(self.rng, update), self.rng.choice(JUNK), b"[" * 3000 + b"]" * 3000])

    def repeat(self) -> Any:  # a redelivery, out of order
        return self.rng.choice(self.posted) if self.posted else self.odd()

    async def hostile(self, count: int) -> None:
        for _ in range(count):
            update = self.rng.choice(self.kinds)()
            raw = update if isinstance(update, bytes) else json.dumps(update).encode()
            self.posted.append(raw)
            right = self.rng.random() > 0.05
            assert await self.post(raw, SECRET if right else "wrong") == (200 if right else 403)

    async def say(self, user: int, text: str, sessionmaker: async_sessionmaker[AsyncSession]) -> str:
        """A good line; all the answers to it, as one text with the buttons' labels."""
        before = len(self.tg.chats.get(user, []))
        assert await self.post(self.tg.say(user, text)) == 200
        await self.tg.wait_for(user, before + 1)
        await drained(sessionmaker)
        answers = self.tg.chats[user][before:]
        return "\n".join([m.text or "" for m in answers] + [f"[{b[0]}]" for m in answers for b in m.buttons])


async def drained(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Wait until nothing is pending in the outbox; returns the dead rows."""
    async with asyncio.timeout(10):
        while True:
            async with sessionmaker() as session:
                status = OutboxMessage.status
                pending = await session.scalar(select(func.count()).where(status == OutboxStatus.PENDING))
                dead = await session.scalar(select(func.count()).where(status == OutboxStatus.DEAD))
            if not pending:
                return int(dead or 0)
            await asyncio.sleep(0.02)


def next_line(last: str) -> str | None:
    """What a pemangku types next in a birth report by one line; None when it is saved."""
    if not last:
        return EXPRESS
    if "tersimpan" in last:
        return None
    if "[Simpan]" in last:
        return "simpan"
    return "-" if report_words.QUESTION_NIK_NEWBORN in last else "1"


async def test_hostile_updates_never_silence_the_good_conversations(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, url: str, units: list[Unit]
) -> None:
    rng = random.Random(SEED)
    async with httpx.AsyncClient() as http:
        traffic = Traffic(url, http, tg, rng)
        with trapped_logs() as logs:
            for user, unit in zip([*GOOD, NOISY], units, strict=False):
                code = await invite_code(sessionmaker, unit=unit)
                assert "Selamat datang" in await traffic.say(user, f"/start {code}", sessionmaker)
            last = dict.fromkeys(GOOD, "")
            for _ in range(ROUNDS):
                await traffic.hostile(HOSTILE_PER_ROUND)
                waiting = [user for user in GOOD if next_line(last[user]) is not None]
                for user in waiting[:1] if rng.random() < 0.5 else waiting[-1:]:
                    line = next_line(last[user])
                    assert line is not None
                    last[user] = await traffic.say(user, line, sessionmaker)
            for user in GOOD:
                while (line := next_line(last[user])) is not None:
                    last[user] = await traffic.say(user, line, sessionmaker)
            assert await drained(sessionmaker) == 0
    assert logs.problems() == []
    async with sessionmaker() as session:
        per_unit = select(Event.unit_id, func.count()).group_by(Event.unit_id)
        births = dict((await session.execute(per_unit)).tuples().all())
        await assert_books_hold(session, TRIMULYO, date(2026, 11, 1))
    assert [births.get(unit.id) for unit in units[: len(GOOD)]] == [1, 1]  # one each, none doubled
