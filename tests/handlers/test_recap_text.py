"""The B.3 as one chat message: readable, in Indonesian, never longer than Telegram allows."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.recap_text import MAX_CHARS, render_b3_text
from models.b3_rows import FIGURES, B3Row, B3Table
from models.event import EventKind, Sex
from models.ledger import record_event, submit_report
from models.months import close_months
from models.period import ReportStatus
from models.person_input import PersonInput
from models.recap import compute_b3
from tests.factories import TRIMULYO, seed_pekon

OCTOBER = date(2026, 10, 1)


async def test_a_month_reads_unit_by_unit_with_who_is_missing(session: AsyncSession) -> None:
    units = await seed_pekon(session, units=3, baseline_period=OCTOBER)
    await record_event(
        session,
        unit=units[0],
        kind=EventKind.LAHIR,
        persons=[PersonInput("Bayi", Sex.P)],
        event_date=date(2026, 10, 4),
        reporter_id=None,
        channel="console",
    )
    for unit, status in ((units[0], ReportStatus.SUBMITTED), (units[1], ReportStatus.NIHIL)):
        await submit_report(
            session,
            unit=unit,
            period=OCTOBER,
            status=status,
            member_id=None,
            channel="console",
            deadline_day=5,
        )
    await session.commit()
    text = render_b3_text(await compute_b3(session, TRIMULYO, OCTOBER), pekon_nama="Trimulyo")
    assert text.splitlines()[:2] == [
        "Rekap B.3 Pekon Trimulyo (18.04.15.2004)",
        "Bulan Oktober 2026 · masih terbuka (angka sementara)",
    ]
    assert "1. Pemangku 1: sudah kirim, terlambat" in text
    assert "   Awal 239 jiwa (70 KK) · Akhir 240 jiwa (70 KK)" in text
    assert "   Lahir 1 · Datang 0 · Meninggal 0 · Pindah 0" in text
    assert "2. Pemangku 2: NIHIL, terlambat" in text
    assert text.endswith("Belum lapor (1): Pemangku 3")

    await close_months(session, OCTOBER, [TRIMULYO])
    closed = render_b3_text(await compute_b3(session, TRIMULYO, OCTOBER), village_word="desa")
    assert closed.splitlines()[:2] == [
        "Rekap B.3 Desa 18.04.15.2004 (18.04.15.2004)",
        "Bulan Oktober 2026 · sudah ditutup (revisi 1)",
    ]


def test_a_large_pekon_still_fits_one_message() -> None:
    figures = dict.fromkeys(FIGURES, 7)
    rows = [B3Row(i, f"x-{i:02d}", f"Pemangku Nomor {i}", figures, ("missing",)) for i in range(1, 301)]
    text = render_b3_text(B3Table(TRIMULYO, OCTOBER, False, 0, rows), pekon_nama="Trimulyo")
    assert len(text) <= MAX_CHARS
    assert "pemangku lagi (lihat berkas rekap lengkap)" in text
    assert "Belum lapor (300): " in text and "dan 280 lagi" in text
    assert "JUMLAH" in text


def test_a_pekon_without_units_says_so() -> None:
    text = render_b3_text(B3Table(TRIMULYO, OCTOBER, False, 0, []), pekon_nama="Trimulyo")
    assert "Belum ada pemangku terdaftar." in text
