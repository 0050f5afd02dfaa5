"""Emoji are no part of a place or an express line: the books print words only (B.2 "pindah ke").
Emoji alone while a question waits get one kind answer and the question again, never that
question's own error ("Nama hanya berisi huruf"); at the menu, the menu (handlers/router.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.texts import conversation_words, report_words
from models.event import Event, EventPerson
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
    assert conversation_words.EMOJI_ONLY in await chat.say("🎉")  # nor an emoji
    answer = await chat.say("rumah 🙏")
    assert "kepala keluarga" in answer
    await chat.script("tidak", "WNI", "simpan")
    (person,) = await _saved_people(world)
    assert person.death_place == "rumah"


async def test_a_thank_you_emoji_ending_an_express_line_is_not_in_a_name(world: World) -> None:
    summary = await world.chat("budi").say("LAHIR Putri P 12-11-2026 di Liwa ibu Sari ayah Joko 🙏")
    assert "Nama ayah: Joko\n" in summary and "Belum" not in summary


Q = report_words.QUESTIONS
EMOJI = ["🎉🎉", "❤️", "😂!!", "👨‍👩‍👧", "🌹 🌹", "😭"]  # not 👍 🙏 👌: those acknowledge
# The guided death report, question by question: (the question, the answer that goes on).
DEATH = [
    (Q["name"], "Darto"),
    (Q["sex"], "L"),
    (Q["nik"], "-"),
    (report_words.QUESTION_DATE["meninggal"], "10-11-2026"),
    (Q["death_place"], "rumah"),
]


def _asked(question: str) -> str:
    return f"{conversation_words.EMOJI_ONLY}\n{question}"


@pytest.mark.parametrize("emoji", EMOJI)
async def test_emoji_alone_put_the_waiting_question_again(world: World, emoji: str) -> None:
    chat = world.chat("budi")
    await chat.say("Lapor Meninggal")
    for question, answer in DEATH:
        said = await chat.say(emoji)
        assert said.startswith(_asked(question))
        assert "huruf" in said and "Nama hanya" not in said and "Tanggal" not in said.split("\n")[0]
        await chat.say(answer)
    await chat.script("tidak", "WNI", "simpan")
    (person,) = await _saved_people(world)
    assert (person.name, person.sex, person.nik, person.death_place) == ("Darto", "L", None, "rumah")


async def test_emoji_alone_at_the_menu_get_the_menu(world: World) -> None:
    answer = await world.chat("budi").say("🎉🎉")
    assert answer.startswith(conversation_words.EMOJI_AT_MENU) and "Lapor Lahir" in answer
    assert await _saved_people(world) == []


# Emoji that answer "ok?" or thank, in every skin tone and with the "show as emoji" selector.
OKAY_EMOJI = ["👍", "👍🏻", "👍🏿", "👌", "👌🏽", "✅", "✅\ufe0f", "✔\ufe0f", "🤝", "🤝🏼", "👍👌"]
THANKS_EMOJI = ["🙏", "🙏🏾", "🙏🏾🙏🏾", "👍🙏"]
# Feelings are no answer (before, 😊 🙂 ☺ counted as "ok"); nor is a skin tone standing alone.
FEELINGS = ["😊", "🙂", "☺", "☺\ufe0f", "🙂🙂", "😊🏽", "🏽"]


async def _nothing_recorded(world: World) -> None:
    async with world.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Event)) == 0
    assert await _saved_people(world) == []


@pytest.mark.parametrize("typed", OKAY_EMOJI + THANKS_EMOJI)
async def test_acknowledging_emoji_put_the_waiting_question_again(world: World, typed: str) -> None:
    chat = world.chat("budi")
    await chat.say("Lapor Meninggal")
    lead = conversation_words.ACK_THANKS if typed in THANKS_EMOJI else conversation_words.ACK_OKAY
    assert await chat.say(typed) == f"{lead}\n{Q['name']}"
    assert (await chat.say("Darto")).startswith(Q["sex"])  # the name still waited
    await _nothing_recorded(world)


@pytest.mark.parametrize("typed", FEELINGS)
async def test_a_smiley_is_no_acknowledgement(world: World, typed: str) -> None:
    chat = world.chat("budi")
    await chat.say("Lapor Meninggal")
    assert await chat.say(typed) == _asked(Q["name"])
    assert (await chat.say("Darto")).startswith(Q["sex"])
    await _nothing_recorded(world)


@pytest.mark.parametrize("typed", OKAY_EMOJI + THANKS_EMOJI + FEELINGS)
async def test_emoji_at_the_menu_are_answered_by_their_family(world: World, typed: str) -> None:
    answer = await world.chat("budi").say(typed)
    expected = {"ok": conversation_words.OKAY_REPLY, "thanks": conversation_words.THANKS_REPLY}
    family = "thanks" if typed in THANKS_EMOJI else "ok" if typed in OKAY_EMOJI else None
    assert answer.startswith(expected[family] if family else conversation_words.EMOJI_AT_MENU)
    assert "Lapor Lahir" in answer
    await _nothing_recorded(world)


async def test_emoji_alone_at_the_list_of_laporan_saya_keep_the_list(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("1", "Putri", "P", "12-11-2026", "Liwa", "Sari", "-", "-", "WNI", "simpan")
    listed = await chat.say("Laporan Saya")
    assert await chat.say("🎉") == f"{conversation_words.EMOJI_ONLY}\n{listed}"
    assert "Mau diapakan?" in await chat.say("1")  # the list still waits for its number
