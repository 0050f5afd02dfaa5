"""A day as people spell it ("kemaren", "kmaren sore", "semalem") is a date: never part of a name, never
mistaken for a kind of report ("kemarin" is no "kematian")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.texts import conversation_words, report_words
from models.conversation import Conversation
from tests.handlers.conftest import World


async def _draft(world: World) -> dict[str, object]:
    async with world.sessionmaker() as s:
        conv = await s.scalar(select(Conversation).where(Conversation.address == "budi"))
        assert conv is not None and conv.flow == "report"
        return dict(conv.data["v"])


@pytest.mark.parametrize("day", ["kemaren", "kmaren sore", "semalem", "kmrn", "tgl kemaren"])
async def test_a_spelled_day_in_an_express_line_is_the_date(world: World, day: str) -> None:
    answer = await world.chat("budi").say(f"lahir Ani P {day} di Liwa ibu Sari ayah Joko")
    values = await _draft(world)
    assert (values["name"], values["event_date"]) == ("Ani", "2026-11-19")
    assert "Nama: Ani\n" in answer and "Tanggal: 19 November 2026" in answer


@pytest.mark.parametrize("line", ["kemarin sore", "kemaren Pak Darto meninggal", "Kemarin"])
async def test_a_day_word_first_starts_no_death_report(world: World, line: str) -> None:
    answer = await world.chat("budi").say(line)
    assert answer.startswith(conversation_words.NOT_UNDERSTOOD)
    assert report_words.KIND_START["meninggal"] not in answer


async def test_a_spelled_day_answers_the_date_question(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("Lapor Meninggal", "Darto", "L", "-")
    assert report_words.QUESTIONS["death_place"] in await chat.say("kemaren sore")
    assert (await _draft(world))["event_date"] == "2026-11-19"
