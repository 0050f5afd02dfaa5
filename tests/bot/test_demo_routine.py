"""The demo's month routine: the late pemangku is reminded, answers through the console, the month
closes by itself and the staff get the summary and the B.2/B.3 files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.demo import build_demo
from bot.demo_routine import routine_demo, save_files
from models.period import UnitReport


async def test_the_demo_month_runs_its_course(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], db_url: str, tmp_path: Path
) -> None:
    world = await build_demo(sessionmaker, date(2026, 11, 23), deadline_day=5)
    text, files = await routine_demo(db_url, Settings(database_url=db_url), world.period)
    assert text.count("(untuk darto) Halo Sudarto") == 4  # -3, -1, 0, +1; he answers after the fourth
    assert "darto> kirim" in text and "(Terlambat: batasnya 5 November 2026.)" in text
    assert "• Pemangku Tanjung Sari: Sudarto" in text  # the staff's list of late units
    assert "(untuk ratna) Bulan Oktober 2026 pekon Trimulyo sudah ditutup (revisi 1)." in text
    assert "3 pemangku kirim, 1 NIHIL, 0 tidak lapor." in text
    names = [p.name for p in save_files(files, tmp_path / "demo-output")]
    assert sorted(names) == [
        "B2-B3_18.04.15.2004_2026-10_r1.pdf",
        "B2-B3_18.04.15.2004_2026-10_r1.xlsx",
        "Rekap-Kecamatan_18.04.15_2026-10_v1.pdf",
        "Rekap-Kecamatan_18.04.15_2026-10_v1.xlsx",
    ]


async def test_a_pemangku_answers_the_first_reminder_with_nihil(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], db_url: str
) -> None:
    world = await build_demo(sessionmaker, date(2026, 11, 23), deadline_day=5)
    async with sessionmaker() as session:  # as if the sample month had no NIHIL from Marga Mulya yet
        await session.execute(delete(UnitReport).where(UnitReport.unit_id == world.units[2].id))
        await session.commit()
    text, _ = await routine_demo(db_url, Settings(database_url=db_url), world.period)
    assert text.count("(untuk yusuf) Halo Yusuf Effendi") == 1  # the first reminder, then no more
    assert "yusuf> nihil" in text and "tercatat NIHIL" in text
    assert "3 pemangku kirim, 1 NIHIL, 0 tidak lapor." in text
