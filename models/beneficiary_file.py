"""Reading a beneficiary list file (CSV or XLSX) into rows of fields, recognising the headers these
lists use (NIK, NAMA, NO KK, TGL LAHIR, ...); anything else is named with `--map KOLOM=field`."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import load_workbook

from models.csvfile import (
    MAX_PROBLEMS,
    CsvRow,
    ImportRejected,
    Problem,
    csv_records,
    header_problems,
)

FIELDS = (
    "nik", "nama", "no_kk", "tanggal_lahir", "tempat_lahir", "jenis_kelamin", "alamat", "dusun",
    "no_peserta", "pekon",
)  # fmt: skip
HEADERS = {
    "nik": ("NIK", "NO NIK", "NOMOR NIK", "NIK PENERIMA", "NIK KPM", "NIK ART", "NIK PESERTA"),
    "nama": ("NAMA", "NAMA LENGKAP", "NAMA PENERIMA", "NAMA KPM", "NAMA ART", "NAMA PESERTA"),
    "no_kk": ("NO KK", "NOMOR KK", "NKK", "NO KARTU KELUARGA", "NOMOR KARTU KELUARGA"),
    "tanggal_lahir": ("TANGGAL LAHIR", "TGL LAHIR", "TGL LHR", "TANGGAL LHR"),
    "tempat_lahir": ("TEMPAT LAHIR", "TMPT LAHIR", "TEMPAT LHR"),
    "jenis_kelamin": ("JENIS KELAMIN", "JK", "L P", "KELAMIN"),
    "alamat": ("ALAMAT", "ALAMAT LENGKAP"),
    "dusun": ("DUSUN", "PEMANGKU", "NAMA DUSUN", "DUSUN PEMANGKU", "DUSUN/PEMANGKU"),
    "no_peserta": ("NO PESERTA", "NOMOR PESERTA", "NO KARTU", "NOMOR KARTU", "ID PESERTA"),
    "pekon": ("PEKON", "DESA", "KODE DESA", "KODE PEKON", "DESA KELURAHAN", "KELURAHAN", "KODE WILAYAH"),
}
XLSX_MAGIC = b"PK\x03\x04"
HEADER_SEARCH = 10  # a title or a blank line above the header is common in exported sheets


def header_key(text: str) -> str:
    """A header as compared: upper case, punctuation as spaces ("Tgl. Lahir" -> "TGL LAHIR")."""
    return " ".join(re.sub(r"[^0-9A-Za-z]+", " ", text).upper().split())


KNOWN = {header_key(h): field for field, names in HEADERS.items() for h in names}


def parse_map(items: list[str]) -> dict[str, str]:
    """`--map KOLOM=field` options as {header key: field}; ValueError names a bad one."""
    out: dict[str, str] = {}
    for item in items:
        column, _, field = item.partition("=")
        if not column.strip() or field.strip().lower() not in FIELDS:
            raise ValueError(item)
        out[header_key(column)] = field.strip().lower()
    return out


def cell(value: Any) -> str:
    """An XLSX cell as text: whole numbers without ".0" (a NIK stored as a number), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header_at(table: list[tuple[int, list[str]]], mapping: Mapping[str, str]) -> int:
    """The index of the header row: the first that names NIK and NAMA (by known names or --map)."""
    for index, (_, values) in enumerate(table[:HEADER_SEARCH]):
        fields = {mapping.get(header_key(v)) or KNOWN.get(header_key(v)) for v in values}
        if {"nik", "nama"} <= fields:
            return index
    found = {mapping.get(header_key(v)) or KNOWN.get(header_key(v)) for v in table[0][1]} if table else set()
    missing = [f for f in ("nik", "nama") if f not in found]
    raise ImportRejected([Problem(1, "missing_column", {"column": c.upper()}) for c in missing])


# --- streaming: the rows one at a time, never the whole file --------------------------------------

Source = bytes | Path
BLOCK = 1 << 16  # bytes read at a time to check the encoding


