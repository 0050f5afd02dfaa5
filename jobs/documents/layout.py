"""The documents' tables, independent of the file format: headers with their merged cells, body rows,
relative column widths. xlsx.py and pdf.py draw the same grids, so both files say the same thing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from handlers.texts import document_words, month_words
from jobs.context import day_label, month_label
from jobs.documents.data import Place, RecapData, RollupData
from models.b3_rows import GROUPS, KINDS, B3Row
from models.base import WIB
from models.mutasi import MutasiLine

Value = str | int | date | None  # dates stay dates: real date cells in XLSX, dd-mm-yyyy in the PDF


@dataclass(frozen=True)
class Cell:
    """A header cell covering rows row..last_row and columns col..last_col (1-based, in the header)."""

    text: str
    row: int
    col: int
    last_row: int
    last_col: int


@dataclass(frozen=True)
class Grid:
    """A table: header cells, body rows (the last `total_rows` are totals), column widths in characters."""

    title: str
    header: list[Cell]
    header_rows: int
    rows: list[list[Value]]
    widths: list[float]
    total_rows: int = 0
    empty: str | None = None
    summary: list[str] = field(default_factory=list)


def dmy(day: date | None) -> str:
    """A date as dd-mm-yyyy, the way the books are filled in by hand."""
    return "" if day is None else f"{day:%d-%m-%Y}"


def heading(place: Place, period: date, title: str) -> list[str]:
    """Title, month line and the place lines of a book."""
    bulan, tahun = month_label(period).split(" ")
    lines = [title, document_words.DOC_MONTH_LINE.format(bulan=bulan.upper(), tahun=tahun)]
    village = place.village_word.upper()
    values = {"village_cap": village, "pekon": place.pekon, "kecamatan": place.kecamatan, "kode": place.kode}
    for template in document_words.DOC_PLACE_LINES:
        line = template.format(**values, kabupaten=place.kabupaten.removeprefix("Kabupaten ").strip())
        if place.pekon or not line.startswith(village):
            lines.append(line)
    return lines


def revision_line(data: RecapData) -> str:
    """Which revision this is and when it was closed, or that the figures are provisional."""
    if data.closed_at is None:
        return document_words.DOC_OPEN
    closed = f"{day_label(data.closed_at.astimezone(WIB).date())} {data.closed_at.astimezone(WIB):%H:%M} WIB"
    return document_words.DOC_REVISION.format(revision=data.table.revision, closed=closed)


def signature(place: Place, signed_on: date) -> list[str]:
    """The signature block: place and date, role (the Kepala Pekon, or the Camat of a roll-up), a
    blank for the signature, then the name and NIP lines."""
    where = place.pekon or place.kecamatan
    if place.pekon:
        role = document_words.DOC_SIGN_ROLE.format(
            village_upper=place.village_word.upper(), pekon_upper=place.pekon.upper()
        )
    else:
        role = document_words.DOC_SIGN_CAMAT.format(kecamatan_upper=place.kecamatan.upper())
    return [
        document_words.DOC_SIGN_PLACE.format(pekon=where, tanggal=day_label(signed_on)),
        role,
        "",
        "",
        "",
        document_words.DOC_SIGN_NAME,
        document_words.DOC_SIGN_NIP,
    ]


def b3_header() -> list[Cell]:
    cells = [Cell(text, 1, col, 4, col) for col, text in document_words.DOC_B3_SINGLE.items()]
    cells += [Cell(text, 1, c0, 1, c1) for text, c0, c1 in document_words.DOC_B3_GROUPS]
    for text, c0, c1 in document_words.DOC_B3_SUBGROUPS:
        if c0 == c1:
            cells.append(Cell(text, 2, c0, 4, c1))
        elif c1 - c0 == 1:  # WNA / WNI of the opening and closing figures
            cells.append(Cell(text, 2, c0, 3, c1))
        else:  # a kind of event: WNA and WNI below it
            cells.append(Cell(text, 2, c0, 2, c1))
            pairs = enumerate(document_words.DOC_CITIZENSHIP)
            cells += [Cell(cit, 3, c0 + 2 * i, 3, c0 + 2 * i + 1) for i, cit in pairs]
    sex_columns = [c for c in range(3, 33) if c not in (7, 8, 9, 30, 31, 32)]
    cells += [Cell(document_words.DOC_SEX[(c - (3 if c < 10 else 10)) % 2], 4, c, 4, c) for c in sex_columns]
    cells += [Cell(str(c), 5, c, 5, c) for c in range(1, 34)]
    return cells


def _keterangan(row: B3Row, closed: bool) -> str:
    words = {**document_words.DOC_KETERANGAN, "missing": month_words.MISSING_WORD[closed]}
    return ", ".join(words.get(code, code) for code in row.keterangan)


def b3_grid(data: RecapData) -> Grid:
    """B.3: one row per unit and the total, 33 columns in the regulation's order."""
    rows = [[*row.columns()[:32], _keterangan(row, data.table.closed)] for row in data.table.rows]
    total = data.table.total.columns()
    rows.append([None, document_words.DOC_TOTAL, *total[2:32], ""])
    widths = [3.5, 16, *([4.2] * 30), 13]
    for col in (7, 9, 30, 32):
        widths[col - 1] = 7.5
    widths[7] = widths[30] = 9.0  # "KELUARGA" must fit on one line
    return Grid(document_words.DOC_B3_TITLE, b3_header(), 5, rows, widths, total_rows=1)


