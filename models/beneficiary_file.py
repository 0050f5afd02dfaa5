"""Reading a beneficiary list file (CSV or XLSX) into rows of fields, recognising the headers these
lists use (NIK, NAMA, NO KK, TGL LAHIR, ...); anything else is named with `--map KOLOM=field`."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from models.csvfile import MAX_PROBLEMS, CsvRow, ImportRejected, Problem, decode, read_csv

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


@dataclass(frozen=True)
class ListFile:
    """The rows of a list file with each recognised column's field, and the columns left out."""

    rows: list[CsvRow]
    columns: dict[str, str]  # field -> the file's column name
    ignored: list[str]


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


def _cell(value: Any) -> str:
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


def _xlsx_table(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportRejected([Problem(None, "not_xlsx")]) from None
    sheet = book.worksheets[0]
    rows = [(n, [_cell(v) for v in values]) for n, values in enumerate(sheet.iter_rows(values_only=True), 1)]
    book.close()
    return rows


def _csv_table(data: bytes) -> list[tuple[int, list[str]]]:
    text = decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    header = next(csv.reader([first], delimiter=";" if first.count(";") > first.count(",") else ","))
    rows = read_csv(data, (), tuple(h.strip().casefold() for h in header if h.strip()))
    names = [h.strip().casefold() for h in header]
    return [(1, header)] + [(r.line, [r.values.get(n, "") for n in names]) for r in rows]


def _header_at(table: list[tuple[int, list[str]]], mapping: Mapping[str, str]) -> int:
    """The index of the header row: the first that names NIK and NAMA (by known names or --map)."""
    for index, (_, values) in enumerate(table[:HEADER_SEARCH]):
        fields = {mapping.get(header_key(v)) or KNOWN.get(header_key(v)) for v in values}
        if {"nik", "nama"} <= fields:
            return index
    found = {mapping.get(header_key(v)) or KNOWN.get(header_key(v)) for v in table[0][1]} if table else set()
    missing = [f for f in ("nik", "nama") if f not in found]
    raise ImportRejected([Problem(1, "missing_column", {"column": c.upper()}) for c in missing])


def read_list(data: bytes, mapping: Mapping[str, str] | None = None) -> ListFile:
    """A CSV or XLSX list as rows keyed by field; refuses a file whose header lacks NIK or NAMA."""
    if not data.strip():
        raise ImportRejected([Problem(None, "empty_file")])
    mapping = mapping or {}
    table = _xlsx_table(data) if data.startswith(XLSX_MAGIC) else _csv_table(data)
    at = _header_at(table, mapping)
    header_line, header = table[at]
    columns: dict[str, str] = {}
    index: dict[int, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for position, name in enumerate(header):
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
    rows = [
        CsvRow(line, {index[i]: v for i, v in enumerate(values) if i in index})
        for line, values in table[at + 1 :]
        if any(v.strip() for v in values)
    ]
    if not rows:
        raise ImportRejected([Problem(None, "no_rows")])
    return ListFile(rows, columns, ignored)
