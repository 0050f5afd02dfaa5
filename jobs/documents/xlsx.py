"""The documents as XLSX (openpyxl): print-ready landscape sheets, merged header groups, frozen header.

Files of a closed month are byte-identical when written again: the workbook's created/modified
properties are the closing day and every zip entry carries a fixed timestamp.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from handlers.texts import document_words
from jobs.documents.data import RecapData, RollupData
from jobs.documents.layout import (
    Grid,
    b2_grid,
    b3_grid,
    births_grid,
    completeness_grid,
    generated_at,
    heading,
    notes_grid,
    revision_line,
    rollup_grid,
    signature,
)

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
DATE_FORMAT = "dd-mm-yyyy"  # day first, as Indonesian registers are written; the cell is a real date
COUNT_FORMAT = "#,##0"  # Excel shows the locale's separator: 1.085 in Indonesian
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class _StableZip(zipfile.ZipFile):
    """A zip whose entries all carry the same timestamp, so equal content gives equal bytes."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_EPOCH)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)


class _MemoryWriter(ExcelWriter):  # type: ignore[misc]
    """openpyxl's writer with worksheets written in memory, not through temporary files (which cost
    more than the XML itself for sheets this small, and would put their mtime into the zip)."""

    def write_worksheet(self, ws: Worksheet) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts, ws._drawing.images = ws._charts, ws._images
        out = io.BytesIO()
        writer = WorksheetWriter(ws, out=out)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], out.getvalue())
        self.manifest.append(ws)


