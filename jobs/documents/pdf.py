"""The documents as PDF (reportlab): landscape A4, repeated table headers, page numbers.

`invariant=1` fixes the creation date and document id, so a closed month's PDF is byte-identical
when generated again.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFont, registerFontFamily, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate

from handlers.recap_text import show_number
from handlers.texts import document_words
from jobs.documents.data import RecapData, RollupData
from jobs.documents.layout import (
    Grid,
    b2_grid,
    b3_grid,
    births_grid,
    completeness_grid,
    dmy,
    heading,
    notes_grid,
    revision_line,
    rollup_grid,
    signature,
)

# Plain Flate streams: the ASCII85 wrapping (reportlab's default) only costs time and bytes here.
rl_config.useA85 = 0

PAGE = landscape(A4)
MARGIN = 10 * mm
WIDTH = PAGE[0] - 2 * MARGIN


def _embedded_fonts() -> tuple[str, str]:
    """Bitstream Vera (the face DejaVu grew from), shipped inside the reportlab wheel: embedded
    in every PDF, so every viewer and printer shows the same glyphs and widths, and nothing
    depends on fonts installed on the machine (the 14 standard fonts are never embedded)."""
    folder = Path(reportlab.__file__).parent / "fonts"
    registerFont(TTFont("Vera", str(folder / "Vera.ttf")))
    registerFont(TTFont("Vera-Bold", str(folder / "VeraBd.ttf")))
    registerFontFamily("Vera", normal="Vera", bold="Vera-Bold", italic="Vera", boldItalic="Vera-Bold")
    return "Vera", "Vera-Bold"


REGULAR, BOLD = _embedded_fonts()
PADDING = 1.5
POINTS_PER_CHAR = 5.5  # narrow tables keep their natural width instead of stretching
HEADER_BG = colors.HexColor("#DDE4EE")
TITLE = ParagraphStyle("title", fontName=BOLD, fontSize=12, alignment=TA_CENTER, leading=15)
SUBTITLE = ParagraphStyle("subtitle", fontName=BOLD, fontSize=10, alignment=TA_CENTER, leading=13)
PLAIN = ParagraphStyle("plain", fontName=REGULAR, fontSize=9, alignment=TA_LEFT, leading=11)
SECTION = ParagraphStyle("section", fontName=BOLD, fontSize=10, leading=13, spaceBefore=6)
SIGN = ParagraphStyle("sign", fontName=REGULAR, fontSize=9, alignment=TA_CENTER, leading=11)


def wrap_lines(text: str, width: float, font: str, size: float) -> str:
    """Greedy word wrap into explicit lines (also after hyphens): table cells of plain strings draw
    several times faster than paragraphs."""
    lines: list[str] = []
    for word in text.replace("-", "- ").split():
        if not lines:
            lines.append(word)
            continue
        joined = lines[-1] + ("" if lines[-1].endswith("-") else " ") + word
        if stringWidth(joined, font, size) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    return "\n".join(lines)


def _span_width(widths: list[float], first: int, last: int) -> float:
    return sum(widths[first - 1 : last]) - 2 * PADDING


def _matrix(grid: Grid, size: float, widths: list[float]) -> list[list[Any]]:
    columns = len(grid.widths)
    matrix: list[list[Any]] = [[""] * columns for _ in range(grid.header_rows)]
    for c in grid.header:
        width = _span_width(widths, c.col, c.last_col)
        matrix[c.row - 1][c.col - 1] = wrap_lines(c.text, width, BOLD, size - 1)
    for index, values in enumerate(grid.rows):
        font = BOLD if index >= len(grid.rows) - grid.total_rows else REGULAR
        matrix.append([_cell(v, w - 2 * PADDING, font, size) for v, w in zip(values, widths, strict=True)])
    return matrix


def _shrunk(grid: Grid, size: float, widths: list[float]) -> list[tuple[Any, ...]]:
    """A smaller font for each count or date too wide for its column (a total of 1.150 in a narrow
    L/P column), so it never runs into its neighbour."""
    commands: list[tuple[Any, ...]] = []
    for index, values in enumerate(grid.rows):
        font = BOLD if index >= len(grid.rows) - grid.total_rows else REGULAR
        for col, (value, width) in enumerate(zip(values, widths, strict=True)):
            if isinstance(value, str) or value is None:
                continue  # text wraps instead
            drawn = stringWidth(_cell(value, width, font, size), font, size)
            if drawn > width - 2 * PADDING:
                fit = size * (width - 2 * PADDING) / drawn
                cell = (col, grid.header_rows + index)
                commands.append(("FONT", cell, cell, font, fit, size + 1.5))
    return commands


def _cell(value: Any, width: float, font: str, size: float) -> Any:
    """A body value as drawn: text wrapped, counts with a thousands dot, dates as dd-mm-yyyy."""
    if isinstance(value, str):
        return wrap_lines(value, width, font, size)
    if isinstance(value, date):
        return dmy(value)
    return show_number(value) if isinstance(value, int) else value


def _text_columns(grid: Grid) -> list[int]:
    """Columns (0-based, after the first) that hold text: left-aligned; numbers stay centred."""
    first = grid.rows[0] if grid.rows else []
    return [i for i, v in enumerate(first) if i > 0 and isinstance(v, str)]


def grid_table(grid: Grid, size: float = 7) -> Table:
    """A grid as a reportlab table spanning the page width, header repeated on every page."""
    scale = min(WIDTH / sum(grid.widths), POINTS_PER_CHAR)
    widths = [w * scale for w in grid.widths]
    table = Table(_matrix(grid, size, widths), colWidths=widths, repeatRows=grid.header_rows)
    body = grid.header_rows
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, body - 1), HEADER_BG),
        ("FONT", (0, 0), (-1, body - 1), BOLD, size - 1, size),
        ("ALIGN", (0, 0), (-1, body - 1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, body), (-1, -1), "CENTER"),
        ("FONT", (0, body), (-1, -1), REGULAR, size, size + 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING),
    ]
    commands += [("ALIGN", (col, body), (col, -1), "LEFT") for col in _text_columns(grid)]
    commands += [
        ("SPAN", (c.col - 1, c.row - 1), (c.last_col - 1, c.last_row - 1))
        for c in grid.header
        if (c.row, c.col) != (c.last_row, c.last_col)
    ]
    if grid.total_rows:
        commands.append(("FONT", (0, -grid.total_rows), (-1, -1), BOLD, size, size + 1.5))
    commands += _shrunk(grid, size, widths)
    table.setStyle(TableStyle(commands))
    table.hAlign = "LEFT"
    return table


def grid_flowables(grid: Grid, title: str | None = None, size: float = 7) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(escape(title), SECTION)] if title else []
    if not grid.rows and grid.empty:
        return [*out, Paragraph(escape(grid.empty), PLAIN)]
    out.append(grid_table(grid, size))
    return out + [Paragraph(escape(line), PLAIN) for line in grid.summary]


def heading_flowables(lines: Sequence[str]) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(escape(lines[0]), TITLE), Paragraph(escape(lines[1]), SUBTITLE)]
    out += [Paragraph(escape(line), PLAIN) for line in lines[2:]]
    return [*out, Spacer(1, 4 * mm)]


def signature_flowable(lines: list[str]) -> Flowable:
    block = Table([[Paragraph(escape(line) or "&nbsp;", SIGN)] for line in lines], colWidths=[70 * mm])
    style = [("FONT", (0, 0), (-1, -1), REGULAR, 9), ("TOPPADDING", (0, 0), (-1, -1), 1)]
    block.setStyle(TableStyle([*style, ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))  # Vera, not Helvetica
    block.hAlign = "RIGHT"
    return KeepTogether([Spacer(1, 6 * mm), block])


def _footer(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(REGULAR, 7)
    canvas.drawString(MARGIN, 6 * mm, doc.title)
    canvas.restoreState()


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """A canvas that holds its pages back until the end, so each can say "Halaman 1 dari 2"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self.setFont(REGULAR, 7)
            self.drawRightString(
                PAGE[0] - MARGIN, 6 * mm, document_words.DOC_PAGE.format(page=number, pages=total)
            )
            super().showPage()
        super().save()


