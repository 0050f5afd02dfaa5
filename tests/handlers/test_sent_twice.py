"""One text sent twice within seconds is taken once, on every channel (bot/sent_twice.py): here on
Telegram, where the copy must not even take the buttons off the question it did not answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.dispatcher import Dispatcher
from handlers.texts import conversation_words, report_words
from models.event import Event
from models.outbox import OutboxMessage
from models.person import Channel, Role
from tests.factories import add_member
from tests.handlers.conftest import World
from tests.handlers.transcript import Chat, keyboard_ids, make_dispatcher

WINDOW = timedelta(seconds=3)
LINE = "lahir Putra Ayu 3-11-2026 di Liwa ibu Sari ayah Joko"  # the sex is asked


def paced(world: World) -> Dispatcher:
    """A dispatcher with the copies window on (the suite turns it off: its people answer at once)."""
    return make_dispatcher(world.sessionmaker, world.clock, sent_twice_seconds=WINDOW.total_seconds())


async def telegram_chat(world: World) -> Chat:
    async with world.sessionmaker() as session:
        unit = world.units[0]
        await add_member(session, "Tono", Role.PEMANGKU, unit=unit, channel=Channel.TELEGRAM, address="77")
    return Chat(
        paced(world),
        "77",
        Channel.TELEGRAM,
        world.clock,
    )


async def counts(world: World) -> tuple[int, int]:
    """(events in the ledger, messages queued for the Telegram person, keyboard edits included)."""
    async with world.sessionmaker() as session:
        events = await session.scalar(select(func.count()).select_from(Event))
        queued = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.address == "77")
        )
    return int(events or 0), int(queued or 0)


async def test_a_copy_on_telegram_is_answered_and_changes_nothing(world: World) -> None:
    chat = await telegram_chat(world)
    await chat.say(LINE)
    assert "Simpan" in await chat.say("1")
    summary = keyboard_ids(chat.last)
    before = await counts(world)
    world.clock.advance(seconds=2)
    assert await chat.say("1") == conversation_words.SENT_TWICE  # before: Simpan, and a report nobody checked
    assert await counts(world) == (before[0], before[1] + 1)  # the notice only: no edit, nothing saved
    saved = await chat.sends(choice_id=summary["simpan"])  # the summary's button still works
    assert "Laporan kelahiran tersimpan" in saved
    assert (await counts(world))[0] == 1


async def test_three_copies_are_one_answer(world: World) -> None:
    chat = await telegram_chat(world)
    await chat.say(LINE)
    await chat.say("1")
    for _ in range(2):
        world.clock.advance(seconds=WINDOW.total_seconds() / 3)
        assert await chat.say("1") == conversation_words.SENT_TWICE
    assert (await counts(world))[0] == 0


async def test_the_same_answer_later_is_an_answer(world: World) -> None:
    """ "1" for L, then "1" for Simpan once the window is past: both taken."""
    chat = Chat(paced(world), "budi", clock=world.clock)
    await chat.say(LINE)
    assert "Simpan" in await chat.say("1")
    world.clock.advance(seconds=WINDOW.total_seconds() + 1)
    assert "Laporan kelahiran tersimpan" in await chat.say("1")


async def test_a_press_between_two_texts_makes_the_second_an_answer(world: World) -> None:
    """A button pressed in between: the person saw the question, the text after it is meant."""
    chat = Chat(paced(world), "budi", clock=world.clock)
    await chat.say("lahir Putra Ayu L 3-11-2026 di Liwa ibu Sari ayah -")
    await chat.tap("ubah")
    assert report_words.QUESTIONS["name"] in await chat.say("1")  # the name is to be changed
    assert "Nama: Putra" in await chat.say("Putra")
    await chat.tap("ubah")
    assert report_words.QUESTIONS["name"] in await chat.say("1")  # the same second, yet an answer
