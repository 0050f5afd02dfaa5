"""The whole-file list import as it was before the streaming one (models/beneficiary_stream.py): the
file read whole into rows (`read_list`), every row checked (`plan_list`), then `store_lists`. Kept
only as the baseline bench/reconcile.py and bench/import_memory.py measure the streaming import
against, and as the oracle tests/reconcile/test_import_stream.py and the reconcile tests seed with."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from models.beneficiary_file import XLSX_MAGIC, cell, header_at, header_columns
from models.beneficiary_import import RowChecker
from models.csvfile import CsvRow, ImportRejected, Problem, check, decode, read_csv
from models.region import Pekon


@dataclass(frozen=True)
class ListFile:
    """The rows of a list file with each recognised column's field, and the columns left out."""

    rows: list[CsvRow]
    columns: dict[str, str]  # field -> the file's column name
    ignored: list[str]


def _xlsx_table(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportRejected([Problem(None, "not_xlsx")]) from None
    sheet = book.worksheets[0]
    rows = [(n, [cell(v) for v in values]) for n, values in enumerate(sheet.iter_rows(values_only=True), 1)]
    book.close()
    return rows


def _csv_table(data: bytes) -> list[tuple[int, list[str]]]:
    text = decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    header = next(csv.reader([first], delimiter=";" if first.count(";") > first.count(",") else ","))
    rows = read_csv(data, (), tuple(h.strip().casefold() for h in header if h.strip()))
    names = [h.strip().casefold() for h in header]
    return [(1, header)] + [(r.line, [r.values.get(n, "") for n in names]) for r in rows]


def read_list(data: bytes, mapping: Mapping[str, str] | None = None) -> ListFile:
    """A CSV or XLSX list as rows keyed by field; refuses a file whose header lacks NIK or NAMA."""
    if not data.strip():
        raise ImportRejected([Problem(None, "empty_file")])
    mapping = mapping or {}
    table = _xlsx_table(data) if data.startswith(XLSX_MAGIC) else _csv_table(data)
    at = header_at(table, mapping)
    columns, index, ignored = header_columns(table[at], mapping)
    rows = [
        CsvRow(line, {index[i]: v for i, v in enumerate(values) if i in index})
        for line, values in table[at + 1 :]
        if any(v.strip() for v in values)
    ]
    if not rows:
        raise ImportRejected([Problem(None, "no_rows")])
    return ListFile(rows, columns, ignored)


async def plan_list(
    session: AsyncSession, file: ListFile, pekons: Sequence[Pekon], today: date
) -> dict[str, list[dict[str, object]]]:
    """Validate every row; the rows per pekon code. Raises ImportRejected naming rows and columns."""
    checker = await RowChecker.load(session, file.columns, pekons, today)
    planned, problems = checker.check(file.rows)
    check(problems)
    return planned