def _b2_header() -> list[Cell]:
    headers = document_words.DOC_B2_HEADERS
    cells = [Cell(headers[c - 1], 1, c, 2, c) for c in (1, 2, 3, 4, 5, 6, 13)]
    cells += [Cell(text, 1, c0, 1, c1) for text, c0, c1 in document_words.DOC_B2_GROUPS]
    cells += [Cell(headers[c - 1], 2, c, 2, c) for c in range(7, 13)]
    cells += [Cell(str(c), 3, c, 3, c) for c in range(1, 14)]
    return cells


def _flags(line: MutasiLine) -> list[str]:
    flags = [line.receipt]
    if line.sign < 0:
        flags.append(document_words.DOC_B2_CANCELLED.format(receipt=line.corrects or line.receipt))
    elif line.action != "report":
        flags.append(
            document_words.DOC_NOTE_CORRECT.format(corrects=line.corrects or "", reason=line.reason or "")
        )
    if line.susulan:
        flags.append(document_words.DOC_SUSULAN)
    if line.is_head:
        flags.append(document_words.DOC_B2_KET["head"])
    return flags


def _b2_row(no: int, line: MutasiLine) -> list[Value]:
    moves: list[Value] = [""] * 6
    slot = {"datang": 0, "pindah": 2, "meninggal": 4}[line.kind]
    where = {"datang": line.origin, "pindah": line.destination, "meninggal": line.death_place}[line.kind]
    moves[slot], moves[slot + 1] = where or "", line.event_date
    born = line.birth_date or ""
    head: list[Value] = [no, line.name, line.birth_place or "", born, line.sex, line.citizenship]
    return [*head, *moves, "; ".join([line.unit_nama, *_flags(line)])]


def b2_grid(data: RecapData) -> Grid:
    """B.2 Buku Mutasi Penduduk: one row per person who came, left or died (13 columns)."""
    rows = [_b2_row(no, line) for no, line in enumerate(data.b2, start=1)]
    widths = [3.5, 22, 13, 10, 8, 10, 18, 10, 18, 10, 14, 10, 22]
    return Grid(document_words.DOC_B2_TITLE, _b2_header(), 3, rows, widths, empty=document_words.DOC_B2_EMPTY)


def plain_header(headers: tuple[str, ...]) -> list[Cell]:
    """A one-row header."""
    return [Cell(text, 1, c, 1, c) for c, text in enumerate(headers, start=1)]


def births_grid(data: RecapData) -> Grid:
    """The births of the month (they count in B.3 but are not rows of B.2)."""
    rows: list[list[Value]] = [
        [
            no,
            b.name,
            b.sex,
            b.birth_place or "",
            b.birth_date or b.event_date,
            b.father_name or "",
            b.mother_name or "",
            b.citizenship,
            b.unit_nama,
            "; ".join(_flags(b)),
        ]
        for no, b in enumerate(data.births, start=1)
    ]
    widths = [3.5, 22, 4, 14, 10, 18, 18, 7, 16, 22]
    header = plain_header(document_words.DOC_BIRTHS_HEADERS)
    return Grid(
        document_words.DOC_BIRTHS_TITLE, header, 1, rows, widths, empty=document_words.DOC_BIRTHS_EMPTY
    )


