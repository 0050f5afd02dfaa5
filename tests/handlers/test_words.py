"""Words a person understands, inputs a person types (issue 11, item 4): menu typos, number words,
unusual digits, dates, prepositions, names in proper case, NIKs in free text, per-channel wording,
a second Kirim declined, invites made in chat."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handlers.keywords import closest, parse_number
from handlers.texts import conversation_words, error_words, month_words, report_words, staff_words
from models.event import Event, EventPerson
from models.mutasi import mutasi_lines
from models.person import Channel
from tests.factories import TRIMULYO
from tests.handlers.conftest import World
from tests.handlers.transcript import Chat, make_dispatcher


def test_the_matcher_takes_small_typos_and_refuses_guesses() -> None:
    units = {f"pemangku {n}": str(n) for n in range(1, 11)}
    assert closest("Pemangku 11", units) is None  # not "Pemangku 1"
    assert closest("pemangku 3", units) == "3"
    assert closest("lapor lahr", {"lahir": "lahir", "lapor lahir": "lahir"}) == "lahir"
    assert closest("kirm", {"kirim": "kirim", "nihil": "nihil"}) == "kirim"
    assert closest("ya", {"yak": "x"}) is None  # short words must be exact
    numbers = ["3", "tiga", "dua belas", "dua puluh satu", "sepuluh", "4 orang", "²", "①", "tiga belas x"]
    assert [parse_number(t) for t in numbers] == [3, 3, 12, 21, 10, 4, None, None, None]


async def _persons(world: World) -> list[EventPerson]:
    async with world.sessionmaker() as s:
        return list(await s.scalars(select(EventPerson).order_by(EventPerson.id)))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lahr", report_words.KIND_START["lahir"]),
        ("lapor lahr", report_words.KIND_START["lahir"]),
        ("menigal", report_words.KIND_START["meninggal"]),
        ("Lapor Menigal", report_words.KIND_START["meninggal"]),
        ("pindha", report_words.KIND_START["pindah"]),
        ("dua", report_words.KIND_START["meninggal"]),  # the second menu entry, in words
    ],
)
async def test_menu_words_with_a_typo_or_as_a_number_word(world: World, typed: str, expected: str) -> None:
    assert expected in await world.chat("budi").say(typed)


async def test_nihil_with_a_typo_asks_to_confirm_nihil(world: World) -> None:
    world.clock.advance(days=12)
    assert "NIHIL berarti tidak ada kelahiran" in await world.chat("sari").say("nihl")


async def test_a_typo_close_to_two_actions_is_not_guessed(world: World) -> None:
    assert conversation_words.NOT_UNDERSTOOD in await world.chat("budi").say("xyzw")


@pytest.mark.parametrize("typed", ["²", "①", "٣", "1²"])
async def test_unusual_digits_are_a_wrong_answer_kindly_explained(world: World, typed: str) -> None:
    chat = world.chat("budi")
    assert conversation_words.NOT_UNDERSTOOD in await chat.say(typed)  # at the menu
    await chat.script("Lapor Pindah", "ya")
    assert error_words.ERRORS["count"] in await chat.say(typed)  # how many
    assert report_words.QUESTION_MEMBER.format(n=1, total=3, head=report_words.MEMBER_HEAD, question="") in (
        await chat.say("tiga orang")
    )
    await chat.script("batal", "Lapor Lahir", "Bayu")
    assert error_words.ERRORS["sex"] in await chat.say(typed)  # a choice
    await chat.say("L")
    assert error_words.ERRORS["date_format"] in await chat.say(f"{typed}-11-2026")
    await chat.script("batal", "MENINGGAL Sukardi L 10/11/2026 di rumah KK", "simpan", "Laporan Saya")
    assert error_words.ERRORS["choice"] in await chat.say(typed)  # the list waits for a plain number
    assert "Mau diapakan?" in await chat.say("satu")
    assert "Maaf, ada gangguan" not in "\n".join(m.text for m in chat.last)


async def test_kemarin_sore_and_an_impossible_day(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("Lapor Lahir", "Bayu", "L")
    answer = await chat.say("31 februari 2026")
    assert "Februari 2026 hanya sampai tanggal 28; tanggal 31 tidak ada" in answer
    assert report_words.QUESTIONS["birth_place"] in await chat.say("kemarin sore")
    await chat.script("di rumah", "ibu Ani", "-", "-", "WNI", "simpan")
    [person] = await _persons(world)
    assert (person.birth_date, person.birth_place, person.mother_name) == (date(2026, 11, 19), "rumah", "Ani")


async def test_guided_places_lose_their_preposition_and_refuse_a_nik(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("Lapor Pindah", "tidak", "Rina", "P", "-", "tidak", "5-11-2026")
    assert error_words.ERRORS["place_nik"] in await chat.say("Pringsewu 1804011203900001")
    assert report_words.QUESTIONS["citizenship"] in await chat.say("ke Pringsewu")
    assert "Pindah ke: Pringsewu" in await chat.say("WNI")
    await chat.say("simpan")
    [person] = await _persons(world)
    assert person.destination == "Pringsewu"


async def test_names_print_in_proper_case_and_are_kept_as_typed(world: World) -> None:
    chat = world.chat("budi")
    summary = await chat.say("lahir nur hasanah P 10-11-2026 di Liwa ibu SITI AMINAH ayah -")
    assert "Nama: Nur Hasanah" in summary and "Nama ibu: Siti Aminah" in summary
    await chat.say("simpan")
    [person] = await _persons(world)
    assert (person.name, person.mother_name) == ("nur hasanah", "SITI AMINAH")  # as typed
    assert "kelahiran · Nur Hasanah ·" in await chat.say("Laporan Saya")
    async with world.sessionmaker() as s:
        [line] = await mutasi_lines(s, TRIMULYO, date(2026, 11, 1))
    assert (line.name, line.mother_name) == ("Nur Hasanah", "Siti Aminah")  # the books


async def test_a_nik_in_a_reason_is_masked(world: World) -> None:
    await world.chat("budi").script("NIHIL", "ya")
    await world.chat("sari").script("NIHIL", "ya")
    await world.chat("joko").script("NIHIL", "ya")
    world.clock.advance(days=12)
    await world.chat("ops").script("tutup", "ya")
    answer = await world.chat("ops").say("BUKA BULAN NIK 1804011203900001 terlewat")
    assert "1804011203900001" not in answer and "************0001" in answer


async def test_unregistered_on_telegram_is_told_about_the_account_not_a_number(world: World) -> None:
    chat = Chat(make_dispatcher(world.sessionmaker, world.clock), "12345", Channel.TELEGRAM, world.clock)
    answer = await chat.say("halo")
    assert "Akun Telegram ini belum terdaftar" in answer and "Nomor" not in answer
    whatsapp = Chat(make_dispatcher(world.sessionmaker, world.clock), "628123", Channel.WHATSAPP, world.clock)
    assert "Nomor WhatsApp ini belum terdaftar" in await whatsapp.say("halo")


async def test_a_second_kirim_declined_says_the_month_stays_sent(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("nihil", "ya")  # October, the earlier open month
    await chat.script("MENINGGAL Sukardi L 10/11/2026 di rumah KK", "simpan", "kirim", "ya")
    assert "Catatan: laporan bulan November 2026 sudah dikirim" in await chat.say("kirim")
    answer = await chat.say("tidak")
    assert month_words.NOT_SENT not in answer
    assert "tidak dikirim ulang. Laporan bulan November 2026 tetap tercatat terkirim" in answer


async def test_invite_in_chat_gives_the_deep_link_and_warns_of_a_present_pemangku(world: World) -> None:
    ops = Chat(make_dispatcher(world.sessionmaker, world.clock, telegram_bot_username="@pemangku_bot"), "ops")
    answer = await ops.say("undang")
    answer = await ops.say("1")
    assert "Pemangku 1 sudah punya pemangku terdaftar (Budi)" in answer
    answer = await ops.say("Wati")
    async with world.sessionmaker() as s:
        code = await s.scalar(select(Event.id).limit(1))
    assert code is None  # nothing reported, only an invite made
    assert "https://t.me/pemangku_bot?start=" in answer


async def test_invite_for_a_unit_without_pemangku_has_no_warning(world: World) -> None:
    ops = world.chat("ops")
    async with world.sessionmaker() as s, s.begin():
        budi = await s.get(type(world.pemangku[0]), world.pemangku[0].id)
        assert budi is not None
        budi.active = False
    await ops.say("undang")
    answer = await ops.say("1")
    assert "sudah punya pemangku" not in answer and staff_words.STAFF_INVITE_NAME in answer
    assert "t.me" not in await ops.say("Wati")  # no bot username configured: no link


@pytest.mark.parametrize("yes", ["iya", "ok", "Oke", "betul", "benar!", "y"])
async def test_every_way_of_saying_yes_confirms_where_ya_does(world: World, yes: str) -> None:
    budi, sari, joko, ops = (world.chat(who) for who in ("budi", "sari", "joko", "ops"))
    await budi.say("MENINGGAL Sukardi L 10/11/2026 di rumah KK")
    assert "tersimpan" in await budi.say(yes)  # Simpan on the summary
    world.clock.advance(days=12)  # 2 December: November is reported
    await budi.say("kirim")
    assert month_words.SUBMITTED.format(bulan="November 2026", unit="Pemangku 1") in await budi.say(yes)
    for chat, unit in ((sari, "Pemangku 2"), (joko, "Pemangku 3")):
        await chat.say("nihil")
        assert month_words.SUBMITTED_NIHIL.format(bulan="November 2026", unit=unit) in await chat.say(yes)
    assert "Tutup bulan November 2026" in await ops.say("tutup")
    assert "Bulan November 2026 sudah ditutup" in await ops.say(yes)


@pytest.mark.parametrize("no", ["nggak", "gak", "n", "Tidak."])
async def test_every_way_of_saying_no_declines(world: World, no: str) -> None:
    world.clock.advance(days=12)
    sari = world.chat("sari")
    await sari.say("nihil")
    assert month_words.NOT_SENT in await sari.say(no)