class _Later:
    """What a CSV's later lines showed: lines with too many values, and whether any data line came
    (`read_csv` raises both before the header is looked at, so they come first)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.records = -1  # the header line is no data line; stays -1 for an XLSX

    def raise_any(self) -> None:
        if self.problems:
            raise ImportRejected(self.problems[:MAX_PROBLEMS])
        if self.records == 0:
            raise ImportRejected([Problem(None, "no_rows")])


class ListStream:
    """A list file's columns, then its data rows one at a time (`rows`), as the whole-file reader
    (bench/whole_file.py's `read_list`) reads them. A problem it raises before any row is raised as
    soon as it is known, after the later lines' own (read to the end first); `finish`, once the rows
    are read, raises the later lines'."""

    def __init__(
        self, table: Iterator[tuple[int, list[str]]], later: _Later, mapping: Mapping[str, str]
    ) -> None:
        self._table, self._later, self.count = table, later, 0
        head = list(itertools.islice(table, HEADER_SEARCH))
        try:
            at = header_at(head, mapping)
            self.columns, self._index, self.ignored = header_columns(head[at], mapping)
        except ImportRejected:
            self._drain()
            raise
        self._head = head[at + 1 :]
        self.rows: Iterator[CsvRow] = self._rows()

    def _rows(self) -> Iterator[CsvRow]:
        for line, values in itertools.chain(self._head, self._table):
            if any(v.strip() for v in values):
                self.count += 1
                yield CsvRow(line, {self._index[i]: v for i, v in enumerate(values) if i in self._index})

    def _drain(self) -> None:
        for _ in self._table:
            pass
        self._later.raise_any()

    def finish(self) -> None:
        """Read what is left; the later lines' problems, or no data rows at all."""
        for _ in self.rows:
            pass
        self._later.raise_any()
        if not self.count:
            raise ImportRejected([Problem(None, "no_rows")])


def header_columns(
    header: tuple[int, list[str]], mapping: Mapping[str, str]
) -> tuple[dict[str, str], dict[int, str], list[str]]:
    """The recognised columns (field -> the file's name), their positions, the names left out."""
    header_line, names = header
    columns: dict[str, str] = {}
    index: dict[int, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for position, name in enumerate(names):
        field = mapping.get(header_key(name)) or KNOWN.get(header_key(name))
        if field is None:
            if name.strip():
                ignored.append(name.strip())
            continue
        if field in columns:
            problems.append(Problem(header_line, "duplicate_column", {"column": name.strip()}))
            continue
        columns[field], index[position] = name.strip(), field
    if problems:
        raise ImportRejected(problems[:MAX_PROBLEMS])
    return columns, index, ignored


def _check_utf8(binary: BinaryIO) -> None:
    """Refuse a file that is not UTF-8 before reading any row, naming the first bad line (as
    `decode` does), block by block."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    while block := binary.read(BLOCK):
        try:
            decoder.decode(block)
        except UnicodeDecodeError as exc:
            line = lines + bytes(exc.object[: exc.start]).count(b"\n")
            raise ImportRejected([Problem(line, "not_utf8")]) from None
        lines += block.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportRejected([Problem(lines, "not_utf8")]) from None
    binary.seek(0)


def _csv_rows(binary: BinaryIO, later: _Later) -> Iterator[tuple[int, list[str]]]:
    """A CSV as the whole-file reader (bench/whole_file.py) reads it: the header line, then each data
    line's values by the header's names (a line with more values than the header is kept in `later`,
    not yielded)."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    first = text.readline()
    while first and not first.strip():  # the delimiter is the first non-blank line's
        first = text.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    text.seek(0)
    dialect = text.readline()  # `read_csv` takes it from the file's first line
    text.seek(0)
    reader = csv.reader(text, delimiter=";" if dialect.count(";") > dialect.count(",") else ",")
    header_raw = next(csv.reader([first], delimiter=delimiter))
    header = [name.strip().casefold() for name in next(csv_records(reader), [])]
    optional = tuple(h.strip().casefold() for h in header_raw if h.strip())
    problems = header_problems(header, (), optional)
    if problems:
        raise ImportRejected(problems)
    names = [h.strip().casefold() for h in header_raw]
    yield 1, header_raw
    later.records = 0
    for values in csv_records(reader):
        if not "".join(values).strip():
            continue
        later.records += 1
        if len(values) > len(header):
            if len(later.problems) < MAX_PROBLEMS:  # the refusal names the first few only
                later.problems.append(
                    Problem(reader.line_num, "extra_values", {"expected": str(len(header))})
                )
            continue
        row = dict(zip(header, values, strict=False))
        yield reader.line_num, [row.get(n, "") for n in names]


def _xlsx_rows(binary: BinaryIO, stack: ExitStack) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as text, read in openpyxl's read-only mode (a row at a time)."""
    try:
        book = load_workbook(binary, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportRejected([Problem(None, "not_xlsx")]) from None
    stack.callback(book.close)
    sheet = book.worksheets[0]
    return ((n, [cell(v) for v in values]) for n, values in enumerate(sheet.iter_rows(values_only=True), 1))


@contextmanager
def open_list(source: Source, mapping: Mapping[str, str] | None = None) -> Iterator[ListStream]:
    """A CSV or XLSX list (its bytes, or its path) read as it goes; refuses at once a file that is
    empty, not UTF-8, or whose header lacks NIK or NAMA. Read `rows`, then call `finish`."""
    with ExitStack() as stack:
        binary: BinaryIO = (
            io.BytesIO(source) if isinstance(source, bytes) else stack.enter_context(source.open("rb"))
        )
        if _blank(binary):
            raise ImportRejected([Problem(None, "empty_file")])
        later = _Later()
        if binary.read(len(XLSX_MAGIC)) == XLSX_MAGIC:
            binary.seek(0)
            yield ListStream(_xlsx_rows(binary, stack), later, mapping or {})
            return
        _check_utf8(binary)
        yield ListStream(_csv_rows(binary, later), later, mapping or {})


def _blank(binary: BinaryIO) -> bool:
    """Whether the file holds nothing but white space (`bytes.strip`'s)."""
    while block := binary.read(BLOCK):
        if block.strip():
            binary.seek(0)
            return False
    return True
