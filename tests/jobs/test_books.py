"""Books a secretary signs as they are: named titles with the place and its code, one word for a
missing report, a corrected child listed once, B.2 by event date with its unit, real dates in the
XLSX, embedded fonts and "Halaman 1 dari 2" in the PDF, name and NIP lines under every signature."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.documents.data import RecapData, load_recap, load_rollup
from jobs.documents.layout import Grid, plain_header
from jobs.documents.pdf import PADDING, REGULAR, grid_table, recap_pdf, rollup_pdf
from jobs.documents.xlsx import recap_xlsx, rollup_xlsx
from models.event import Event, EventKind, Sex
from models.ledger import correct_event, record_event
from models.months import close_months
from models.person_input import PersonInput
from models.region import Unit
from tests.factories import TRIMULYO, seed_pekon
from tests.jobs.helpers import NOV, wib
from tests.jobs.test_documents import closed_month

# Skipped on a machine without poppler-utils, except in CI (.ci/run installs it and sets this).
PDF_TOOLS = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not os.environ.get("PEMANGKU_REQUIRE_PDF_TOOLS"),
    reason="poppler-utils not installed",
)
LOOK = os.environ.get("PEMANGKU_LOOK_AT_PDF")  # a folder: write the PDFs there to look at them


def sheet_texts(xlsx: bytes, sheet: str) -> list[str]:
    """Every non-empty cell of a sheet as text, row by row."""
    ws = load_workbook(io.BytesIO(xlsx))[sheet]
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "doc") -> str:
    """The PDF's text, page by page (pdftotext keeps the layout)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    if LOOK:
        Path(LOOK, f"{name}.pdf").write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True)
    return done.stdout.decode()


def font_table(path: Path) -> list[list[str]]:
    """pdffonts' rows: name, type, encoding, emb, sub, uni, object id."""
    done = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True)
    return [line.split() for line in done.stdout.decode().splitlines()[2:]]


async def _corrected_child(session: AsyncSession) -> RecapData:
    """November, open: Siti born in unit 1 on the 4th and corrected (name) on the 20th; a death in
    unit 2 on the 2nd and a move out of unit 1 on the 9th; nobody has submitted yet."""
    units = await seed_pekon(session, baseline_period=NOV)

    async def record(unit: Unit, kind: EventKind, day: int, person: PersonInput) -> Event:
        return await record_event(
            session,
            unit=unit,
            kind=kind,
            persons=[person],
            event_date=date(2026, 11, day),
            reporter_id=None,
            channel="console",
            now=wib(date(2026, 11, 12), 10),
        )

    born = PersonInput(name="Siti", sex=Sex.P, birth_place="Trimulyo", birth_date=date(2026, 11, 4))
    baby = await record(units[0], EventKind.LAHIR, 4, born)
    await record(units[0], EventKind.PINDAH, 9, PersonInput(name="Budi", sex=Sex.L, destination="Liwa"))
    await record(
        units[1], EventKind.MENINGGAL, 2, PersonInput(name="Pak Tua", sex=Sex.L, death_place="Rumah")
    )
    await correct_event(
        session,
        original=baby,
        unit=units[0],
        persons=[replace(born, name="Siti Aminah")],
        reason="nama lengkap",
        actor_id=None,
        channel="console",
        now=wib(date(2026, 11, 20), 9),
    )
    await session.commit()
    return await load_recap(session, TRIMULYO, NOV, today=date(2026, 11, 25))


async def test_a_corrected_child_is_listed_once_as_corrected(session: AsyncSession) -> None:
    data = await _corrected_child(session)
    assert [(b.name, b.sign) for b in data.births] == [("Siti Aminah", 1)]
    births = sheet_texts(recap_xlsx(data), "Kelahiran")
    assert "Siti Aminah" in births and "Siti" not in births
    [note] = [t for t in births if "koreksi atas" in t]
    assert "nama lengkap" in note


