"""Reading operator CSV files strictly: UTF-8, a header with the expected columns, numbered lines.

Problems carry a stable `code` and details; the CLI turns them into words. An import validates every
row first and raises ImportRejected with all problems found, so nothing is written from a bad file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_PROBLEMS = 50  # a file with thousands of bad rows needs the first few, not all

Progress = Callable[[int], None]  # called with the number of rows just written


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused; `line` is the file's line number (the header is line 1)."""

    line: int | None
    code: str
    detail: dict[str, str] = field(default_factory=dict)


class ImportRejected(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(", ".join(f"{p.line}:{p.code}" for p in problems[:5]))
        self.problems = list(problems)


@dataclass(frozen=True)
class CsvRow:
    """A data row with its line number and its values by (lower-case) column name."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The trimmed value of a column ("" when the column is absent)."""
        return self.values.get(column, "").strip()


def decode(data: bytes) -> str:
    """The file as text; refuses anything but UTF-8 (a BOM is fine), naming the first bad line."""
    if not data.strip():
        raise ImportRejected([Problem(None, "empty_file")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRejected([Problem(line, "not_utf8")]) from None


def _dialect(header_line: str) -> str:
    # Spreadsheets set to Indonesian save "CSV" with semicolons; accept both.
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_csv(data: bytes, required: Sequence[str], optional: Sequence[str] = ()) -> list[CsvRow]:
    """Parse a CSV file, checking its header; raises ImportRejected for a file that cannot be read."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text.split("\n", 1)[0]))
    header = [name.strip().casefold() for name in next(csv_records(reader), [])]
    problems = header_problems(header, required, optional)
    if problems:
        raise ImportRejected(problems)
    rows: list[CsvRow] = []
    for values in csv_records(reader):
        if not "".join(values).strip():
            continue  # blank lines are harmless
        if len(values) > len(header):
            problems.append(Problem(reader.line_num, "extra_values", {"expected": str(len(header))}))
            continue
        rows.append(CsvRow(reader.line_num, dict(zip(header, values, strict=False))))
    if problems:
        raise ImportRejected(problems[:MAX_PROBLEMS])
    if not rows:
        raise ImportRejected([Problem(None, "no_rows")])
    return rows


def csv_records(reader: Any) -> Iterator[list[str]]:
    """The reader's records; a line the csv module cannot read refuses the file, naming the line."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL byte, ...
            code = "field_too_long" if "field limit" in str(exc) else "unreadable_line"
            limit = f"{csv.field_size_limit():,}".replace(",", ".")
            raise ImportRejected([Problem(reader.line_num, code, {"limit": limit})]) from None
        yield values


def header_problems(header: list[str], required: Sequence[str], optional: Sequence[str]) -> list[Problem]:
    """A header's problems: required columns missing, unknown columns, a column named twice."""
    known = set(required) | set(optional)
    problems = [Problem(1, "missing_column", {"column": c}) for c in required if c not in header]
    problems += [Problem(1, "unknown_column", {"column": c}) for c in header if c and c not in known]
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(Problem(1, "duplicate_column", {"column": column}))
        seen.add(column)
    return problems


def require_values(row: CsvRow, columns: Sequence[str]) -> list[Problem]:
    """Problems for required columns that are empty in this row."""
    return [Problem(row.line, "missing_value", {"column": c}) for c in columns if not row.get(c)]


def check(problems: list[Problem]) -> None:
    """Raise ImportRejected when any problem was found."""
    if problems:
        raise ImportRejected(problems[:MAX_PROBLEMS])
