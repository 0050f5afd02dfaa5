"""Every flow survives a restart between any two messages: each line goes to a new Dispatcher."""

from __future__ import annotations

from sqlalchemy import select

from handlers.texts import conversation_words
from models.event import Event
from models.period import MonthStatus, PekonMonth, UnitReport
from tests.handlers.conftest import World


async def _each_line_after_a_restart(world: World, who: str, *lines: str) -> str:
    answer = ""
    for line in lines:
        answer = await world.chat(who).say(line)  # a fresh Dispatcher every time
    return answer


async def test_death_report(world: World) -> None:
    answer = await _each_line_after_a_restart(
        world, "budi", "2", "Sukardi", "L", "-", "kemarin", "rumah", "ya", "WNI", "simpan"
    )
    assert "Laporan kematian tersimpan" in answer


async def test_whole_family_move_in(world: World) -> None:
    lines = ("3", "ya", "2", "Ali", "L", "-", "Siti", "P", "-", "kemarin", "Liwa", "WNI", "ubah", "2", "3")
    answer = await _each_line_after_a_restart(world, "budi", *lines)
    assert "Anggota 3 dari 3" in answer
    answer = await _each_line_after_a_restart(world, "budi", "Rudi", "L", "-", "simpan")
    assert "Laporan kedatangan tersimpan" in answer
    async with world.sessionmaker() as s:
        [event] = list(await s.scalars(select(Event)))
    assert [p.name for p in event.persons] == ["Ali", "Siti", "Rudi"]


async def test_kirim_and_nihil(world: World) -> None:
    await world.chat("budi").script("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah -", "simpan")
    world.clock.advance(days=12)
    assert "sudah terkirim" in await _each_line_after_a_restart(world, "budi", "kirim", "ya")
    assert "tercatat NIHIL" in await _each_line_after_a_restart(world, "sari", "nihil", "ya")
    async with world.sessionmaker() as s:
        assert len(list(await s.scalars(select(UnitReport)))) == 2


async def test_correction_and_cancellation(world: World) -> None:
    await world.chat("budi").script("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah -", "simpan")
    answer = await _each_line_after_a_restart(
        world, "budi", "laporan saya", "1", "koreksi", "ubah", "nama", "Bayu Aji", "simpan", "salah nama"
    )
    assert "Koreksi tersimpan" in answer
    answer = await _each_line_after_a_restart(world, "budi", "laporan saya", "1", "batalkan", "ganda")
    assert "dibatalkan" in answer


async def test_staff_invite_and_close(world: World) -> None:
    answer = await _each_line_after_a_restart(world, "ops", "undang", "2", "Wati")
    assert "Kode undangan untuk Wati (Pemangku 2)" in answer
    world.clock.advance(days=12)
    for who in ("budi", "sari", "joko"):
        await world.chat(who).script("nihil", "ya")
    assert "sudah ditutup" in await _each_line_after_a_restart(world, "ops", "tutup", "ya")
    async with world.sessionmaker() as s:
        month = await s.scalar(select(PekonMonth).where(PekonMonth.status == MonthStatus.CLOSED))
    assert month is not None


async def test_help_explains_the_express_format(world: World) -> None:
    answer = await world.chat("budi").say("bantuan")
    assert "LAHIR Putri Ayu P 12-11-2026 di Liwa ibu Sari ayah Joko" in answer
    assert "Lapor cepat dalam satu baris" in await world.chat("budi").say("/help")
    assert "BUKA BULAN" in await world.chat("ops").say("Bantuan")
    assert "Status Kecamatan" in await world.chat("camat").say("bantuan")
    assert conversation_words.MENU_CAMAT["status"] in await world.chat("camat").say("menu")
