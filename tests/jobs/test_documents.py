"""The B.2/B.3 documents: XLSX columns and totals equal compute_b3, the PDF renders, a closed month's
files are byte-identical when generated again, and the kecamatan roll-up lists every pekon."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.documents.data import RecapData, load_recap, load_rollup
from jobs.documents.pdf import recap_pdf, rollup_pdf
from jobs.documents.render import render_many, render_recap
from jobs.documents.xlsx import recap_xlsx, rollup_xlsx
from models.event import Action, Event, EventKind, Sex
from models.ledger import correct_event, record_event, submit_report
from models.months import close_months
from models.period import ReportStatus
from models.person_input import PersonInput
from models.recap import compute_b3
from models.region import Unit
from tests.factories import TRIMULYO, seed_pekon
from tests.jobs.helpers import DEC, NOV, wib

B3_NUMBERS_ROW = 13  # 7 heading lines + a blank line, then the 5 header rows (the last one numbers 1..33)


async def closed_month(session: AsyncSession) -> RecapData:
    """November with a birth, a death of a head of family, a move out, a move in, NIHIL, a correction."""
    units = await seed_pekon(session, baseline_period=NOV)
    now = wib(date(2026, 11, 20), 10)

    async def record(unit: int, kind: EventKind, person: PersonInput) -> None:
        await record_event(
            session,
            unit=units[unit],
            kind=kind,
            persons=[person],
            event_date=date(2026, 11, 4),
            reporter_id=None,
            channel="console",
            now=now,
        )

    baby = PersonInput(
        name="Siti", sex=Sex.P, birth_place="Trimulyo", birth_date=date(2026, 11, 4), mother_name="Ani"
    )
    await record(0, EventKind.LAHIR, baby)
    await record(
        1, EventKind.MENINGGAL, PersonInput(name="Pak Tua", sex=Sex.L, is_head=True, death_place="Rumah")
    )
    await record(1, EventKind.PINDAH, PersonInput(name="Budi", sex=Sex.L, destination="Bandar Lampung"))
    await record(2, EventKind.DATANG, PersonInput(name="Citra", sex=Sex.P, origin="Metro"))
    await submit_report(
        session,
        unit=units[3],
        period=NOV,
        status=ReportStatus.NIHIL,
        member_id=None,
        channel="console",
        deadline_day=5,
        now=now,
    )
    await close_months(session, NOV, now=wib(date(2026, 12, 12), 1))
    late = PersonInput(name="Dewi", sex=Sex.P, birth_place="Trimulyo", birth_date=date(2026, 11, 28))
    await record_event(
        session,
        unit=units[0],
        kind=EventKind.LAHIR,
        persons=[late],
        event_date=date(2026, 11, 28),
        reporter_id=None,
        channel="console",
        now=wib(date(2026, 12, 13), 9),
    )
    await session.commit()
    return await load_recap(session, TRIMULYO, NOV, today=date(2026, 12, 20))


async def test_xlsx_has_the_33_columns_and_the_totals_of_compute_b3(session: AsyncSession) -> None:
    data = await closed_month(session)
    book = load_workbook(io.BytesIO(recap_xlsx(data)))
    assert book.sheetnames == ["B.3 Rekapitulasi", "B.2 Mutasi", "Kelahiran", "Kelengkapan & Catatan"]
    b3 = book["B.3 Rekapitulasi"]
    assert b3["A1"].value == "B.3 BUKU REKAPITULASI JUMLAH PENDUDUK"
    assert b3["A2"].value == "BULAN NOVEMBER TAHUN 2026"
    assert [b3.cell(r, 1).value for r in range(3, 7)] == [
        "PEKON : Trimulyo",
        "KECAMATAN : Gedung Surian",
        "KABUPATEN : Lampung Barat",
        "KODE WILAYAH : 18.04.15.2004",
    ]
    assert [b3.cell(B3_NUMBERS_ROW, c).value for c in range(1, 34)] == [str(c) for c in range(1, 34)]
    assert b3.cell(B3_NUMBERS_ROW - 4, 3).value == "JUMLAH PENDUDUK AWAL BULAN"
    assert "C9:I9" in {str(r) for r in b3.merged_cells.ranges}
    assert b3.page_setup.orientation == "landscape" and b3.freeze_panes == "C14"
    table = await compute_b3(session, TRIMULYO, NOV)
    rows = [
        [b3.cell(B3_NUMBERS_ROW + i, c).value for c in range(1, 33)] for i in range(1, len(table.rows) + 2)
    ]
    assert [r[:32] for r in (row.columns() for row in table.rows)] == rows[:-1]
    assert rows[-1][2:] == table.total.columns()[2:32] and rows[-1][1] == "JUMLAH"
    assert rows[-1][31] == 956 - 1 - 1 + 1 + 1

    b2 = book["B.2 Mutasi"]
    numbers = next(r for r in range(1, 20) if b2.cell(r, 1).value == "1" and b2.cell(r, 13).value == "13")
    names = [b2.cell(r, 2).value for r in range(numbers + 1, numbers + 4)]
    assert names == ["Pak Tua", "Budi", "Citra"]
    assert b2.cell(numbers + 2, 9).value == "Bandar Lampung"
    births = book["Kelahiran"]
    assert any(births.cell(r, 2).value == "Siti" for r in range(1, 20))


async def test_a_closed_month_gives_the_same_bytes_again(session: AsyncSession) -> None:
    data = await closed_month(session)
    again = await load_recap(session, TRIMULYO, NOV, today=date(2027, 3, 1))
    assert recap_xlsx(data) == recap_xlsx(again)
    assert recap_pdf(data) == recap_pdf(again)


async def test_the_next_month_notes_the_susulan_and_the_correction(
    session: AsyncSession, tmp_path: Path
) -> None:
    await closed_month(session)
    moved = await session.scalar(select(Event).where(Event.kind == EventKind.PINDAH))
    unit = await session.get(Unit, moved.unit_id) if moved else None
    assert moved is not None and unit is not None
    await correct_event(
        session,
        original=moved,
        unit=unit,
        persons=[PersonInput(name="Budi Santoso", sex=Sex.L, destination="Liwa")],
        reason="nama dan tujuan salah tulis",
        actor_id=None,
        channel="console",
        now=wib(date(2026, 12, 14), 9),
    )
    await session.commit()
    data = await load_recap(session, TRIMULYO, DEC, today=date(2026, 12, 20))
    assert [(n.kind, n.action, n.susulan) for n in data.notes] == [
        ("lahir", Action.REPORT, True),
        ("pindah", Action.CORRECT, True),
    ]
    assert [r.keterangan for r in data.table.rows][:2] == [
        ("missing", "susulan"),
        ("missing", "susulan", "koreksi"),
    ]
    notes = load_workbook(io.BytesIO(recap_xlsx(data)))["Kelengkapan & Catatan"]
    texts_found = [str(c.value) for row in notes.iter_rows() for c in row if c.value]
    assert any("nama dan tujuan salah tulis" in t for t in texts_found)
    assert_pdf_renders(recap_pdf(data), tmp_path, pages=2)


def assert_pdf_renders(pdf: bytes, tmp_path: Path, pages: int) -> None:
    """The PDF renders to PNG pages with pdftoppm when it is installed; otherwise it at least parses."""
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    if shutil.which("pdftoppm") is None:
        assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= pages
        return
    (tmp_path / "doc.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(tmp_path / "doc.pdf"), str(tmp_path / "page")], check=True
    )
    rendered = sorted(tmp_path.glob("page-*.png"))
    assert len(rendered) >= pages and all(p.stat().st_size > 1000 for p in rendered)


async def test_the_rollup_lists_every_pekon_of_the_kecamatan(session: AsyncSession, tmp_path: Path) -> None:
    await closed_month(session)
    await seed_pekon(session, kode="18.04.15.2005", nama="Sukamaju", units=3, baseline_period=NOV)
    data = await load_rollup(session, TRIMULYO[:8], NOV, today=date(2026, 12, 20))
    sheet = load_workbook(io.BytesIO(rollup_xlsx(data))).active
    assert sheet is not None
    names = [sheet.cell(r, 2).value for r in range(1, 20)]
    assert "Trimulyo" in names and "Sukamaju" in names and "JUMLAH" in names
    total_row = names.index("JUMLAH") + 1
    assert sheet.cell(total_row, 3).value == 7  # units
    assert sheet.cell(total_row, 12).value == 956 + 3 * 239  # closing jiwa: Trimulyo closed, Sukamaju open
    assert_pdf_renders(rollup_pdf(data), tmp_path, pages=1)


async def test_worker_processes_render_the_same_files(session: AsyncSession) -> None:
    data = await closed_month(session)
    inline = await render_many(render_recap, [data], workers=0)
    assert await render_many(render_recap, [data, data], workers=2) == inline * 2
