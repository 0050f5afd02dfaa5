"""Field test over WhatsApp, round three of fixes: twins written as a name, a greeting around a
report, one text sent twice on a weak signal. End to end through the signed webhook and the fake
Graph API; what the person reads, then what the ledger holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import conversation_words, error_words, report_words
from models.event import Event, EventPerson
from tests.bot.whatsapp.harness import WhatsAppPhone, WhatsAppWorld, whatsapp_world
from tests.bot.whatsapp.test_conversations import registered

PARENTS = "3-11-2026 di Liwa ibu Sari ayah Joko"
WINDOW = timedelta(seconds=3)  # the default of PEMANGKU_SENT_TWICE_SECONDS


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker, sent_twice_seconds=WINDOW.total_seconds()) as w:
        yield w


async def births(world: WhatsAppWorld) -> list[tuple[str, str, str | None, str | None, date]]:
    """(name, sex, mother, father, date) of every person in the ledger, in the order saved."""
    async with world.sessionmaker() as session:
        rows = await session.execute(
            select(
                EventPerson.name,
                EventPerson.sex,
                EventPerson.mother_name,
                EventPerson.father_name,
                Event.event_date,
            )
            .join(Event)
            .order_by(Event.id)
        )
        return [(name, str(sex), mother, father, day) for name, sex, mother, father, day in rows]


def baby(name: str, sex: str) -> tuple[str, str, str, str, date]:
    return (name, sex, "Sari", "Joko", date(2026, 11, 3))


# 1. Twins ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "of"),
    [
        (f"lahir dua anak kembar {PARENTS}", 2),
        (f"lahir kembar 2 {PARENTS}", 2),
        (f"lahir bayi kembar {PARENTS}", 2),
        (f"Lahir kembar tiga {PARENTS}", 3),
    ],
)
async def test_twins_are_one_report_per_baby_with_the_parents_kept(
    world: WhatsAppWorld, line: str, of: int
) -> None:
    """Before: a birth named "Dua Anak Kembar" waited behind Simpan. Now the count words are no
    name, the person is told each baby is its own report, and after each Simpan the next baby is
    asked with the same parents, date and place; only the name and sex are typed again."""
    phone = await registered(world)
    answer = await phone.say(line)
    assert report_words.TWINS_NOTE.format(count=of) in answer
    assert "Kembar" not in answer.replace(report_words.TWINS_NOTE.format(count=of), "")
    assert answer.endswith(report_words.QUESTIONS["name"])
    names = ["Putri Ayu", "Putra Ayu", "Puspa Ayu"][:of]
    for n, name in enumerate(names, 1):
        await phone.say(name)
        summary = await phone.tap("P")
        assert f"Nama: {name}" in summary and "Nama ibu: Sari" in summary and "[1. Simpan]" in summary
        saved = await phone.tap("simpan")
        assert "Laporan kelahiran tersimpan" in saved
        if n < of:
            assert report_words.TWIN_NEXT.format(n=n + 1, of=of) in saved
            assert "Sari" in saved and "Joko" in saved and saved.endswith(report_words.QUESTIONS["name"])
        else:
            assert report_words.TWIN_NEXT.split("{")[0] not in saved
            assert world.graph.sent_to(phone.wa_id)[-1]["interactive"]["type"] == "list"  # the menu
    assert await births(world) == [baby(name, "P") for name in names]


async def test_the_next_twin_can_be_left_with_batal(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    await phone.say(f"lahir kembar Putri Ayu P {PARENTS}")
    assert report_words.TWIN_NEXT.format(n=2, of=2) in await phone.tap("simpan")
    assert conversation_words.CANCELLED in await phone.say("batal")
    assert await births(world) == [baby("Putri Ayu", "P")]


@pytest.mark.parametrize("typed", ["dua anak kembar", "Kembar", "kembar 2", "anak", "Bayi", "tiga orang"])
async def test_words_that_describe_a_baby_are_no_name(world: WhatsAppWorld, typed: str) -> None:
    """At "Siapa nama lengkapnya?" a description is refused kindly and the question put again."""
    phone = await registered(world)
    await phone.tap("lahir")
    answer = await phone.say(typed)
    assert answer.endswith(report_words.QUESTIONS["name"]) and report_words.QUESTIONS["sex"] not in answer
    if "kembar" in typed.lower():
        assert error_words.ERRORS["name_twins"] in answer
    assert report_words.QUESTIONS["sex"] in await phone.say("Anak Agung Putri")  # a Balinese name is one


# 2. Greetings --------------------------------------------------------------------------------

REPORT = f"lahir Putri Ayu P {PARENTS}"


@pytest.mark.parametrize(
    "typed",
    [
        f"Assalamualaikum pak\n{REPORT}",
        f"Assalamu'alaikum wr. wb.\nMohon izin lapor pak\n{REPORT}",
        f"Selamat pagi, lapor pak: {REPORT}",
        f"Tabik pun. {REPORT}",
        f"{REPORT}\nTerima kasih pak 🙏",
        f"{REPORT}. Terima kasih, wassalam",
        f"Slmt siang bu, izin lapor\n{REPORT}\nmakasih",
    ],
)
async def test_a_greeting_around_a_report_does_not_stop_it(world: WhatsAppWorld, typed: str) -> None:
    """Before: "Maaf, saya belum mengerti" (the greeting line was read as the report)."""
    phone = await registered(world)
    summary = await phone.say(typed)
    assert "Nama: Putri Ayu" in summary and "Nama ayah: Joko" in summary and "[1. Simpan]" in summary
    assert report_words.EXPRESS_UNREAD.split("{")[0] not in summary
    assert "Laporan kelahiran tersimpan" in await phone.tap("simpan")
    assert await births(world) == [baby("Putri Ayu", "P")]


async def test_a_death_after_greetings_keeps_a_name_that_looks_like_one(world: WhatsAppWorld) -> None:
    """ "Selamat" is a name too (Slamet): only what stands before the report's first word is a greeting."""
    phone = await registered(world)
    summary = await phone.say("Selamat sore pak. meninggal Selamat Riyadi L 5-11-2026 di rumah")
    assert "Nama: Selamat Riyadi" in summary and "[1. Simpan]" in summary


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("Assalamualaikum pak", conversation_words.GREETING_SALAM),
        ("Selamat pagi bu", conversation_words.GREETING_HELLO),
        ("tabik pun", conversation_words.GREETING_TABIK),
        ("Izin lapor pak", conversation_words.GREETING_HELLO),
    ],
)
async def test_a_greeting_alone_is_answered_with_the_menu(
    world: WhatsAppWorld, typed: str, answer: str
) -> None:
    """Before: "Assalamualaikum pak" got "Maaf, saya belum mengerti"."""
    phone = await registered(world)
    reply = await phone.say(typed)
    assert reply.startswith(answer) and conversation_words.NOT_UNDERSTOOD not in reply
    assert world.graph.sent_to(phone.wa_id)[-1]["interactive"]["type"] == "list"  # the menu


