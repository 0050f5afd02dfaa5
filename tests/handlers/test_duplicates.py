"""The same person is not counted twice by accident (issue 11, item 1b): a report whose person
already stands in the unit's ledger (same kind, same name and date, or the same NIK) is flagged
on its summary with the earlier receipt, and only "Tetap simpan" saves it. Every kind, guided
and express; run over WhatsApp and Telegram too (tests/bot/*/test_transcripts.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.texts import report_words
from models.event import Event
from tests.handlers.conftest import World

EXPRESS = {
    "lahir": "LAHIR Putri P 12-11-2026 di Liwa ibu Sari ayah Joko",
    "meninggal": "MENINGGAL Sukardi L 10-11-2026 di rumah KK",
    "datang": "DATANG Andi L 12-11-2026 dari Liwa",
    "pindah": "PINDAH Rina P 5 nov 2026 ke Jakarta",
}
GUIDED = {
    "lahir": ("Lapor Lahir", "putri", "P", "12-11-2026", "Liwa", "Sari", "-", "-", "WNI"),
    "meninggal": ("Lapor Meninggal", "Sukardi", "L", "-", "10-11-2026", "rumah", "ya", "WNI"),
    "datang": ("Lapor Datang", "tidak", "ANDI", "L", "-", "tidak", "12-11-2026", "Liwa", "WNI"),
    "pindah": ("Lapor Pindah", "tidak", "Rina", "P", "-", "tidak", "05-11-2026", "Jakarta", "WNI"),
}
NIK = "1804150101900001"


async def _receipts(world: World) -> list[str]:
    async with world.sessionmaker() as s:
        return list(await s.scalars(select(Event.receipt).order_by(Event.id)))


@pytest.mark.parametrize("kind", list(EXPRESS))
@pytest.mark.parametrize("mode", ["guided", "express"])
async def test_the_same_person_again_is_flagged_and_needs_tetap_simpan(
    world: World, kind: str, mode: str
) -> None:
    chat = world.chat("budi")
    first = await chat.say(EXPRESS[kind])
    assert report_words.SUMMARY_FOOTER in first, first
    await chat.say("simpan")
    [receipt] = await _receipts(world)
    summary = await chat.say(EXPRESS[kind]) if mode == "express" else (await chat.script(*GUIDED[kind]))[-1]
    assert f"tanda terima {receipt}" in summary and "Tetap simpan" in summary, summary
    assert report_words.SUMMARY_FOOTER not in summary
    assert report_words.DUPLICATE_NEEDS_CONFIRMATION in await chat.say("simpan")
    assert report_words.DUPLICATE_NEEDS_CONFIRMATION in await chat.say("ya")
    assert await _receipts(world) == [receipt]
    assert "tersimpan" in await chat.tap("tetap simpan")
    assert len(await _receipts(world)) == 2


async def test_the_same_nik_under_another_name_and_date_is_flagged(world: World) -> None:
    chat = world.chat("budi")
    await chat.script(f"DATANG Andi L 12-11-2026 dari Liwa NIK {NIK}", "simpan")
    [receipt] = await _receipts(world)
    summary = await chat.say(f"DATANG Andy L 13-11-2026 dari Liwa NIK {NIK}")
    assert f"tanda terima {receipt}" in summary


async def test_another_date_another_unit_or_a_cancelled_report_is_not_flagged(world: World) -> None:
    budi = world.chat("budi")
    await budi.script(EXPRESS["lahir"], "simpan")
    assert report_words.SUMMARY_FOOTER in await budi.say(
        "LAHIR Putri P 13-11-2026 di Liwa ibu Sari ayah Joko"
    )
    await budi.say("batal")
    assert report_words.SUMMARY_FOOTER in await world.chat("sari").say(EXPRESS["lahir"])
    await budi.script("Laporan Saya", "1", "Batalkan laporan", "salah orang")
    assert report_words.SUMMARY_FOOTER in await budi.say(EXPRESS["lahir"])
