"""The annual recap as XLSX and PDF, in the monthly books' style: the same grids, fonts, header colour,
print setup and signature block (jobs/documents/xlsx.py and pdf.py). A complete year's files are
byte-identical when made again: both are stamped with the day its last month closed."""

from __future__ import annotations

from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment
from reportlab.platypus import Flowable, Paragraph, TableStyle

from handlers.texts import annual_words
from jobs.documents import pdf, xlsx
from jobs.documents.annual_layout import (
    AnnualData,
    annual_heading,
    annual_signature,
    closed_line,
    development_grid,
    generated_at,
    notes,
    year_grid,
)

CHANGE_COLUMN = 4  # 0-based: "+5,0%" is text, but reads best centred like the counts beside it


def _heading(data: AnnualData) -> list[str]:
    lines = annual_heading(data)
    closed = closed_line(data)
    return [*lines[:-1], closed] if closed else lines  # a complete year: when it closed, instead


def annual_xlsx(data: AnnualData) -> bytes:
    """Sheet 1: the year's B.3 with the total and the signature; sheet 2: Perkembangan Penduduk and notes."""
    workbook = Workbook()
    xlsx.add_styles(workbook)
    ws = workbook.active
    ws.title = annual_words.DOC_SHEET_ANNUAL
    grid = year_grid(data)
    top = xlsx.write_heading(ws, _heading(data), len(grid.widths))
    xlsx.print_setup(ws, grid, top)
    xlsx.write_signature(ws, annual_signature(data), xlsx.write_grid(ws, grid, top) + 1, len(grid.widths))
    sheet = workbook.create_sheet(annual_words.DOC_SHEET_DEVELOPMENT)
    grid = development_grid(data)
    top = xlsx.write_heading(sheet, _heading(data), len(grid.widths))
    xlsx.print_setup(sheet, grid, top)
    below = xlsx.write_grid(sheet, grid, top)
    for row in range(top + 1, top + 1 + len(grid.rows)):
        sheet.cell(row=row, column=CHANGE_COLUMN + 1).alignment = Alignment(horizontal="center")
    below = xlsx.write_lines(sheet, [annual_words.DOC_ANNUAL_NOTES_TITLE], below, style="pk_bold")
    below = xlsx.write_lines(sheet, notes(data), below) + 1
    xlsx.write_signature(sheet, annual_signature(data), below, len(grid.widths))
    return xlsx.save_workbook(workbook, generated_at(data))


def _notes(data: AnnualData) -> list[Flowable]:
    lines = [Paragraph(escape(annual_words.DOC_ANNUAL_NOTES_TITLE), pdf.SECTION)]
    return lines + [Paragraph(escape(line), pdf.PLAIN) for line in notes(data)]


def annual_pdf(data: AnnualData) -> bytes:
    """The year's B.3, then Perkembangan Penduduk and the notes, signed."""
    story: list[Flowable] = [
        *pdf.heading_flowables(_heading(data)),
        *pdf.grid_flowables(year_grid(data), size=6.5),
    ]
    development = development_grid(data)
    table = pdf.grid_table(development, size=8)
    table.setStyle(TableStyle([("ALIGN", (CHANGE_COLUMN, 1), (CHANGE_COLUMN, -1), "CENTER")]))
    story += [Paragraph(escape(development.title), pdf.SECTION), table]
    story += [*_notes(data), pdf.signature_flowable(annual_signature(data))]
    return pdf.build_pdf(story, f"{annual_words.DOC_ANNUAL_TITLE} {data.recap.nama} {data.recap.year}")


def render_annual(data: AnnualData) -> tuple[bytes, bytes]:
    """The year as XLSX and PDF."""
    return annual_xlsx(data), annual_pdf(data)
