"""Field test over WhatsApp, round two: button and list replies on a weak signal (late, twice,
tampered, after BATAL, after a restart). Each was tried and found right; these keep it so."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import conversation_words
from models.event import Event
from tests.bot.whatsapp.harness import WhatsAppPhone, WhatsAppWorld, whatsapp_world
from tests.bot.whatsapp.test_conversations import registered

LINE = "lahir Putri Ayu P 3-11-2026 di Liwa ibu Sari ayah Joko"


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        yield w


def press(phone: WhatsAppPhone, choice_id: str, title: str = "x") -> dict[str, object]:
    """A button reply with any id, as a tampered or an old keyboard would send it."""
    interactive = {"type": "button_reply", "button_reply": {"id": choice_id, "title": title}}
    return phone.body("button_reply", type="interactive", interactive=interactive)


def offered_id(phone: WhatsAppPhone, bare: str) -> str:
    return next(i for i in phone._offered() if i.endswith(f":{bare}"))


async def events(world: WhatsAppWorld) -> int:
    async with world.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Event)) or 0)


async def test_simpan_pressed_twice_on_a_weak_signal_saves_once(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    await phone.say(LINE)
    simpan = offered_id(phone, "simpan")
    await world.post(press(phone, simpan, "1. Simpan"))
    await world.post(press(phone, simpan, "1. Simpan"))  # the same button, a second wamid
    await world.settle()
    first, second = phone.read()
    assert "Laporan kelahiran tersimpan" in first and second.startswith(conversation_words.STALE_CHOICE)
    assert await events(world) == 1


async def test_a_redelivered_reply_is_answered_once(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    await phone.say(LINE)
    body = press(phone, offered_id(phone, "simpan"), "1. Simpan")
    assert len(await phone.post(body)) == 1
    assert await phone.post(body) == []  # Meta's retry: the same wamid
    assert await events(world) == 1


@pytest.mark.parametrize("tampered", ["q99:simpan", "simpan", "q{now}:simpan", "q{now}:" + "P" * 250])
async def test_a_tampered_reply_id_changes_nothing(world: WhatsAppWorld, tampered: str) -> None:
    """At the sex question, a reply claiming to be Simpan (another question's number, none, or this
    question's number with an id it never offered) is no answer: the question is asked again."""
    phone = await registered(world)
    await phone.tap("lahir")
    await phone.say("Putri Ayu")
    now = offered_id(phone, "P").split(":")[0].removeprefix("q")
    answer = "\n".join(await phone.post(press(phone, tampered.format(now=now))))
    assert answer.endswith("[1. L (laki-laki)]\n[2. P (perempuan)]")
    assert "tersimpan" not in answer and await events(world) == 0


async def test_an_old_keyboard_after_batal_starts_nothing(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    await phone.say(LINE)
    simpan = offered_id(phone, "simpan")
    await phone.say("batal")
    answer = "\n".join(await phone.post(press(phone, simpan, "1. Simpan")))
    assert answer.startswith(conversation_words.STALE_CHOICE) and await events(world) == 0


async def test_the_summary_s_simpan_works_after_a_restart(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with whatsapp_world(sessionmaker) as before:
        phone = await registered(before)
        await phone.say(LINE)
        simpan = offered_id(phone, "simpan")
    async with whatsapp_world(
        sessionmaker
    ) as after:  # the process restarted; the keyboard is still on the phone
        again = after.phone(phone.wa_id)
        answer = "\n".join(await again.post(press(again, simpan, "1. Simpan")))
        assert "Laporan kelahiran tersimpan" in answer and await events(after) == 1
