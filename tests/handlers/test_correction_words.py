"""A correction that changes nothing is not recorded; a correction after the month was sent is told to the
pemangku and to staff as a correction, never as one more report (staff would count the person twice)."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.texts import report_words
from models.event import Event
from models.outbox import OutboxMessage
from tests.handlers.conftest import World

BIRTH = ("1", "Putri", "P", "12-11-2026", "Liwa", "Sari", "-", "-", "WNI", "simpan")


async def _count(world: World, table: type) -> int:
    async with world.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_correction_that_changes_nothing_is_not_recorded(world: World) -> None:
    chat = world.chat("budi")
    await chat.script(*BIRTH, "Laporan Saya", "1", "Koreksi")
    for yes in ("simpan", "ya"):
        answer = await chat.say(yes)
        assert answer.startswith("Belum ada yang diubah dari laporan L-"), answer
        assert report_words.CORRECTION_REASON not in answer and report_words.SUMMARY_FOOTER in answer
    await chat.script("ubah", "Nama", "Putri")  # the same value again: still nothing changed
    assert "Belum ada yang diubah" in await chat.say("simpan")
    assert await _count(world, Event) == 1
    await chat.script("ubah", "Nama", "Putri Ayu")
    assert report_words.CORRECTION_REASON in await chat.say("simpan")
    too_short = await chat.say("ya")
    assert too_short.startswith(report_words.REASON_TOO_SHORT)
    assert "Koreksi tersimpan" in await chat.say("salah tulis nama")
    assert await _count(world, Event) == 2


async def test_a_correction_after_sending_is_announced_as_a_correction(world: World) -> None:
    chat = world.chat("budi")
    await chat.script(*BIRTH)
    world.clock.advance(days=12)
    await chat.script("kirim", "ya")
    async with world.sessionmaker() as s:
        before = int(await s.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
    await chat.script("Laporan Saya", "1", "Koreksi", "ubah", "Nama", "Putri Ayu", "simpan")
    answer = await chat.say("salah tulis nama")
    assert "koreksi ini dicatat dan petugas diberi tahu" in answer
    assert "laporan ini ditambahkan" not in answer
    async with world.sessionmaker() as s:
        notices = list(await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id).offset(before)))
    staff_texts = [n.payload["text"] for n in notices if "Info:" in n.payload.get("text", "")]
    assert len(staff_texts) == 1 and "mengoreksi laporan kelahiran L-" in staff_texts[0]
    assert "bukan laporan baru" in staff_texts[0] and "menambah" not in staff_texts[0]
