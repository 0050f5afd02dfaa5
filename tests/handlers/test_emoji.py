"""Emoji are no part of a place or an express line: the books print words only (B.2 "pindah ke")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.texts import conversation_words
from models.event import EventPerson
from tests.handlers.conftest import World


async def _saved_people(world: World) -> list[EventPerson]:
    async with world.sessionmaker() as s:
        return list(await s.scalars(select(EventPerson)))


@pytest.mark.parametrize("place", ["Jakarta 😊", "Jakarta 🙏🏽", "Jakarta ❤️", "👨‍👩‍👧 Jakarta"])
async def test_an_emoji_after_an_express_place_is_not_saved(world: World, place: str) -> None:
    chat = world.chat("budi")
    summary = await chat.say(f"PINDAH Rina P 5 nov 2026 ke {place}")
    assert "Pindah ke: Jakarta\n" in summary
    await chat.say("simpan")
    (person,) = await _saved_people(world)
    assert person.destination == "Jakarta"


async def test_an_emoji_in_a_guided_place_answer_is_dropped(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("Lapor Meninggal", "Darto", "L", "-", "10-11-2026")
    assert conversation_words.ACK_THANKS in await chat.say("🙏🙏")  # thanks alone is no place
    assert "Mohon tulis nama tempatnya" in await chat.say("🎉")  # nor an emoji
    answer = await chat.say("rumah 🙏")
    assert "kepala keluarga" in answer
    await chat.script("tidak", "WNI", "simpan")
    (person,) = await _saved_people(world)
    assert person.death_place == "rumah"


async def test_a_thank_you_emoji_ending_an_express_line_is_not_in_a_name(world: World) -> None:
    summary = await world.chat("budi").say("LAHIR Putri P 12-11-2026 di Liwa ibu Sari ayah Joko 🙏")
    assert "Nama ayah: Joko\n" in summary and "Belum" not in summary
