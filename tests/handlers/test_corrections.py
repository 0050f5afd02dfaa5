"""Laporan Saya: the month's entries, a correction and a cancellation; the ledger keeps both."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from handlers.texts import error_words, month_words, report_words
from models.audit import AuditEntry
from models.event import Event
from models.recap import compute_b3
from tests.factories import TRIMULYO
from tests.handlers.conftest import World

BIRTH = ("1", "Putri", "P", "12-11-2026", "Liwa", "Sari", "-", "-", "WNI", "simpan")


async def _events(world: World) -> list[tuple[str, str, list[tuple[str, int, str]]]]:
    async with world.sessionmaker() as s:
        events = await s.scalars(select(Event).order_by(Event.id))
        return [(e.action, e.kind, [(p.name, p.sign, p.sex) for p in e.persons]) for e in events]


async def test_correction_keeps_the_original_and_adds_reversal_and_replacement(world: World) -> None:
    chat = world.chat("budi")
    await chat.script(*BIRTH)
    answer = await chat.say("Laporan Saya")
    assert "1. L-" in answer and "kelahiran · Putri · 12 November 2026" in answer
    assert error_words.ERRORS["choice"] in await chat.say("9")
    assert "Mau diapakan?" in await chat.say("1")
    answer = await chat.say("Koreksi")
    assert "Nama: Putri" in answer and report_words.SUMMARY_FOOTER in answer
    await chat.script("ubah", "Jenis kelamin", "L", "ubah", "Nama", "Putra")
    assert report_words.CORRECTION_REASON in await chat.say("simpan")
    assert report_words.CORRECTION_REASON in await chat.say("x")  # too short a reason
    assert "Koreksi tersimpan" in await chat.say("salah tulis jenis kelamin")
    assert await _events(world) == [
        ("report", "lahir", [("Putri", 1, "P")]),
        ("correct", "lahir", [("Putri", -1, "P"), ("Putra", 1, "L")]),
    ]
    answer = await chat.say("laporan saya")
    assert "Putra" in answer and "(dikoreksi)" in answer and "Putri" not in answer
    async with world.sessionmaker() as s:
        table = await compute_b3(s, TRIMULYO, date(2026, 11, 1))
    row = table.rows[0]
    assert row.figures["lahir_wni_l"] == 1 and row.figures["lahir_wni_p"] == 0


async def test_cancellation_with_a_reason(world: World) -> None:
    chat = world.chat("budi")
    await chat.script(*BIRTH)
    await chat.script("7", "1")
    assert month_words.CANCEL_REASON in await chat.say("batalkan")
    answer = await chat.say("dilaporkan dua kali")
    assert "dibatalkan" in answer and "Catatan aslinya tetap tersimpan" in answer
    assert await _events(world) == [
        ("report", "lahir", [("Putri", 1, "P")]),
        ("cancel", "lahir", [("Putri", -1, "P")]),
    ]
    assert month_words.MINE_EMPTY in await chat.say("Laporan Saya")


async def test_listing_is_audited_and_only_shows_the_own_unit(world: World) -> None:
    await world.chat("budi").script(*BIRTH)
    answer = await world.chat("sari").say("laporan saya")
    assert answer.startswith(month_words.MINE_EMPTY)
    async with world.sessionmaker() as s:
        views = list(await s.scalars(select(AuditEntry).where(AuditEntry.action == "list.view")))
    assert len(views) == 1 and views[0].entity_id == world.units[1].kode


async def test_the_list_lets_a_menu_word_through(world: World) -> None:
    chat = world.chat("budi")
    await chat.script(*BIRTH)
    await chat.say("laporan saya")
    assert report_words.QUESTIONS["name"] in await chat.say("Lapor Lahir")


async def test_back_from_the_action_returns_to_the_list(world: World) -> None:
    chat = world.chat("budi")
    await chat.script(*BIRTH)
    await chat.script("laporan saya", "1")
    assert month_words.MINE_PICK in await chat.say("kembali")