def build_pdf(story: list[Flowable], title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=12 * mm,
        title=title,
        author="pemangku-bot",
        creator="pemangku-bot",
        invariant=1,
        initialFontName=REGULAR,  # else every page starts in Helvetica, which is never embedded
        initialFontSize=9,
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _book(data: RecapData, grid: Grid, size: float) -> list[Flowable]:
    lines = heading(data.place, data.period, grid.title)
    return [*heading_flowables([*lines, revision_line(data)]), *grid_flowables(grid, size=size)]


def recap_pdf(data: RecapData) -> bytes:
    """B.3 (with completeness and notes), then B.2 and the births, of a pekon's month."""
    sign = signature(data.place, data.signed_on)
    story: list[Flowable] = _book(data, b3_grid(data), 6.5)
    story += [
        CondPageBreak(40 * mm),
        *grid_flowables(completeness_grid(data), document_words.DOC_COMPLETENESS_TITLE),
    ]
    story += [
        *grid_flowables(notes_grid(data), document_words.DOC_NOTES_TITLE),
        signature_flowable(sign),
        PageBreak(),
    ]
    story += _book(data, b2_grid(data), 7)
    story += [*grid_flowables(births_grid(data), document_words.DOC_BIRTHS_TITLE), signature_flowable(sign)]
    title = f"B.2 & B.3 {data.place.pekon} {data.period:%Y-%m}"
    return build_pdf(story, title)


def rollup_pdf(data: RollupData) -> bytes:
    """The kecamatan roll-up as one table."""
    grid = rollup_grid(data)
    story = [*heading_flowables(heading(data.place, data.period, grid.title)), *grid_flowables(grid, size=8)]
    story.append(signature_flowable(signature(data.place, data.signed_on)))
    return build_pdf(story, f"{grid.title} {data.place.kecamatan} {data.period:%Y-%m}")
