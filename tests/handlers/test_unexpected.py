"""Unexpected input gets a short helpful answer and changes nothing; old drafts are dropped."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import select

from bot.logs import configure_logging
from handlers.texts import conversation_words, error_words, report_words
from models.conversation import Conversation
from models.event import Event
from tests.handlers.conftest import World

NIK = "1804150101900001"


async def _state(world: World, who: str) -> tuple[str | None, str | None, dict[str, object]]:
    async with world.sessionmaker() as s:
        conv = await s.scalar(select(Conversation).where(Conversation.address == who))
        assert conv is not None
        return conv.flow, conv.step, conv.data


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location", "video", "document"])
async def test_unreadable_messages_repeat_the_question(world: World, kind: str) -> None:
    chat = world.chat("budi")
    await chat.script("1", "Putri")
    before = await _state(world, "budi")
    answer = await chat.sends(unsupported=kind)
    assert answer.startswith(error_words.UNSUPPORTED) and report_words.QUESTIONS["sex"] in answer
    assert await _state(world, "budi") == before


async def test_unreadable_message_at_the_menu_shows_the_menu(world: World) -> None:
    answer = await world.chat("budi").sends(unsupported="sticker")
    assert answer.startswith(error_words.UNSUPPORTED) and conversation_words.MENU_PEMANGKU["nihil"] in answer


async def test_a_very_long_message_changes_nothing(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("1", "Putri")
    before = await _state(world, "budi")
    answer = await chat.say("a" * 5000)
    assert answer.startswith(error_words.TOO_LONG) and report_words.QUESTIONS["sex"] in answer
    assert await _state(world, "budi") == before


async def test_an_emoji_storm_is_not_an_answer(world: World) -> None:
    chat = world.chat("budi")
    assert (await chat.say("😀🎉🙏" * 50)).startswith(conversation_words.EMOJI_AT_MENU)
    await chat.say("1")
    answer = await chat.say("🙏🙏🙏")  # thanks: no answer, the question again (handlers/courtesy.py)
    assert answer == f"{conversation_words.ACK_THANKS}\n{report_words.QUESTIONS['name']}"
    answer = await chat.say("🎉🎉")
    assert answer == f"{conversation_words.EMOJI_ONLY}\n{report_words.QUESTIONS['name']}"
    assert error_words.ERRORS["name_chars"] not in answer
    flow, step, _ = await _state(world, "budi")
    assert (flow, step) == ("report", "ask:name")


async def test_a_command_in_the_wrong_state(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("1", "Putri")
    before = await _state(world, "budi")
    answer = await chat.say("/ulangi")  # no such command
    assert answer.startswith(conversation_words.IN_FLOW) and report_words.QUESTIONS["sex"] in answer
    assert await _state(world, "budi") == before
    assert (await chat.say("batal")).startswith(conversation_words.CANCELLED)
    assert (await chat.say("batal")).startswith(conversation_words.NOTHING_TO_CANCEL)


async def test_a_stale_button_is_explained(world: World) -> None:
    chat = world.chat("budi")
    await chat.say("1")
    answer = await chat.tap("WNA")  # a button of a question that is not the current one
    assert answer.startswith(conversation_words.STALE_CHOICE)
    assert report_words.QUESTIONS["name"] in answer


async def test_a_draft_left_for_48_hours_is_dropped_and_the_person_told(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("1", "Putri", "P")
    world.clock.advance(hours=47)
    assert report_words.QUESTIONS["birth_place"] in await chat.say("kemarin")  # still there after 47 hours
    world.clock.advance(hours=48, minutes=1)
    answer = await chat.say("Liwa")
    assert answer.startswith(conversation_words.DRAFT_EXPIRED.format(hours=48))
    assert await _state(world, "budi") == (None, None, {})
    async with world.sessionmaker() as s:
        assert list(await s.scalars(select(Event))) == []


async def test_nik_never_reaches_the_logs(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # drivers log SQL parameters at DEBUG: never run them so
    for ours in ("bot", "handlers", "models"):
        caplog.set_level(logging.DEBUG, logger=ours)
    chat = world.chat("budi")
    answer = await chat.say(f"DATANG Andi L kemarin dari Liwa NIK {NIK}")
    assert "************0001" in answer and NIK not in answer
    answers = await chat.script("simpan", "laporan saya")
    assert all(NIK not in a for a in answers)
    await world.chat("ops").script("Siapa Lapor Apa", "rekap")
    assert NIK not in caplog.text and "Andi" not in caplog.text
    for message in chat.last + world.chat("ops").last:
        assert NIK not in message.text


async def test_a_nik_in_a_library_s_debug_log_is_masked_by_the_process_handler(world: World) -> None:
    stream, root_level = io.StringIO(), logging.getLogger().level
    handler = configure_logging(stream, level=logging.DEBUG)  # what `pemangku` installs, at DEBUG
    engine_log = logging.getLogger("sqlalchemy.engine")
    engine_log.setLevel(logging.DEBUG)  # an operator chasing a problem logs SQL and its parameters
    try:
        chat = world.chat("budi")
        await chat.script(f"DATANG Andi L kemarin dari Liwa NIK {NIK}", "simpan")
    finally:
        engine_log.setLevel(logging.WARNING)
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(root_level)
    logged = stream.getvalue()
    assert "INSERT INTO event_person" in logged and "************0001" in logged
    assert NIK not in logged


async def test_a_greeting_in_the_middle_keeps_the_draft_and_menu_drops_it(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("Lapor Lahir", "Putri Ayu")
    for greeting in ("Halo!", "/start", "selamat pagi"):
        answer = await chat.say(greeting)
        assert answer.startswith(conversation_words.DRAFT_KEPT) and report_words.QUESTIONS["sex"] in answer
    flow, step, data = await _state(world, "budi")
    assert (flow, step, data["v"]) == ("report", "ask:sex", {"name": "Putri Ayu"})
    assert report_words.QUESTION_DATE["lahir"] in await chat.say("P")  # carries on where it was

    answer = await chat.say("menu")
    assert (
        answer.startswith(conversation_words.DRAFT_DROPPED)
        and conversation_words.MENU_PEMANGKU["lahir"] in answer
    )
    assert (await _state(world, "budi"))[:2] == (None, None)
    assert conversation_words.NOTHING_TO_CANCEL in await chat.say("batal")


async def test_thanks_at_the_menu_gets_a_kind_answer(world: World) -> None:
    answer = await world.chat("budi").say("Terima kasih")
    assert (
        answer.startswith(conversation_words.THANKS_REPLY)
        and conversation_words.MENU_PEMANGKU["lahir"] in answer
    )


async def test_superscript_and_circled_digits_are_a_wrong_answer_not_a_failure(world: World) -> None:
    chat = world.chat("budi")
    for typed in ("²", "①"):
        assert error_words.INTERNAL_ERROR not in await chat.say(typed)  # at the menu
    await chat.script("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah Joko", "simpan", "Laporan Saya")
    answer = await chat.say("①")  # the list waits for a number
    assert error_words.INTERNAL_ERROR not in answer
    await chat.script("Laporan Saya")
    assert error_words.ERRORS["choice"] in await chat.say("1") or "Mau diapakan?" in chat.last[-1].text
    assert error_words.ERRORS["choice"] in await chat.say("²")
