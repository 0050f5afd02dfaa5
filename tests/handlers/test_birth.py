"""A birth report end to end: wrong answers at every step, back, cancel, change, warnings, restart."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.texts import conversation_words, error_words, report_words
from models.conversation import Conversation
from models.event import Event
from tests.handlers.conftest import World

E = error_words.ERRORS


async def _events(world: World) -> list[Event]:
    async with world.sessionmaker() as s:
        return list(await s.scalars(select(Event).order_by(Event.id)))


async def test_birth_with_a_wrong_answer_at_every_step(world: World) -> None:
    chat = world.chat("budi")
    steps = [
        ("Lapor Lahir", report_words.QUESTIONS["name"]),
        ("B4y1", E["name_chars"]),
        ("Putri  Ayu", report_words.QUESTIONS["sex"]),
        ("x", E["sex"]),
        ("perempuan", report_words.QUESTION_DATE["lahir"]),
        ("tanggal tiga puluh", E["date_format"]),
        ("besok", E["date_future"]),
        ("31-11-2026", "November 2026 hanya sampai tanggal 30; tanggal 31 tidak ada"),
        ("12 nov 26", report_words.QUESTIONS["birth_place"]),
        ("12", E["place"]),
        ("RSUD Liwa", report_words.QUESTIONS["mother_name"]),
        ("!", E["name_length"]),
        ("Sari", report_words.QUESTIONS["father_name"]),
        ("-", report_words.QUESTION_NIK_NEWBORN),
        ("123", E["nik_length"]),
        ("-", report_words.QUESTIONS["citizenship"]),
        ("Jepang", E["citizenship"]),
        ("1", report_words.SUMMARY_TITLE.format(kind="kelahiran")),
        ("mungkin", E["choice"]),
    ]
    for line, expected in steps:
        answer = await chat.say(line)
        assert expected in answer, (line, answer)
    answer = await chat.say("Simpan")
    assert "Laporan kelahiran tersimpan" in answer and "Masuk laporan bulan November 2026" in answer
    [event] = await _events(world)
    assert answer.count(event.receipt) == 1 and event.kind == "lahir"
    [person] = event.persons
    assert (person.name, person.sex, person.birth_date, person.birth_place) == (
        "Putri Ayu",
        "P",
        date(2026, 11, 12),
        "RSUD Liwa",
    )
    assert (person.mother_name, person.father_name, person.nik, person.citizenship) == (
        "Sari",
        None,
        None,
        "WNI",
    )
    assert event.unit_id == world.units[0].id and event.period == date(2026, 11, 1)


async def test_back_goes_one_question_back_and_forgets_the_answer(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("1", "Putri", "P")
    assert report_words.QUESTIONS["sex"] in await chat.say("kembali")
    assert report_words.QUESTIONS["name"] in await chat.say("kembali")
    await chat.script("Putra", "L", "kemarin", "Liwa", "Sari", "Joko", "-", "WNI")
    answer = chat.last[0].text
    assert "Nama: Putra" in answer and "Jenis kelamin: L (laki-laki)" in answer
    # back from the summary reopens the last question
    assert report_words.QUESTIONS["citizenship"] in await chat.say("kembali")
    assert "Kewarganegaraan: WNA" in await chat.say("WNA")


async def test_back_at_the_first_question_returns_to_the_menu(world: World) -> None:
    chat = world.chat("budi")
    await chat.say("1")
    assert conversation_words.MENU_PROMPT in await chat.say("kembali")
    assert await _events(world) == []


async def test_cancel_at_any_point_saves_nothing(world: World, session: AsyncSession) -> None:
    chat = world.chat("budi")
    await chat.script("1", "Putri", "P", "kemarin", "Liwa", "Sari", "-", "-", "WNI")
    assert conversation_words.CANCELLED in await chat.say("batal")
    await chat.script("1", "Putri")
    assert conversation_words.CANCELLED in await chat.say("BATAL")
    assert await _events(world) == []
    conv = await session.scalar(select(Conversation).where(Conversation.address == "budi"))
    assert conv is not None and conv.flow is None


async def test_change_one_field_on_the_summary(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("1", "Putri", "P", "kemarin", "Liwa", "Sari", "-", "-", "WNI")
    assert report_words.CHANGE_PROMPT in await chat.say("ubah")
    assert report_words.QUESTION_DATE["lahir"] in await chat.say("Tanggal")
    answer = await chat.say("15-11-2026")
    assert "Tanggal: 15 November 2026" in answer and "Nama: Putri" in answer
    await chat.say("simpan")
    [event] = await _events(world)
    assert event.event_date == date(2026, 11, 15)


async def test_nik_mismatch_is_a_warning_the_person_may_accept(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("1", "Putra", "L", "12-11-2026", "Liwa", "Sari", "-")
    # a woman's NIK (day + 40) with another birth date: two warnings, one after the other
    answer = await chat.say("1804155201950003")
    assert "biasanya milik perempuan" in answer and "************0003" in answer
    assert "1804155201950003" not in answer
    answer = await chat.say("Ya, sudah benar")
    assert "tanggal lahir dalam NIK" in answer
    assert report_words.QUESTION_NIK_NEWBORN in await chat.say("tidak")
    await chat.say("1804151211260004")  # matches sex and date: no warning
    answer = await chat.say("WNI")
    assert "NIK: ************0004" in answer
    await chat.say("simpan")
    [event] = await _events(world)
    assert event.persons[0].nik == "1804151211260004"


async def test_old_birth_date_asks_for_confirmation(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("1", "Putri", "P")
    assert "lebih dari setahun" in await chat.say("1-1-2024")
    assert report_words.QUESTIONS["birth_place"] in await chat.say("ya")


async def test_restart_in_the_middle_loses_nothing(world: World) -> None:
    await world.chat("budi").script("1", "Putri", "P", "kemarin")
    later = world.chat("budi")  # a new Dispatcher on the same database: a restarted process
    assert report_words.QUESTIONS["mother_name"] in await later.say("Liwa")
    await later.script("Sari", "-", "-", "WNI", "simpan")
    [event] = await _events(world)
    assert event.persons[0].birth_place == "Liwa" and event.event_date == date(2026, 11, 19)


async def test_choices_by_button_id_work_too(world: World) -> None:
    chat = world.chat("budi")
    await chat.tap("lahir")
    await chat.say("Putri")
    assert report_words.QUESTION_DATE["lahir"] in await chat.tap("P")
    await chat.script("kemarin", "Liwa", "Sari", "-", "-")
    await chat.tap("WNA")
    assert "Laporan kelahiran tersimpan" in await chat.tap("simpan")
    [event] = await _events(world)
    assert event.persons[0].citizenship == "WNA"


async def test_ya_on_the_summary_means_simpan(world: World) -> None:
    chat = world.chat("budi")
    assert report_words.SUMMARY_FOOTER in await chat.say("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah Joko")
    assert "Laporan kelahiran tersimpan" in await chat.say("ya")
    assert len(await _events(world)) == 1


async def test_ubah_then_kembali_goes_back_to_the_summary(world: World) -> None:
    chat = world.chat("budi")
    await chat.say("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah Joko")
    assert report_words.CHANGE_PROMPT in await chat.say("ubah")
    assert report_words.QUESTIONS["sex"] in await chat.say("Jenis kelamin")
    answer = await chat.say("kembali")  # changed my mind: the summary, the answer kept
    assert report_words.SUMMARY_FOOTER in answer and "Jenis kelamin: L (laki-laki)" in answer
    await chat.say("ubah")
    assert report_words.SUMMARY_FOOTER in await chat.say("kembali")
    assert "tersimpan" in await chat.say("simpan")
