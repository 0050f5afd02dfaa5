"""Field test over WhatsApp, round three of fixes: thanks typed alone, the last answer resent after a
silence, twins named in one line. End to end through the signed webhook and the fake Graph API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import conversation_words, report_words
from models.event import EventPerson
from tests.bot.whatsapp.harness import WhatsAppWorld, whatsapp_world
from tests.bot.whatsapp.test_conversations import registered
from tests.bot.whatsapp.test_field_round2 import typed_at

UP_TO_MOTHER = "lahir Putri Ayu P 3-11-2026 di Liwa"


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker, sent_twice_seconds=3.0) as w:
        yield w


async def people(world: WhatsAppWorld) -> list[tuple[str, str | None, str | None]]:
    async with world.sessionmaker() as session:
        rows = await session.execute(
            select(EventPerson.name, EventPerson.mother_name, EventPerson.father_name)
        )
        return [(name, mother, father) for name, mother, father in rows]


async def test_thanks_at_the_fathers_question_is_no_name(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    await phone.say(f"{UP_TO_MOTHER} ibu Sari")
    answer = await phone.say("Terima kasih pak 🙏")
    assert answer == f"{conversation_words.ACK_THANKS}\n{report_words.QUESTIONS['father_name']}"
    assert "Nama ayah: Joko" in await phone.say("Joko")


async def test_a_resent_answer_gets_reply_buttons_and_a_press_decides(world: WhatsAppWorld) -> None:
    """ "Sari" for the mother, "Sari" again 30 s later (another wamid): two reply buttons, stamped
    with the question; Bukan puts the question again and nothing is taken."""
    phone = await registered(world)
    await phone.say(UP_TO_MOTHER)
    await phone.post(typed_at(phone, "Sari", 0))
    await phone.post(typed_at(phone, "Sari", 30))
    sent = world.graph.sent_to(phone.wa_id)[-1]
    assert sent["type"] == "interactive" and "Nama ayah juga Sari?" in sent["interactive"]["body"]["text"]
    ids = [b["reply"]["id"] for b in sent["interactive"]["action"]["buttons"]]
    assert [i.split(":", 1)[1] for i in ids] == ["ya", "tidak"] and all(i.startswith("q") for i in ids)
    again = await phone.tap("tidak")
    assert again.startswith(conversation_words.RESENT_NO) and report_words.QUESTIONS["father_name"] in again
    await phone.say("Joko")
    await phone.tap("simpan")
    assert await people(world) == [("Putri Ayu", "Sari", "Joko")]


async def test_named_twins_over_whatsapp(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    await phone.say("lahir kembar Putri P dan Putra L di Liwa ayah Joko ibu Sri 3/11")
    second = await phone.tap("simpan")
    assert report_words.TWIN_NEXT.format(n=2, of=2) in second and "Nama: Putra" in second
    await phone.tap("simpan")
    assert await people(world) == [("Putri", "Sri", "Joko"), ("Putra", "Sri", "Joko")]