def save_workbook(workbook: Workbook, stamp: datetime) -> bytes:
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = "pemangku-bot"
    buffer = io.BytesIO()
    with _StableZip(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _MemoryWriter(workbook, archive).write_data()
    return buffer.getvalue()


def print_setup(ws: Worksheet, grid: Grid, header_top: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    last = header_top + grid.header_rows - 1
    ws.print_title_rows = f"{header_top}:{last}"
    ws.freeze_panes = ws.cell(row=last + 1, column=3 if len(grid.widths) > 20 else 1)
    for col, width in enumerate(grid.widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def add_styles(workbook: Workbook) -> None:
    """Register the named styles once per workbook: one style id per cell is far cheaper than
    per-cell fonts and borders, which openpyxl hashes on every assignment."""
    center = Alignment(horizontal="center", vertical="center")
    specs = {
        "pk_title": NamedStyle("pk_title", font=Font(bold=True, size=13), alignment=center),
        "pk_subtitle": NamedStyle("pk_subtitle", font=Font(bold=True, size=11), alignment=center),
        "pk_text": NamedStyle("pk_text", font=Font(size=11)),
        "pk_bold": NamedStyle("pk_bold", font=Font(bold=True, size=11)),
        "pk_sign": NamedStyle("pk_sign", font=Font(size=11), alignment=center),
        "pk_sign_bold": NamedStyle("pk_sign_bold", font=Font(bold=True, size=11), alignment=center),
        "pk_head": NamedStyle(
            "pk_head", font=Font(bold=True, size=9), alignment=CENTER, fill=HEADER_FILL, border=BOX
        ),
        "pk_cell": NamedStyle("pk_cell", font=Font(size=9), border=BOX),
        "pk_cell_c": NamedStyle(
            "pk_cell_c", font=Font(size=9), border=BOX, alignment=center, number_format=COUNT_FORMAT
        ),
        "pk_cell_d": NamedStyle(
            "pk_cell_d", font=Font(size=9), border=BOX, alignment=center, number_format=DATE_FORMAT
        ),
        "pk_total": NamedStyle("pk_total", font=Font(bold=True, size=9), border=BOX),
        "pk_total_c": NamedStyle(
            "pk_total_c",
            font=Font(bold=True, size=9),
            border=BOX,
            alignment=center,
            number_format=COUNT_FORMAT,
        ),
        "pk_total_d": NamedStyle(
            "pk_total_d",
            font=Font(bold=True, size=9),
            border=BOX,
            alignment=center,
            number_format=DATE_FORMAT,
        ),
    }
    for style in specs.values():
        workbook.add_named_style(style)


def _merge(ws: Worksheet, r0: int, c0: int, r1: int, c1: int) -> None:
    # Every cell of the range already carries its style (borders included), so skip merge_cells()'s
    # re-styling of the range edges, which costs more than all the rest of a workbook.
    ref = f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"
    ws.merged_cells.add(MergedCellRange(ws, ref))


def write_lines(ws: Worksheet, lines: list[str], top: int, *, style: str = "pk_text") -> int:
    # left-aligned lines need no merge: the text runs on over the empty cells to its right
    for i, text in enumerate(lines):
        ws.cell(row=top + i, column=1, value=text).style = style
    return top + len(lines)


def write_heading(ws: Worksheet, lines: list[str], span: int) -> int:
    for i, text in enumerate(lines[:2]):
        _merge(ws, 1 + i, 1, 1 + i, span)
        ws.cell(row=1 + i, column=1, value=text).style = "pk_title" if i == 0 else "pk_subtitle"
    return write_lines(ws, lines[2:], 3) + 1


def write_grid(ws: Worksheet, grid: Grid, top: int) -> int:
    """Draw a grid from row `top`: merged, boxed header cells, body rows, bold totals; the next free row."""
    for c in grid.header:
        r0, r1 = top + c.row - 1, top + c.last_row - 1
        for row in range(r0, r1 + 1):
            for col in range(c.col, c.last_col + 1):
                ws.cell(row=row, column=col).style = "pk_head"
        if (r0, c.col) != (r1, c.last_col):
            _merge(ws, r0, c.col, r1, c.last_col)
        ws.cell(row=r0, column=c.col, value=c.text)
    row = top + grid.header_rows
    if not grid.rows and grid.empty:
        return write_lines(ws, [grid.empty], row) + 1
    for index, values in enumerate(grid.rows):
        base = "pk_total" if index >= len(grid.rows) - grid.total_rows else "pk_cell"
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value).style = base + _suffix(value, col)
        row += 1
    return write_lines(ws, grid.summary, row) + 1


def _suffix(value: object, col: int) -> str:
    """Which variant of a body style a value takes: a date, a centred count, or left-aligned text."""
    if isinstance(value, date):
        return "_d"
    return "_c" if isinstance(value, int) or col == 1 else ""


def write_signature(ws: Worksheet, data_lines: list[str], top: int, span: int) -> None:
    col = max(1, span - 8)
    for i, text in enumerate(data_lines):
        _merge(ws, top + i, col, top + i, span)
        ws.cell(row=top + i, column=col, value=text).style = "pk_sign_bold" if i == 1 else "pk_sign"


def _book_sheet(ws: Worksheet, data: RecapData, grid: Grid, title: str) -> int:
    span = len(grid.widths)
    top = write_heading(ws, [*heading(data.place, data.period, title), revision_line(data)], span)
    print_setup(ws, grid, top)
    return write_grid(ws, grid, top)


def recap_xlsx(data: RecapData) -> bytes:
    """B.3 and B.2 of a pekon's month, the births, the completeness and the notes, in one workbook."""
    workbook = Workbook()
    add_styles(workbook)
    b3 = workbook.active
    b3.title = document_words.DOC_SHEET_B3
    grid = b3_grid(data)
    signed = signature(data.place, data.signed_on)
    write_signature(b3, signed, _book_sheet(b3, data, grid, grid.title) + 1, 33)
    b2 = workbook.create_sheet(document_words.DOC_SHEET_B2)
    grid = b2_grid(data)
    write_signature(b2, signed, _book_sheet(b2, data, grid, grid.title) + 1, 13)
    births = workbook.create_sheet(document_words.DOC_SHEET_BIRTHS)
    _book_sheet(births, data, births_grid(data), document_words.DOC_BIRTHS_TITLE)
    notes = workbook.create_sheet(document_words.DOC_SHEET_NOTES)
    completeness, notes_table = completeness_grid(data), notes_grid(data)
    top = _book_sheet(notes, data, completeness, document_words.DOC_COMPLETENESS_TITLE)
    write_lines(notes, [notes_table.title], top, style="pk_bold")
    write_grid(notes, notes_table, top + 1)
    for col, width in enumerate(notes_table.widths, start=1):
        letter = get_column_letter(col)
        notes.column_dimensions[letter].width = max(notes.column_dimensions[letter].width or 0, width)
    return save_workbook(workbook, generated_at(data))


def rollup_xlsx(data: RollupData) -> bytes:
    """The kecamatan roll-up: every pekon in one table and the total."""
    workbook = Workbook()
    add_styles(workbook)
    ws = workbook.active
    ws.title = document_words.DOC_SHEET_ROLLUP
    grid = rollup_grid(data)
    span = len(grid.widths)
    top = write_heading(ws, heading(data.place, data.period, grid.title), span)
    print_setup(ws, grid, top)
    write_signature(ws, signature(data.place, data.signed_on), write_grid(ws, grid, top) + 1, span)
    return save_workbook(workbook, generated_at(data))
