"""Deaths, single and whole-family moves, and the express one-line format, checked in the ledger."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handlers.texts import conversation_words, error_words, report_words
from models.event import Event
from tests.handlers.conftest import World


async def _only_event(world: World) -> Event:
    async with world.sessionmaker() as s:
        [event] = list(await s.scalars(select(Event)))
    return event


async def test_death_of_a_head_of_family(world: World) -> None:
    chat = world.chat("sari")
    await chat.script("Lapor Meninggal", "Sukardi", "L")
    assert error_words.ERRORS["nik_invalid"] in await chat.say("1804153201900001")  # day 32 does not exist
    assert report_words.QUESTION_DATE["meninggal"] in await chat.say("1804 1501 0190 0001")
    await chat.script("10/11/2026", "rumah")
    assert error_words.ERRORS["yes_no"] in await chat.say("mungkin")
    await chat.script("ya", "WNI")
    answer = chat.last[0].text
    assert "Kepala keluarga: Ya" in answer and "NIK: ************0001" in answer
    await chat.say("simpan")
    event = await _only_event(world)
    [person] = event.persons
    assert (event.kind, event.unit_id, event.event_date) == (
        "meninggal",
        world.units[1].id,
        date(2026, 11, 10),
    )
    assert (person.is_head, person.death_place, person.nik) == (True, "rumah", "1804150101900001")


async def test_single_move_in(world: World) -> None:
    chat = world.chat("joko")
    await chat.script("3", "tidak", "Andi", "L", "-", "tidak", "hari ini")
    assert error_words.ERRORS["place"] in await chat.say("1234")
    await chat.script("Bandar Lampung", "WNI", "simpan")
    event = await _only_event(world)
    assert event.kind == "datang" and event.persons[0].origin == "Bandar Lampung"
    assert not event.persons[0].is_head


async def test_whole_family_moves_out_with_one_head(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("Lapor Pindah", "ya")
    assert error_words.ERRORS["count"] in await chat.say("satu")
    assert error_words.ERRORS["count"] in await chat.say("1")
    assert "Anggota 1 dari 3 (kepala keluarga)" in await chat.say("3 orang")
    await chat.script("Ali", "L", "-", "Siti", "P", "-", "Rudi", "L", "-", "kemarin", "Jakarta", "WNI")
    summary = chat.last[0].text
    assert "Anggota 1 (kepala keluarga): Ali · L (laki-laki) · NIK -" in summary
    assert "Anggota 3: Rudi · L (laki-laki) · NIK -" in summary and "Jumlah orang: 3" in summary
    # change the count on the summary: the flow asks for the new member, then returns to the summary
    await chat.script("ubah", "Jumlah orang")
    assert "Anggota 4 dari 4: Siapa nama lengkapnya?" in await chat.say("4")
    await chat.script("Rina", "P")
    assert "Anggota 4: Rina · P (perempuan) · NIK -" in await chat.say("-")
    await chat.say("simpan")
    event = await _only_event(world)
    people = [(p.name, p.sex, p.is_head, p.destination) for p in event.persons]
    assert people == [
        ("Ali", "L", True, "Jakarta"),
        ("Siti", "P", False, "Jakarta"),
        ("Rudi", "L", False, "Jakarta"),
        ("Rina", "P", False, "Jakarta"),
    ]


async def test_whole_family_moves_in_restart_between_members(world: World) -> None:
    await world.chat("budi").script("datang", "ya", "2", "Ali", "L", "-")
    chat = world.chat("budi")
    assert "Anggota 2 dari 2" in await chat.say("Siti")
    await chat.script("P", "-", "kemarin", "Way Tenong", "WNA", "simpan")
    event = await _only_event(world)
    assert [(p.is_head, p.citizenship, p.origin) for p in event.persons] == [
        (True, "WNA", "Way Tenong"),
        (False, "WNA", "Way Tenong"),
    ]


@pytest.mark.parametrize(
    ("line", "kind", "name", "sex", "extra"),
    [
        (
            "LAHIR Putri Ayu P 12-11-2026 di Liwa ibu Sari ayah Joko",
            "lahir",
            "Putri Ayu",
            "P",
            ("birth_place", "Liwa"),
        ),
        (
            "lahr putri ayu, perempuan, 12 nov 26, di liwa, ibu sari",
            "lahir",
            "putri ayu",
            "P",
            ("mother_name", "sari"),
        ),
        ("MENINGGAL Sukardi L 10/11/2026 di rumah KK", "meninggal", "Sukardi", "L", ("is_head", True)),
        ("menigal sukardi laki-laki kemarin di RSUD Liwa", "meninggal", "sukardi", "L", ("is_head", False)),
        ("mati Sukarti pr kmrn di rumah wna", "meninggal", "Sukarti", "P", ("citizenship", "WNA")),
        (
            "DATANG Andi L kemarin dari Bandar Lampung NIK 1804011203900001",
            "datang",
            "Andi",
            "L",
            ("nik", "1804011203900001"),
        ),
        ("dtg andi l 5 nov 2026 dari kota bumi", "datang", "andi", "L", ("origin", "kota bumi")),
        ("PINDAH Rina P 5 nov 2026 ke Jakarta", "pindah", "Rina", "P", ("destination", "Jakarta")),
        ("pindha Rina pr 05-11-26 ke Jakarta KK", "pindah", "Rina", "P", ("is_head", True)),
    ],
)
async def test_express_lines_with_common_typos(
    world: World, line: str, kind: str, name: str, sex: str, extra: tuple[str, object]
) -> None:
    chat = world.chat("budi")
    answer = await chat.say(line)
    if report_words.QUESTIONS["mother_name"] in answer:  # a birth without the mother asks for her
        answer = await chat.say("Sari")
    if report_words.QUESTIONS["father_name"] in answer:  # and without the father, for him (or "-")
        answer = await chat.say("-")
    assert report_words.SUMMARY_TITLE.format(kind=report_words.KIND_NAMES[kind]) in answer, answer
    assert "Laporan" in await chat.say("simpan")
    event = await _only_event(world)
    [person] = event.persons
    assert (event.kind, person.name, person.sex) == (kind, name, sex)
    assert getattr(person, extra[0]) == extra[1]


async def test_express_asks_what_is_missing_and_explains_what_is_wrong(world: World) -> None:
    chat = world.chat("budi")
    answer = await chat.say("LAHIR Bayu L besok di Liwa ibu Ani ayah -")
    assert error_words.ERRORS["date_future"] in answer and report_words.QUESTION_DATE["lahir"] in answer
    assert "Periksa laporan kelahiran" in await chat.say("hari ini")
    answer = await chat.say("pindah Rina")
    assert conversation_words.MENU_PEMANGKU["lahir"] not in answer  # still in the first draft's summary step
    await chat.say("batal")
    answer = await chat.say("pindah Rina")
    assert report_words.QUESTIONS["sex"] in answer


@pytest.mark.parametrize(
    ("line", "kind", "place", "citizenship"),
    [
        (
            "PINDAH KELUARGA 5 nov 2026 ke Jakarta, Ali L KK NIK 1804011203900001, Siti P, Rudi L",
            "pindah",
            "Jakarta",
            "WNI",
        ),
        ("datang sekeluarga 5/11/26 dari Kotabumi: Ali lk Siti pr Rudi L wna", "datang", "Kotabumi", "WNA"),
        (
            "pndh klg Siti P, Ali L KK nik: 1804011203900001 dan Rudi L ke Jakarta 5-11-2026",
            "pindah",
            "Jakarta",
            "WNI",
        ),
    ],
)
async def test_express_whole_family_in_one_line(
    world: World, line: str, kind: str, place: str, citizenship: str
) -> None:
    chat = world.chat("budi")
    summary = await chat.say(line)
    assert report_words.SUMMARY_TITLE.format(kind=report_words.KIND_NAMES[kind]) in summary, summary
    assert "Jumlah orang: 3" in summary and "Anggota 1 (kepala keluarga): Ali · L" in summary
    assert "tersimpan" in await chat.say("simpan")
    event = await _only_event(world)
    people = [(p.name, p.sex, p.is_head, p.citizenship) for p in event.persons]
    assert people == [
        ("Ali", "L", True, citizenship),
        ("Siti", "P", False, citizenship),
        ("Rudi", "L", False, citizenship),
    ]
    assert (event.kind, event.event_date) == (kind, date(2026, 11, 5))
    assert {p.origin if kind == "datang" else p.destination for p in event.persons} == {place}
    assert [p.nik for p in event.persons] == (
        [None] * 3 if kind == "datang" else ["1804011203900001", None, None]
    )


async def test_express_family_of_one_asks_for_the_others(world: World) -> None:
    chat = world.chat("budi")
    assert report_words.QUESTIONS["count"] in await chat.say("PINDAH KELUARGA Ali L kemarin ke Jakarta")
    assert "Anggota 2 dari 2" in await chat.say("2")
    await chat.script("Siti", "P")
    assert "Jumlah orang: 2" in await chat.say("-")
    await chat.say("simpan")
    event = await _only_event(world)
    assert [(p.name, p.is_head) for p in event.persons] == [("Ali", True), ("Siti", False)]


async def test_express_family_with_two_heads_is_explained_and_the_first_kept(world: World) -> None:
    chat = world.chat("budi")
    summary = await chat.say("DATANG KELUARGA Ali L KK, Siti P KK, kemarin dari Liwa")
    assert error_words.ERRORS["family_heads"] in summary and "Jumlah orang: 2" in summary
    await chat.say("simpan")
    event = await _only_event(world)
    assert [(p.name, p.is_head) for p in event.persons] == [("Ali", True), ("Siti", False)]


async def test_every_example_in_bantuan_reaches_its_summary(world: World) -> None:
    help_text = await world.chat("budi").say("bantuan")
    kinds = ("LAHIR", "MENINGGAL", "DATANG", "PINDAH")
    examples = [line for line in help_text.splitlines() if line.split(" ")[0] in kinds]
    assert len(examples) == 5
    for line in examples:
        chat = world.chat("budi")
        kind = line.split(" ")[0].lower()
        assert report_words.SUMMARY_TITLE.format(kind=report_words.KIND_NAMES[kind]) in await chat.say(
            line
        ), line
        await chat.say("batal")
