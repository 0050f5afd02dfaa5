"""A beneficiary list imported as it is read: BATCH rows at a time are read, checked and (when no row
so far was bad) stored set-based, so memory does not grow with the file (a national PKH extract has
millions of rows). All of it runs in the caller's one transaction: a bad row anywhere still refuses
the whole file, naming its line, and the caller's rollback leaves nothing written."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.beneficiary_file import ListStream, Source, open_list
from models.beneficiary_import import ImportResult, ListMeta, ListWriter, RowChecker
from models.csvfile import MAX_PROBLEMS, ImportRejected, Problem, check
from models.region import Pekon

BATCH = 5000  # rows read and checked at a time


@dataclass(frozen=True)
class ListCount:
    """What a list holds, without storing it: its columns, those left out, its rows per pekon."""

    columns: dict[str, str]
    ignored: list[str]
    rows: dict[str, int]


async def _walk(
    session: AsyncSession, stream: ListStream, pekons: Sequence[Pekon], today: date, writer: ListWriter | None
) -> dict[str, int]:
    """Check every row a batch at a time, handing good batches to the writer until a row is bad;
    the rows per pekon, or ImportRejected with what the whole-file path (bench/whole_file.py)
    would have raised."""
    try:
        checker = await RowChecker.load(session, stream.columns, pekons, today)
    except ImportRejected:
        stream.finish()  # a later line's own problem comes first, as when the file was read whole
        raise
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    while batch := list(itertools.islice(stream.rows, BATCH)):
        if len(problems) >= MAX_PROBLEMS:
            continue  # the refusal names the first few only; the rest is read for the file's own problems
        planned, found = checker.check(batch)
        problems += found
        for kode, rows in planned.items():
            counts[kode] = counts.get(kode, 0) + len(rows)
        if writer is not None and not problems:
            await writer.add(planned)
    stream.finish()
    check(problems)
    return {p.kode: counts[p.kode] for p in pekons if p.kode in counts}


async def import_list(
    session: AsyncSession,
    source: Source,
    pekons: Sequence[Pekon],
    meta: ListMeta,
    today: date,
    *,
    mapping: Mapping[str, str] | None = None,
    channel: str = "cli",
) -> ImportResult:
    """Read, check and store a list file (its bytes or its path); raises ImportRejected naming rows
    and columns, after which the caller rolls back what was written."""
    with open_list(source, mapping) as stream:
        writer = ListWriter(session, meta, channel, [p.kode for p in pekons])
        await _walk(session, stream, pekons, today, writer)
        result = await writer.finish()
        result.ignored = stream.ignored
        return result


async def count_list(
    session: AsyncSession,
    source: Source,
    pekons: Sequence[Pekon],
    today: date,
    mapping: Mapping[str, str] | None = None,
) -> ListCount:
    """Read and check a list file without storing it (the preview before an import)."""
    with open_list(source, mapping) as stream:
        rows = await _walk(session, stream, pekons, today, None)
        return ListCount(stream.columns, stream.ignored, rows)
