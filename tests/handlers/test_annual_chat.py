"""Staff and the camat ask for the year in chat ("rekap tahun 2026"): each sees their own scope."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from handlers.texts import annual_words
from models.months import close_months
from models.person import Member, Role
from tests.factories import add_member
from tests.handlers.conftest import World

OCT = date(2026, 10, 1)


async def _october_closed(world: World) -> None:
    await world.chat("budi").script("LAHIR Putri P kemarin di Liwa ibu Sari ayah Joko", "simpan")
    async with world.sessionmaker() as session:
        await close_months(session, date(2026, 10, 1), None, now=world.clock.now - timedelta(days=5))
        await session.commit()


async def test_staff_get_their_pekon_year(world: World) -> None:
    await _october_closed(world)
    answer = await world.chat("ops").say("rekap tahun 2026")
    assert answer.startswith("Rekap tahunan 2026 · Pekon Trimulyo (18.04.15.2004)")
    assert "Angka sementara: November, Desember belum ditutup." in answer  # before October: no books
    assert "1. Pemangku 1 (1 bulan)" in answer and "Sukajaya" not in answer
    assert "Perkembangan Penduduk (2025 → 2026)" in answer
    assert "Tidak lapor: Pemangku 1 (Okt); Pemangku 2 (Okt); Pemangku 3 (Okt)" in answer
    assert "KK kepala perempuan: - → - (-)" in answer  # the seeded baseline has no split
    assert annual_words.ANNUAL_HEADS_UNKNOWN in answer
    assert "Angka tahun lalu = angka awal Oktober, bulan pertama data 2026." in answer


async def test_the_camat_gets_the_kecamatan_and_the_default_year(world: World) -> None:
    await _october_closed(world)
    answer = await world.chat("camat").say("Rekap Tahunan")
    assert answer.startswith("Rekap tahunan 2026 · Kecamatan Gedung Surian (18.04.15)")
    assert "1. Trimulyo (1 bulan)" in answer and "2. Sukajaya (1 bulan)" in answer
    assert "Bulan tanpa laporan pemangku: 5 (unit × bulan)." in answer


async def test_a_year_without_closed_months_or_unreadable(world: World) -> None:
    ops = world.chat("ops")
    assert annual_words.ANNUAL_ASK_YEAR.format(tahun=2026) in await ops.say("rekap tahun ini")
    assert annual_words.ANNUAL_ASK_YEAR.format(tahun=2025) in await ops.say("rekap tahun lalu")
    assert annual_words.ANNUAL_BAD_YEAR in await ops.say("rekap tahun dua ribu")
    # a month is still a month
    assert "Rekap B.3" in await ops.say("rekap oktober")


async def test_a_kabupaten_user_gets_the_kabupaten(world: World) -> None:
    await _october_closed(world)
    async with world.sessionmaker() as session:
        await add_member(session, "Dinas", Role.KABUPATEN, address="dinas")
        member = await session.scalar(select(Member).where(Member.name == "Dinas"))
        assert member is not None
        member.kabupaten_kode = "18.04"
        await session.commit()
    answer = await world.chat("dinas").say("rekap tahun 2026")
    assert answer.startswith("Rekap tahunan 2026 · Kabupaten Lampung Barat (18.04)")
    assert "1. Gedung Surian (1 bulan)" in answer
