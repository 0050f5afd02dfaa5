"""The streamed list import (`models/beneficiary_stream.py`: read, checked and stored 5,000 rows at a
time) against the whole-file path it replaced (`read_list` + `plan_list` + `store_lists`): the same
tables on the same imports, in one batch and in many; the same refusal, word for word, for every bad
file (later lines' problems first, a bad row in the last batch, more than 50 problems); and memory
that does not grow with the file."""

from __future__ import annotations

import functools
import io
import random
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.whole_file import plan_list, read_list
from models import beneficiary_stream
from models.audit import AuditEntry
from models.beneficiary import Beneficiary, BeneficiaryList
from models.beneficiary_import import ImportResult, ListMeta, store_lists
from models.beneficiary_stream import count_list, import_list
from models.csvfile import ImportRejected
from models.region import Pekon
from tests.factories import TRIMULYO
from tests.reconcile.test_import_sets import KECAMATAN, TODAY, _erase, _file, _pekons, _tables, _world

Importer = Callable[[AsyncSession, bytes, list[Pekon], ListMeta, str], Awaitable[ImportResult]]
META = ListMeta("PKH", "dinsos.csv", date(2026, 9, 1), "Ratna")


async def whole(
    session: AsyncSession, data: bytes, pekons: list[Pekon], meta: ListMeta, ch: str
) -> ImportResult:
    """The whole-file path: every row in memory, then stored."""
    return await store_lists(session, await plan_list(session, read_list(data), pekons, TODAY), meta, ch)


async def streamed(
    session: AsyncSession, data: bytes, pekons: list[Pekon], meta: ListMeta, ch: str
) -> ImportResult:
    return await import_list(session, data, pekons, meta, TODAY, channel=ch)


async def _steps(session: AsyncSession, run: Importer, member_id: int) -> list[object]:
    """tests/reconcile/test_import_sets.py's imports, each committed or refused."""
    rng = random.Random(41)
    newer = ListMeta("PKH", "dinsos-11.csv", date(2026, 11, 1), "Ratna", member_id)
    steps = [
        (KECAMATAN, 40, False, META),
        (KECAMATAN[:2], 20, False, ListMeta("PBI-JK", "b.xlsx", META.as_of, "A")),
        (KECAMATAN[1:3], 35, False, newer),
        (KECAMATAN, 10, False, ListMeta("PKH", "lama.csv", date(2026, 10, 1), "R")),
        (KECAMATAN, 10, True, newer), (KECAMATAN[2:], 25, False, newer),
    ]  # fmt: skip
    outcomes: list[object] = []
    for kodes, rows, bad, meta in steps:
        pekons = await _pekons(session, kodes)
        try:
            result = await run(
                session, _shuffled(rng, _file(rng, pekons, rows, bad)), pekons, meta, "whatsapp"
            )
        except ImportRejected as refused:
            await session.rollback()
            outcomes.append([(p.line, p.code, p.detail) for p in refused.problems])
            continue
        await session.commit()
        outcomes.append((result.rows, list(result.list_ids), result.replaced))
    return outcomes


def _shuffled(rng: random.Random, data: bytes) -> bytes:
    """The file's rows in random order, so a batch holds rows of every pekon."""
    header, *rows = data.split(b"\n")
    rng.shuffle(rows)
    return b"\n".join([header, *rows])