def completeness_grid(data: RecapData) -> Grid:
    """Each unit's monthly report: submitted, nihil, late or missing."""
    words: dict[str | None, str] = {**document_words.DOC_COMPLETENESS_STATUS}
    words[None] = month_words.MISSING_WORD[data.table.closed]
    rows: list[list[Value]] = [
        [
            no,
            s.nama,
            words[s.status],
            document_words.DOC_YES if s.late else "",
            s.submitted_at.astimezone(WIB).date() if s.submitted_at else "",
        ]
        for no, s in enumerate(data.statuses, start=1)
    ]
    count = {key: sum(1 for s in data.statuses if s.status == key) for key in ("submitted", "nihil", None)}
    summary = document_words.DOC_COMPLETENESS_SUMMARY.format(
        submitted=count["submitted"],
        nihil=count["nihil"],
        late=sum(1 for s in data.statuses if s.late),
        missing=count[None],
        missing_word=words[None],
    )
    header = plain_header(document_words.DOC_COMPLETENESS_HEADERS)
    return Grid(
        document_words.DOC_COMPLETENESS_TITLE, header, 1, rows, [3.5, 24, 14, 11, 14], summary=[summary]
    )


def _note_text(action: str, corrects: str | None, reason: str | None) -> str:
    if action == "correct":
        return document_words.DOC_NOTE_CORRECT.format(corrects=corrects or "", reason=reason or "")
    if action == "cancel":
        return document_words.DOC_NOTE_CANCEL.format(corrects=corrects or "", reason=reason or "")
    return document_words.DOC_NOTE_SUSULAN


def notes_grid(data: RecapData) -> Grid:
    """Susulan reports and corrections counted in the month, with their reasons."""
    rows: list[list[Value]] = [
        [
            no,
            n.receipt,
            n.unit_nama,
            document_words.DOC_KINDS.get(n.kind, n.kind),
            n.event_date,
            _note_text(n.action, n.corrects, n.reason),
        ]
        for no, n in enumerate(data.notes, start=1)
    ]
    header = plain_header(document_words.DOC_NOTES_HEADERS)
    widths = [3.5, 13, 18, 11, 12, 50]
    return Grid(document_words.DOC_NOTES_TITLE, header, 1, rows, widths, empty=document_words.DOC_NOTES_EMPTY)


def _moved(table_rows: Sequence[B3Row], kind: str) -> int:
    return sum(r.figures[f"{kind}_{g}"] for r in table_rows for g in GROUPS)


def rollup_grid(data: RollupData) -> Grid:
    """Every pekon of the kecamatan in one table, with the kecamatan's total."""
    rows: list[list[Value]] = []
    counted: list[list[int]] = []
    for no, (p, table) in enumerate(zip(data.pekons, data.totals, strict=True), start=1):
        total = table.total
        status = (
            document_words.DOC_ROLLUP_CLOSED.format(revision=p.revision)
            if p.closed
            else document_words.DOC_ROLLUP_OPEN
        )
        counts = [p.units, p.submitted, p.nihil, p.missing, total.awal_jiwa]
        moves = [_moved(table.rows, k) for k in KINDS]
        numbers = [*counts, *moves, total.akhir_jiwa, total.figures["akhir_kk"]]
        counted.append(numbers)
        rows.append([no, p.pekon_nama, *numbers, status])
    sums: list[Value] = [None, document_words.DOC_TOTAL]
    sums += [sum(column) for column in zip(*counted, strict=True)] if counted else [0] * 11
    rows.append([*sums, ""])
    village = data.place.village_word.upper()
    headers = tuple(h.format(village_upper=village) for h in document_words.DOC_ROLLUP_HEADERS)
    widths = [3.5, 22, 9, 7, 7, 8, 10, 7, 7, 9, 7, 10, 9, 12]
    return Grid(document_words.DOC_ROLLUP_TITLE, plain_header(headers), 1, rows, widths, total_rows=1)


def generated_at(data: RecapData | RollupData) -> datetime:
    """The instant stamped into file metadata: the closing day, so a closed month's files never change."""
    return datetime(data.signed_on.year, data.signed_on.month, data.signed_on.day)