async def test_a_greeting_mid_report_keeps_the_draft(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    await phone.say(f"lahir Putri Ayu {PARENTS}")  # the sex is asked
    answer = await phone.say("Selamat siang pak")
    assert answer.startswith(conversation_words.DRAFT_KEPT) and answer.split("\n")[-2] == "[1. L (laki-laki)]"
    assert "[1. Simpan]" in await phone.tap("P")


# 3. The same text twice ----------------------------------------------------------------------


def typed_at(phone: WhatsAppPhone, text: str, seconds: float) -> dict[str, object]:
    """A typed text whose WhatsApp timestamp is `seconds` after now (the transport's clock)."""
    sent = phone.world.clock() + timedelta(seconds=seconds)
    return phone.body("text", type="text", text={"body": text}, timestamp=str(int(sent.timestamp())))


async def press_simpan(phone: WhatsAppPhone) -> str:
    """Press Simpan on the last summary sent (a notice may have come after it)."""
    sent = phone.world.graph.sent_to(phone.wa_id)
    summary = next(m for m in reversed(sent) if m["type"] == "interactive")
    simpan = next(
        b["reply"]
        for b in summary["interactive"]["action"]["buttons"]
        if b["reply"]["id"].endswith(":simpan")
    )
    interactive = {"type": "button_reply", "button_reply": simpan}
    return "\n".join(
        await phone.post(phone.body("button_reply", type="interactive", interactive=interactive))
    )


async def test_a_text_sent_twice_is_taken_once(world: WhatsAppWorld) -> None:
    """At "Jenis kelamin?" the person types 1 and, on a weak signal, presses send twice. Before:
    the second "1" fell on the summary and was Simpan, a report saved that nobody checked."""
    phone = await registered(world)
    await phone.say(f"lahir Putra Ayu {PARENTS}")
    await world.post(typed_at(phone, "1", 0))
    await world.post(typed_at(phone, "1", 1))  # another wamid, a second later
    await world.settle()
    summary, again = phone.read()
    assert "Nama: Putra Ayu" in summary and "[1. Simpan]" in summary
    assert again == conversation_words.SENT_TWICE
    assert await births(world) == []
    assert "Laporan kelahiran tersimpan" in await press_simpan(phone)  # the summary's buttons still work
    assert await births(world) == [baby("Putra Ayu", "L")]


async def test_the_same_answer_to_two_questions_is_taken_twice(world: WhatsAppWorld) -> None:
    """1 for L, then 1 for Simpan more than the window later: two answers, both taken."""
    phone = await registered(world)
    await phone.say(f"lahir Putra Ayu {PARENTS}")
    later = WINDOW.total_seconds() + 1
    assert "[1. Simpan]" in "\n".join(await phone.post(typed_at(phone, "1", 0)))
    assert "Laporan kelahiran tersimpan" in "\n".join(await phone.post(typed_at(phone, "1", later)))
    assert await births(world) == [baby("Putra Ayu", "L")]


async def test_a_report_line_sent_twice_starts_one_report(world: WhatsAppWorld) -> None:
    """Before: the copy found the first report's summary waiting and offered to drop it."""
    phone = await registered(world)
    await world.post(typed_at(phone, REPORT, 0))
    await world.post(typed_at(phone, REPORT, 2))
    await world.settle()
    summary, again = phone.read()
    assert "[1. Simpan]" in summary and again == conversation_words.SENT_TWICE
    assert "Laporan kelahiran tersimpan" in await press_simpan(phone)
    assert await births(world) == [baby("Putri Ayu", "P")]
