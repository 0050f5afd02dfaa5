"""The annual recap's tables, independent of the file format (the grids of jobs/documents/layout.py):
the year's B.3 (opening, movements summed, closing), Perkembangan Penduduk, and the notes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.annual_text import note_lines, show_change, state_line
from handlers.texts import annual_words, document_words
from jobs.context import day_label
from jobs.documents.data import Place
from jobs.documents.layout import Grid, Value, b3_header, plain_header, signature
from models.annual import AnnualRecap, Level, annual_recap
from models.annual_change import development
from models.b3_rows import B3Row
from models.base import WIB, wib_date
from models.region import Kecamatan, Pekon


@dataclass(frozen=True)
class AnnualData:
    """A year of one place, ready to draw: the recap, the heading's place, the signing day."""

    recap: AnnualRecap
    place: Place
    signed_on: date


async def _place(session: AsyncSession, recap: AnnualRecap, village_word: str) -> Place:
    if recap.level == Level.PEKON:
        pekon = await session.get(Pekon, recap.kode)
        assert pekon is not None
        kecamatan = pekon.kecamatan
        return Place(village_word, pekon.nama, kecamatan.nama, kecamatan.kabupaten_nama, pekon.kode)
    if recap.level == Level.KECAMATAN:
        found = await session.get(Kecamatan, recap.kode)
        assert found is not None
        return Place(village_word, "", found.nama, found.kabupaten_nama, recap.kode)
    return Place(village_word, "", "", recap.nama, recap.kode)


async def load_annual(
    session: AsyncSession, year: int, level: Level, kode: str | None, *, today: date, village_word: str
) -> AnnualData:
    """The year's data; a complete year is signed on the day its last month closed (so its files are
    the same bytes whenever they are made again), a provisional one on `today`."""
    recap = await annual_recap(session, year, level, kode)
    closed = recap.last_closed_at
    signed_on = wib_date(closed) if closed is not None and not recap.provisional else today
    return AnnualData(recap, await _place(session, recap, village_word), signed_on)


def annual_heading(data: AnnualData) -> list[str]:
    """Title, year, the place lines that apply, and the state of the year."""
    place = data.place
    values = {
        "village_cap": place.village_word.upper(),
        "pekon": place.pekon,
        "kecamatan": place.kecamatan,
        "kabupaten": place.kabupaten.removeprefix("Kabupaten ").strip(),
        "kode": place.kode,
    }
    lines = [annual_words.DOC_ANNUAL_TITLE, annual_words.DOC_ANNUAL_YEAR_LINE.format(tahun=data.recap.year)]
    lines += [
        t.format(**values) for t in document_words.DOC_PLACE_LINES if not t.format(**values).endswith(": ")
    ]
    return [*lines, state_line(data.recap, place.village_word)]


def annual_signature(data: AnnualData) -> list[str]:
    """The signature block of the level: Kepala Pekon, Camat, or the kabupaten's Dukcapil."""
    lines = signature(data.place, data.signed_on)
    if data.recap.level in (Level.KABUPATEN, Level.NASIONAL):
        where = (data.place.kabupaten or data.recap.nama).removeprefix("Kabupaten ").strip()
        lines[0] = document_words.DOC_SIGN_PLACE.format(pekon=where, tanggal=day_label(data.signed_on))
        lines[1] = annual_words.DOC_SIGN_KABUPATEN
    return lines


def _row_header(data: AnnualData) -> str:
    level = data.recap.level.value
    village = data.place.village_word.upper()
    return annual_words.DOC_ANNUAL_ROW_HEADER.get(level, annual_words.DOC_ANNUAL_ROW_HEADER_OTHER).format(
        village_upper=village
    )


def _ket(months: int, missing: int) -> str:
    words = [annual_words.DOC_ANNUAL_KET_MONTHS.format(months=months)]
    if missing:
        words.append(annual_words.DOC_ANNUAL_KET_MISSING.format(count=missing))
    return ", ".join(words)


def year_grid(data: AnnualData) -> Grid:
    """The year in B.3's 33 columns: opening (3-9), the year's movements (10-25), closing (26-32)."""
    header = []
    for cell in b3_header():
        text = annual_words.DOC_ANNUAL_GROUPS.get(cell.text, cell.text)
        header.append(replace(cell, text=_row_header(data) if cell.col == 2 and cell.row == 1 else text))
    rows: list[list[Value]] = []
    for no, row in enumerate(data.recap.rows, start=1):
        b3 = B3Row(no, row.kode, row.nama, row.figures)
        rows.append([*b3.columns()[:32], _ket(row.months, row.unit_months_missing)])
    total = data.recap.total
    rows.append([None, document_words.DOC_TOTAL, *B3Row(None, None, "", total.figures).columns()[2:32], ""])
    widths = [3.5, 16, *([4.2] * 30), 13]
    for col in (7, 9, 30, 32):
        widths[col - 1] = 7.5
    widths[7] = widths[30] = 9.0
    return Grid(annual_words.DOC_ANNUAL_TITLE, header, 5, rows, widths, total_rows=1)


def development_grid(data: AnnualData) -> Grid:
    """Perkembangan Penduduk in the profil's form: last year, this year, change in percent."""
    rows: list[list[Value]] = []
    for no, line in enumerate(development(data.recap.total), start=1):
        label = annual_words.ANNUAL_DEVELOPMENT_LABELS[line.key]
        before = annual_words.ANNUAL_UNKNOWN if line.last_year is None else line.last_year
        after = annual_words.ANNUAL_UNKNOWN if line.this_year is None else line.this_year
        rows.append([no, label, before, after, show_change(line.change)])
    year = data.recap.year
    headers = tuple(h.format(lalu=year - 1, tahun=year) for h in annual_words.DOC_DEVELOPMENT_HEADERS)
    return Grid(annual_words.DOC_DEVELOPMENT_TITLE, plain_header(headers), 1, rows, [3.5, 30, 16, 16, 14])


def notes(data: AnnualData) -> list[str]:
    """The notes under the tables (the same as in chat)."""
    return note_lines(data.recap)


def generated_at(data: AnnualData) -> datetime:
    """The instant stamped into file metadata: the signing day."""
    return datetime(data.signed_on.year, data.signed_on.month, data.signed_on.day)


def closed_line(data: AnnualData) -> str | None:
    """When the year's last month closed, for a complete year."""
    closed = data.recap.last_closed_at
    if closed is None or data.recap.provisional:
        return None
    return annual_words.DOC_ANNUAL_FINAL.format(
        tahun=data.recap.year, closed=day_label(closed.astimezone(WIB).date())
    )