def _by_content(tables: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """The tables with every id replaced by what it names: a list by (pekon, program, date), a row
    by its list and line (batches interleave pekon, so ids differ; nothing else may)."""
    lists = {b[0]: b[1:4] + b[4:5] for b in tables["lists"]}
    return {
        "lists": sorted([(*lists[b[0]], *b[4:8], lists.get(b[8])) for b in tables["lists"]], key=repr),
        "rows": sorted([(lists[r[1]], *r[2:]) for r in tables["rows"]], key=repr),
        "audit": sorted(
            [
                (*a[:3], lists[a[3]], a[4] and {**a[4], "list": lists[a[4]["list"]]}, a[5])
                for a in tables["audit"]
            ],
            key=repr,
        ),
    }


@pytest.mark.parametrize("batch", [5000, 7])
async def test_the_streamed_import_stores_what_the_whole_file_import_stored(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """In one batch the very same tables, ids included; in batches of 7 rows the same content."""
    monkeypatch.setattr(beneficiary_stream, "BATCH", batch)
    member_id = await _world(session)
    before = await _steps(session, whole, member_id)
    old = await _tables(session)
    await _erase(session)
    after = await _steps(session, streamed, member_id)
    new = await _tables(session)
    assert after == before
    assert [o[0][1] for o in after if isinstance(o, list)] == ["list_older", "bad_date"]
    assert len(new["rows"]) == len(old["rows"]) > 200
    if batch == 5000:
        assert new == old
    else:
        assert new != old  # the batches interleave the pekon's ids ...
        assert _by_content(new) == _by_content(old)  # ... and nothing else differs


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [f"180415121280{n:04d};Warga {n};12-12-1980;P;Pemangku 1" for n in range(1, 20)]
HEAD = "NIK;NAMA;TGL LAHIR;JK;DUSUN"
BAD_FILES = {
    "a bad row in the last batch": [HEAD, *GOOD, "1;Siti;31-02-1980;P;"],
    "a later line's extra values before an early bad row": [HEAD, "1;;;X;", *GOOD, "1;a;;;;;;"],
    "more than 50 bad rows": [HEAD, *GOOD, *(f"{n};;;;" for n in range(80))],
    "a header without NAMA and a later line with extra values": ["NIK;NAME", "1;a", "1;a;b;c"],
    "a header without NIK": ["NO,NAMA", "1,Siti"],
    "only blank rows under the header": [HEAD, ";;;;", "", ";;;;"],
    "only the header": [HEAD],
    "a title line, then the header": ["DAFTAR PKH", HEAD, *GOOD],
    "two NAMA columns": ["NIK;NAMA;NAMA LENGKAP", "1;a;b"],
    "a blank first line": ["", HEAD, *GOOD],
    "good rows only": [HEAD, "", *GOOD, ";;;;", *GOOD],
}


def _bad_bytes() -> dict[str, bytes]:
    files = {name: "\n".join(lines).encode() for name, lines in BAD_FILES.items()}
    files["not UTF-8 on a late line"] = "\n".join([HEAD, "1;a;;;;;;", *GOOD, "1;Sit\xed"]).encode("latin-1")
    files["empty"] = b" \n "
    files["an XLSX with a title row and a bad row"] = _xlsx(
        [["DAFTAR"], ["NIK", "NAMA", "JK"], *([n, f"W {n}", "L"] for n in range(1, 30)), [1, "X", "Q"]]
    )
    files["an XLSX without NIK"] = _xlsx([["NAMA"], ["Siti"]])
    files["not an XLSX"] = b"PK\x03\x04 rubbish"
    files["a kecamatan file without DESA"] = b"NIK;NAMA\n1;Siti\n"
    return files


async def _outcome(run: Callable[[], Awaitable[object]]) -> object:
    try:
        return await run()
    except ImportRejected as refused:
        return [(p.line, p.code, p.detail) for p in refused.problems]


@pytest.mark.parametrize("name", sorted(_bad_bytes()))
async def test_every_file_gets_the_same_answer_as_when_read_whole(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The preview's figures (columns, rows per pekon) or the refusal, read in batches of 3 rows."""
    monkeypatch.setattr(beneficiary_stream, "BATCH", 3)
    await _world(session)
    kodes = KECAMATAN[:2] if "kecamatan" in name else [TRIMULYO]
    pekons = await _pekons(session, kodes)
    data = _bad_bytes()[name]

    async def old() -> object:
        listed = read_list(data)
        planned = await plan_list(session, listed, pekons, TODAY)
        return listed.columns, listed.ignored, {k: len(rows) for k, rows in planned.items()}

    async def new() -> object:
        counted = await count_list(session, data, pekons, TODAY)
        return counted.columns, counted.ignored, counted.rows

    async def stored() -> object:
        return (await import_list(session, data, pekons, META, TODAY)).rows

    expected = await _outcome(old)
    assert await _outcome(new) == expected
    before = await _counts(session)
    if isinstance(expected, list):  # refused: the same words, and nothing written
        assert await _outcome(stored) == expected
        await session.rollback()
        assert await _counts(session) == before
    else:
        assert isinstance(expected, tuple) and await stored() == expected[2]


async def _counts(session: AsyncSession) -> list[int]:
    return [
        int(await session.scalar(select(func.count()).select_from(t)) or 0)
        for t in (BeneficiaryList, Beneficiary, AuditEntry)
    ]


def _big(path: Path, rows: int) -> tuple[Path, bytes]:
    lines = [HEAD, *(f"18041512128{n:05d};Warga Nomor {n};12-12-1980;P;Pemangku 1" for n in range(rows))]
    path.write_text("\n".join(lines))
    return path, path.read_bytes()


async def _peak(run: Callable[[], Awaitable[object]]) -> int:
    """The most memory Python held at once while `run` ran, above what it held before."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        await run()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


async def test_memory_does_not_grow_with_the_file(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Four times the rows: the whole-file path's peak more than doubles (the control that the
    measure sees growth); the streamed peak grows by less than a quarter of what the whole file's did
    (a ratio in one run: an absolute bound would be noise on a shared machine)."""
    monkeypatch.setattr(beneficiary_stream, "BATCH", 500)
    await _world(session)
    small, large = _big(tmp_path / "s.csv", 2000), _big(tmp_path / "l.csv", 8000)
    peaks: dict[str, list[int]] = {"streamed": [], "whole": []}

    async def streamed_from(file: tuple[Path, bytes]) -> object:
        return await import_list(session, file[0], await _pekons(session, [TRIMULYO]), META, TODAY)

    async def whole_from(file: tuple[Path, bytes]) -> object:  # read whole, as the CLI did
        return await whole(session, file[1], await _pekons(session, [TRIMULYO]), META, "cli")

    for file in (small, small, large):  # the first run warms SQLAlchemy's caches
        for name, run in (("streamed", streamed_from), ("whole", whole_from)):
            peaks[name].append(await _peak(functools.partial(run, file)))
            await session.rollback()
    streamed, whole_file = peaks["streamed"][1:], peaks["whole"][1:]
    assert whole_file[1] > 2 * whole_file[0], peaks
    assert streamed[1] - streamed[0] < (whole_file[1] - whole_file[0]) / 4, peaks
