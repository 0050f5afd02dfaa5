"""Seeded fuzz of the WhatsApp webhook over real HTTP (issue 12, "the suite that keeps it so").

Three pemangku report a birth each while strangers and a noisy pemangku post hostile bodies
between their lines: odd unicode, huge and empty texts, every message type, wrong shapes and junk
in random places, duplicated and out-of-order ids, ids that fit no column, choice ids never
offered, bad signatures. Every signed body must be answered 200, nothing may log an error or a
traceback, every good line must be answered, the outbox must drain, and B.3 must hold.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Callable
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import report_words
from models.event import Event
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Channel, Role
from tests.bot.fuzz import JUNK, assert_books_hold, mutate, odd_text
from tests.bot.logtrap import trapped_logs
from tests.bot.whatsapp.harness import WhatsAppPhone, WhatsAppWorld, whatsapp_world
from tests.factories import TRIMULYO, add_member, seed_pekon

SEED = 20261129
ROUNDS = 24  # good lines; hostile bodies go between them
HOSTILE_PER_ROUND = 6
TYPES = ["image", "audio", "sticker", "location", "reaction", "unsupported", "contacts", "template_button"]
EXPRESS = "LAHIR Putri Ayu P 19-11-2026 di Liwa ibu Sari ayah Joko"


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        yield w


class Hostile:
    """Hostile bodies from strangers and one noisy pemangku, from a seeded generator."""

    def __init__(self, world: WhatsAppWorld, noisy: WhatsAppPhone, rng: random.Random) -> None:
        self.world, self.noisy, self.rng = world, noisy, rng
        self.posted: list[bytes] = []
        self.kinds: list[Callable[[], bytes]] = [
            self.odd, self.huge, self.empty, self.a_type, self.never_offered, self.shape,
            self.long_ids, self.repeat, self.repeat,
        ]  # fmt: skip

    def phone(self) -> WhatsAppPhone:
        stranger = self.world.phone(f"62899{self.rng.randrange(10**7):07d}", odd_text(self.rng, 8))
        return self.rng.choice([self.noisy, stranger])

    def text(self, text: str) -> bytes:
        return json.dumps(self.phone().body("text", type="text", text={"body": text})).encode()

    def odd(self) -> bytes:
        return self.text(odd_text(self.rng))

    def huge(self) -> bytes:
        return self.text(odd_text(self.rng, 20) * self.rng.randrange(50, 500))

    def empty(self) -> bytes:
        return self.text("")

    def a_type(self) -> bytes:
        return json.dumps(self.phone().body(self.rng.choice(TYPES))).encode()

    def never_offered(self) -> bytes:
        kind = self.rng.choice(["button_reply", "list_reply"])
        reply = {"id": odd_text(self.rng, 30) or "x", "title": odd_text(self.rng, 5)}
        body = self.phone().body(kind, type="interactive", interactive={"type": kind, kind: reply})
        return json.dumps(body).encode()

    def shape(self) -> bytes:
        body = self.phone().body(self.rng.choice(["text", *TYPES]))
        body = self.rng.choice([mutate(self.rng, body), self.rng.choice(JUNK)])
        return self.rng.choice([json.dumps(body).encode(), b"[" * 3000 + b"]" * 3000, b"{"])

    def long_ids(self) -> bytes:
        field, size = self.rng.choice([("from", 65), ("from", 100), ("id", 129), ("id", 300)])
        return json.dumps(self.phone().body("text", **{field: "6" * size})).encode()

    def repeat(self) -> bytes:  # a duplicate delivery, out of order
        return self.rng.choice(self.posted) if self.posted else self.odd()

    async def post_some(self, count: int) -> None:
        """Post `count` bodies; each signed one must get 200, an unsigned one 403."""
        for _ in range(count):
            raw = self.rng.choice(self.kinds)()
            self.posted.append(raw)
            signed = self.rng.random() > 0.05
            response = await self.world.post(raw, signature="sign" if signed else "sha256=" + "0" * 64)
            assert response.status_code == (200 if signed else 403)


def next_line(last: str) -> str | None:
    """What a pemangku types next in a birth report by one line; None when it is saved."""
    if not last:
        return EXPRESS
    if "tersimpan" in last:
        return None
    if "[1. Simpan]" in last:
        return "simpan"
    return "-" if report_words.QUESTION_NIK_NEWBORN in last else "1"


async def _register(world: WhatsAppWorld) -> tuple[list[WhatsAppPhone], WhatsAppPhone, list[int]]:
    phones = [world.phone(f"6281234567{i:03d}", f"Pemangku {i}") for i in range(4)]
    async with world.sessionmaker() as session:
        units = await seed_pekon(session)
        for phone, unit in zip(phones, units, strict=True):
            await add_member(
                session, phone.name, Role.PEMANGKU, unit=unit, channel=Channel.WHATSAPP, address=phone.wa_id
            )
        return phones[:3], phones[3], [unit.id for unit in units[:3]]


async def test_hostile_bodies_never_silence_the_good_conversations(world: WhatsAppWorld) -> None:
    rng = random.Random(SEED)
    good, noisy, good_units = await _register(world)
    hostile = Hostile(world, noisy, rng)
    last = dict.fromkeys((p.wa_id for p in good), "")
    with trapped_logs() as logs:
        for _ in range(ROUNDS):
            await hostile.post_some(HOSTILE_PER_ROUND)
            waiting = [p for p in good if next_line(last[p.wa_id]) is not None]
            if waiting:
                phone = rng.choice(waiting)
                line = next_line(last[phone.wa_id])
                assert line is not None
                last[phone.wa_id] = await phone.say(line)
                assert last[phone.wa_id], f"no answer to {line!r}"
        for phone in good:  # finish what the rounds left
            while (line := next_line(last[phone.wa_id])) is not None:
                last[phone.wa_id] = await phone.say(line)
                assert last[phone.wa_id], f"no answer to {line!r}"
        await world.settle()
    assert logs.problems() == []
    async with world.sessionmaker() as session:
        per_unit = select(Event.unit_id, func.count()).group_by(Event.unit_id)
        births = dict((await session.execute(per_unit)).tuples().all())
        left = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.DEAD]))
        )
        await assert_books_hold(session, TRIMULYO, date(2026, 11, 1))
    assert [births.get(unit_id) for unit_id in good_units] == [1, 1, 1]  # one each, none doubled
    assert left == 0
