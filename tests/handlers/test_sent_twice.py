"""One text sent twice within seconds is taken once, on every channel (bot/sent_twice.py): here on
Telegram, where the copy must not even take the buttons off the question it did not answer."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from bot.dispatcher import Dispatcher
from handlers.texts import conversation_words, report_words
from models.conversation import Conversation
from models.event import Event, EventPerson
from models.outbox import OutboxMessage
from models.person import Channel, Role
from tests.factories import add_member
from tests.handlers.conftest import World
from tests.handlers.transcript import Chat, keyboard_ids, make_dispatcher

WINDOW = timedelta(seconds=3)
NIK = "1804150101900001"
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


# The last answer sent again later, at another free-text question (handlers/resent.py) -------------

UP_TO_MOTHER = "lahir Putri Ayu P 3-11-2026 di Liwa"  # the mother is asked next, then the father
LATER = timedelta(seconds=30)  # nothing came back on a weak signal; the person sends it again


async def fathers(world: World) -> list[tuple[str | None, str | None]]:
    async with world.sessionmaker() as session:
        rows = await session.execute(select(EventPerson.mother_name, EventPerson.father_name))
        return [(mother, father) for mother, father in rows]


async def resent_at_father(world: World, chat: Chat) -> str:
    """ "Sari" for the mother, and "Sari" again 30 s later: the father's question waits."""
    await chat.say(UP_TO_MOTHER)
    assert (await chat.say("Sari")).endswith(report_words.QUESTIONS["father_name"])
    world.clock.advance(seconds=LATER.total_seconds())
    return await chat.say("Sari")


async def test_the_last_answer_again_later_is_asked_about_not_taken(world: World) -> None:
    """Before: "Nama ayah: Sari", silently. Now: asked; Bukan puts the question again."""
    chat = Chat(paced(world), "budi", clock=world.clock)
    asked = await resent_at_father(world, chat)
    assert asked == (
        "Pesan «Sari» sama dengan jawaban Anda sebelumnya.\nNama ayah juga Sari?\n1. Ya\n2. Bukan"
    )
    again = await chat.say("2")
    assert again == f"{conversation_words.RESENT_NO}\n{report_words.QUESTIONS['father_name']}"
    summary = await chat.say("Joko")
    assert "Nama ibu: Sari" in summary and "Nama ayah: Joko" in summary
    await chat.say("simpan")
    assert await fathers(world) == [("Sari", "Joko")]


async def test_a_resent_answer_confirmed_is_taken(world: World) -> None:
    """A genuinely identical value passes the confirmation: Ya takes it."""
    chat = Chat(paced(world), "budi", clock=world.clock)
    await resent_at_father(world, chat)
    assert "Nama ayah: Sari" in await chat.say("ya")
    await chat.say("simpan")
    assert await fathers(world) == [("Sari", "Sari")]


async def test_a_stale_press_on_the_confirmation_records_nothing(world: World) -> None:
    """On Telegram the confirmation has buttons stamped like others: typed "Joko" answers the
    father's question (the confirmation withdrawn); the old Ya pressed later changes nothing."""
    chat = await telegram_chat(world)
    await resent_at_father(world, chat)
    old = keyboard_ids(chat.last)
    assert "Nama ayah: Joko" in await chat.say("Joko")
    answer = await chat.sends(choice_id=old["ya"])
    assert answer.startswith(conversation_words.STALE_CHOICE) and "Nama ayah: Joko" in answer
    await chat.tap("simpan")
    assert await fathers(world) == [("Sari", "Joko")]


async def test_menu_numbers_and_dashes_again_are_answers(world: World) -> None:
    """ "-" for no father and "-" for no NIK, "1" then "1" to two menus: no friction."""
    chat = Chat(paced(world), "budi", clock=world.clock)
    await chat.script("Lapor Lahir", "Putri Ayu", "P", "3-11-2026", "Liwa", "Sari")
    assert (await chat.say("-")).endswith(report_words.QUESTION_NIK_NEWBORN)
    world.clock.advance(seconds=LATER.total_seconds())
    assert report_words.QUESTIONS["citizenship"] in await chat.say("-")
    assert "Sudah benar?" in await chat.say("1")
    world.clock.advance(seconds=LATER.total_seconds())
    assert "Laporan kelahiran tersimpan" in await chat.say("1")


async def test_a_resent_nik_is_read_by_the_next_question_and_never_kept(world: World) -> None:
    """Digits are no value a name or place question takes: the date's own reading refuses it."""
    chat = Chat(paced(world), "budi", clock=world.clock)
    await chat.script("Lapor Meninggal", "Darto", "L")
    assert report_words.QUESTION_DATE["meninggal"] in await chat.say(NIK)
    world.clock.advance(seconds=LATER.total_seconds())
    answer = await chat.say(NIK)
    assert report_words.QUESTION_DATE["meninggal"] in answer and "Bukan" not in answer
    async with world.sessionmaker() as session:
        [data] = await session.scalars(select(Conversation.data))
    assert "resent" not in data and NIK not in json.dumps(data["~typed"])


async def test_the_same_text_at_the_same_question_is_read_again(world: World) -> None:
    """After a wrong answer the question is put again: the same text sent again answers it."""
    chat = Chat(paced(world), "budi", clock=world.clock)
    await chat.script("Lapor Lahir", "Putri Ayu", "P", "3-11-2026", "Liwa")
    assert report_words.QUESTIONS["mother_name"] in await chat.say("S4ri")
    world.clock.advance(seconds=LATER.total_seconds())
    again = await chat.say("S4ri")
    assert report_words.QUESTIONS["mother_name"] in again and "Bukan" not in again