async def test_b2_rows_go_by_event_date_and_name_their_unit(session: AsyncSession) -> None:
    data = await _corrected_child(session)
    ws = load_workbook(io.BytesIO(recap_xlsx(data)))["B.2 Mutasi"]
    numbers = next(r for r in range(1, 30) if ws.cell(r, 1).value == "1" and ws.cell(r, 13).value == "13")
    rows = [[ws.cell(r, c).value for c in range(1, 14)] for r in (numbers + 1, numbers + 2)]
    assert [r[1] for r in rows] == ["Pak Tua", "Budi"]  # the 2nd before the 9th, whatever the unit
    assert str(rows[0][12]).startswith("Pemangku 2") and str(rows[1][12]).startswith("Pemangku 1")
    died, left = ws.cell(numbers + 1, 12), ws.cell(numbers + 2, 10)
    assert isinstance(died.value, datetime) and died.value.date() == date(2026, 11, 2)
    assert isinstance(left.value, datetime) and left.number_format == "dd-mm-yyyy"


async def test_a_missing_report_is_belum_lapor_while_open_and_tidak_lapor_once_closed(
    session: AsyncSession, tmp_path: Path
) -> None:
    open_month = await _corrected_child(session)
    for sheet in ("B.3 Rekapitulasi", "Kelengkapan & Catatan"):
        found = " ".join(sheet_texts(recap_xlsx(open_month), sheet)).lower()
        assert "belum lapor" in found and "tidak lapor" not in found, sheet
    await close_months(session, NOV, now=wib(date(2026, 12, 12), 1))
    closed = await load_recap(session, TRIMULYO, NOV, today=date(2026, 12, 20))
    for sheet in ("B.3 Rekapitulasi", "Kelengkapan & Catatan"):
        found = " ".join(sheet_texts(recap_xlsx(closed), sheet)).lower()
        assert "tidak lapor" in found and "belum lapor" not in found, sheet


@PDF_TOOLS
async def test_the_pdf_names_the_books_numbers_its_pages_and_embeds_its_fonts(
    session: AsyncSession, tmp_path: Path
) -> None:
    data = await closed_month(session)
    pdf = recap_pdf(data)
    text = pdf_text(pdf, tmp_path, "recap")
    for wanted in (
        "B.3 BUKU REKAPITULASI JUMLAH PENDUDUK",
        "B.2 BUKU MUTASI PENDUDUK DESA",
        "BULAN NOVEMBER TAHUN 2026",
        "KODE WILAYAH : 18.04.15.2004",
        "KABUPATEN : Lampung Barat",
        "Halaman 1 dari 2",
        "Halaman 2 dari 2",
        "KEPALA PEKON",
        "NIP.",
        "tidak lapor",
    ):
        assert wanted in text, wanted
    assert "Tidak lapor" not in text and "belum lapor" not in text
    fonts = font_table(tmp_path / "recap.pdf")
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # the "emb" column of pdffonts


@PDF_TOOLS
async def test_the_rollup_is_signed_by_the_camat_and_leaves_out_pekon_without_units(
    session: AsyncSession, tmp_path: Path
) -> None:
    await closed_month(session)
    await seed_pekon(session, kode="18.04.15.2009", nama="Tanpa Pemangku", units=0)
    data = await load_rollup(session, TRIMULYO[:8], NOV, today=date(2026, 12, 20))
    assert [p.pekon_nama for p in data.pekons] == ["Trimulyo"]
    text = pdf_text(rollup_pdf(data), tmp_path, "rollup")
    assert "CAMAT GEDUNG SURIAN" in text and "NIP." in text and "Tanpa Pemangku" not in text
    assert "KODE WILAYAH : 18.04.15" in text and "Halaman 1 dari 1" in text
    cells = sheet_texts(rollup_xlsx(data), "Rekap Kecamatan")
    assert "CAMAT GEDUNG SURIAN" in cells and "Tanpa Pemangku" not in cells


def test_a_count_too_wide_for_its_column_is_drawn_smaller() -> None:
    grid = Grid("T", plain_header(("NO", "L", "P")), 1, [[1, 3600, 7], [2, 1, 2]], [3.5, 2.0, 2.0])
    table = grid_table(grid, size=7)
    sizes = [[table._cellStyles[r][c].fontsize for c in range(3)] for r in (1, 2)]
    assert sizes[0][1] < 7 and sizes[0][2] == 7 and sizes[1] == [7, 7, 7]
    drawn = stringWidth("3.600", REGULAR, sizes[0][1])
    assert drawn <= table._colWidths[1] - 2 * PADDING + 0.01
