"""Field test over WhatsApp, round two: what village officials type on cheap phones (dates as they
write them, several reports pasted at once, a report written under a photo), end to end through the
signed webhook and the fake Graph API; what the person reads, then what the ledger holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import error_words, report_words
from models.event import Event, EventPerson
from tests.bot.whatsapp.harness import WhatsAppPhone, WhatsAppWorld, whatsapp_world
from tests.bot.whatsapp.test_conversations import registered

LINE = "lahir Putri Ayu P {date} di Liwa ibu Sari ayah Joko"


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        yield w


async def saved(world: WhatsAppWorld) -> list[tuple[str, str | None, date]]:
    """(name, father, date) of every event person in the ledger."""
    async with world.sessionmaker() as session:
        rows = await session.execute(
            select(EventPerson.name, EventPerson.father_name, Event.event_date).join(Event)
        )
        return [(name, father, day) for name, father, day in rows]


async def save(phone: WhatsAppPhone) -> None:
    assert "Laporan kelahiran tersimpan" in await phone.tap("simpan")


@pytest.mark.parametrize("typed", ["tgl 3/11", "3-11", "3.11", "tgl. 3/11"])
async def test_a_day_and_month_without_the_year_in_an_express_line(world: WhatsAppWorld, typed: str) -> None:
    """The clocks say 20 November 2026: "3/11" is 3 November 2026, as it is when typed as an answer."""
    phone = await registered(world)
    summary = await phone.say(LINE.format(date=typed))
    assert "Tanggal: 3 November 2026" in summary
    assert report_words.EXPRESS_UNREAD.split("{")[0] not in summary and "[1. Simpan]" in summary
    await save(phone)
    assert await saved(world) == [("Putri Ayu", "Joko", date(2026, 11, 3))]


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("dua november", date(2026, 11, 2)),
        ("tgl dua puluh satu oktober", date(2026, 10, 21)),
        ("dua hari lalu", date(2026, 11, 18)),
        ("tiga hari yang lalu", date(2026, 11, 17)),
    ],
)
async def test_numbers_written_as_words_in_a_date(world: WhatsAppWorld, typed: str, day: date) -> None:
    phone = await registered(world)
    summary = await phone.say(LINE.format(date=typed))
    assert "[1. Simpan]" in summary and report_words.QUESTION_DATE["lahir"] not in summary
    await save(phone)
    assert await saved(world) == [("Putri Ayu", "Joko", day)]


async def test_a_number_word_date_as_the_answer_to_the_date_question(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    await phone.say("lahir Putri Ayu P di Liwa ibu Sari ayah Joko")
    assert "[1. Simpan]" in await phone.say("dua november")
    await save(phone)
    assert await saved(world) == [("Putri Ayu", "Joko", date(2026, 11, 2))]


PASTED = (
    "lahir Putri Ayu P 3-11-2026 di Liwa ibu Sari ayah Joko\n"
    "Lahir Budi L 4-11-2026 di Liwa ibu Rina ayah Anto\n"
    "mati Slamet L 5-11-2026 di rumah NIK 1804011203900001"
)


async def test_several_reports_pasted_in_one_message_are_never_mixed(world: WhatsAppWorld) -> None:
    """Before: one report with the father of the second ("Nama ayah: Anto") and the rest
    "not understood". After: the first report alone, the others named back to send one by one."""
    phone = await registered(world)
    answer = await phone.say(PASTED)
    assert "Nama ayah: Joko" in answer and "Anto" not in answer.split("«")[0]
    assert report_words.EXPRESS_SEVERAL.format(count=3) in answer
    assert "«Lahir Budi L 4-11-2026 di Liwa ibu Rina ayah Anto»" in answer
    assert "«mati Slamet L 5-11-2026 di rumah NIK ************0001»" in answer  # masked, as ever
    await save(phone)
    assert await saved(world) == [("Putri Ayu", "Joko", date(2026, 11, 3))]


async def test_one_report_written_over_several_lines_is_one_report(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    answer = await phone.say("lahir Putri Ayu P\ntgl 3/11\ndi Liwa\nibu Sari\nayah Joko")
    assert "[1. Simpan]" in answer and "Nama ayah: Joko" in answer
    assert report_words.EXPRESS_SEVERAL.split("{")[0] not in answer
    await save(phone)
    assert await saved(world) == [("Putri Ayu", "Joko", date(2026, 11, 3))]


def photo(phone: WhatsAppPhone, caption: str) -> dict[str, object]:
    image = {"caption": caption, "mime_type": "image/jpeg", "id": "1029384756102938"}
    return phone.body("image", type="image", image=image)


async def test_a_report_written_under_a_photo_is_read(world: WhatsAppWorld) -> None:
    """A photo of the birth certificate with the report line as its caption: before, "hanya bisa
    membaca pesan teks" and the line was lost; now the line is read, and the photo said not kept."""
    phone = await registered(world)
    answer = "\n".join(await phone.post(photo(phone, LINE.format(date="3-11-2026"))))
    assert answer.startswith(report_words.CAPTION_READ) and "[1. Simpan]" in answer
    assert "Nama ayah: Joko" in answer
    await save(phone)
    assert await saved(world) == [("Putri Ayu", "Joko", date(2026, 11, 3))]


async def test_a_photo_captioned_otherwise_is_no_answer(world: WhatsAppWorld) -> None:
    """Mid-report, a photo captioned "akta" is not the name "Akta": the question is asked again."""
    phone = await registered(world)
    await phone.tap("lahir")
    answer = "\n".join(await phone.post(photo(phone, "akta")))
    assert answer.startswith(error_words.UNSUPPORTED) and answer.endswith(report_words.QUESTIONS["name"])
    assert report_words.QUESTIONS["sex"] in await phone.say("Putri Ayu")  # the draft took nothing from it
    assert "Akta" not in "\n".join(await phone.post(photo(phone, "Akta")))
