"""Thanks and "ok" typed alone while a question waits answer no question (handlers/courtesy.py,
handlers/router.py): the question is put again, kindly, and the draft does not change. Before: a
father named "Terima Kasih", a place called "Siap"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.texts import conversation_words, error_words, report_words
from models.event import EventPerson
from tests.handlers.conftest import World
from tests.handlers.transcript import Chat

Q = report_words.QUESTIONS
UP_TO_FATHER = "lahir Putri Ayu P 3-11-2026 di Liwa ibu Sari"  # the father is asked next
ACKS = [
    "terima kasih",
    "Makasih pak 🙏",
    "tks",
    "ok",
    "Oke",
    "siap",
    "Baik pak",
    "👍🏽",
    "🙏",
    "Baik",
    "ok siap",
    "Mohon maaf, terima kasih pak",
]


async def names(world: World) -> list[tuple[str, str | None]]:
    async with world.sessionmaker() as session:
        rows = await session.execute(select(EventPerson.name, EventPerson.father_name))
        return [(name, father) for name, father in rows]


async def at_father(world: World) -> Chat:
    chat = world.chat("budi")
    assert (await chat.say(UP_TO_FATHER)).endswith(Q["father_name"])
    return chat


@pytest.mark.parametrize("typed", ACKS)
async def test_an_acknowledgement_is_no_fathers_name(world: World, typed: str) -> None:
    chat = await at_father(world)
    answer = await chat.say(typed)
    lead = (
        conversation_words.ACK_THANKS
        if "kasih" in typed or typed in ("tks", "🙏")
        else conversation_words.ACK_OKAY
    )
    assert answer == f"{lead}\n{Q['father_name']}"
    summary = await chat.say("Joko")  # the draft went on as before
    assert "Nama ayah: Joko" in summary and "Kasih" not in summary and "Siap" not in summary
    assert "Laporan kelahiran tersimpan" in await chat.say("simpan")
    assert await names(world) == [("Putri Ayu", "Joko")]


@pytest.mark.parametrize("typed", ["Pak Baik", "Baik Hati", "Joko Siap", "Kasih"])
async def test_a_name_with_such_a_word_is_still_a_name(world: World, typed: str) -> None:
    chat = await at_father(world)
    assert f"Nama ayah: {typed}" in await chat.say(typed)


@pytest.mark.parametrize("typed", ["terima kasih", "siap pak", "👍"])
async def test_at_the_summary_thanks_is_no_choice(world: World, typed: str) -> None:
    chat = world.chat("budi")
    await chat.say(f"{UP_TO_FATHER} ayah Joko")
    answer = await chat.say(typed)
    assert answer.startswith(
        conversation_words.ACK_THANKS if "kasih" in typed else conversation_words.ACK_OKAY
    )
    assert (
        report_words.SUMMARY_TITLE.format(kind="kelahiran") in answer
        and error_words.ERRORS["choice"] not in answer
    )
    assert await names(world) == []


async def test_ok_on_the_summary_still_saves(world: World) -> None:
    """By design "ok" is a yes (parsing.YES_WORDS): Simpan on a summary, as before."""
    chat = world.chat("budi")
    assert "Sudah benar?" in await chat.say(f"{UP_TO_FATHER} ayah Joko")
    assert "Laporan kelahiran tersimpan" in await chat.say("ok")


async def test_thanks_at_the_menu_gets_the_menu(world: World) -> None:
    chat = world.chat("budi")
    assert (await chat.say("siap pak")).startswith(conversation_words.OKAY_REPLY)
    assert (await chat.say("terima kasih")).startswith(conversation_words.THANKS_REPLY)
