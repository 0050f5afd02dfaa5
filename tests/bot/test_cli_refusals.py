"""Every operator command refuses bad input the same way: one line, exit code 2, nothing written.

Each case runs a real `pemangku ...` command line (through bot.cli's error boundary) against a set-up
pekon, on SQLite and PostgreSQL, and compares every row of every table before and after.
"""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import make_engine, make_sessionmaker
from models.base import Base
from tests.bot.cli_support import BASELINE, REGIONS, UNITS, Invoke, write
from tests.factories import TRIMULYO

LONG = "n" * 300


async def _everything(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            dump = {}
            for table in Base.metadata.sorted_tables:
                rows = await session.execute(select(table).order_by(*table.primary_key.columns))
                dump[table.name] = [tuple(row) for row in rows]
            return dump
    finally:
        await engine.dispose()


def _set_up(cli: Invoke, tmp_path: Path) -> None:
    for args in (
        ("regions", "import", write(tmp_path, "r.csv", REGIONS)),
        ("units", "import", write(tmp_path, "u.csv", UNITS)),
        ("baseline", "import", write(tmp_path, "b.csv", BASELINE)),
    ):
        assert cli(*args).exit_code == 0


def _files(tmp_path: Path) -> dict[str, str | bytes]:
    """Bad files, by name."""
    head = "unit,bulan,wna_l,wna_p,wni_l,wni_p,kk,anggota\n"
    return {
        "huge.csv": f"pekon,nama\n{TRIMULYO}," + "x" * 131_073 + "\n",
        "count.csv": f"{head}{TRIMULYO}-01,2026-10,0,0,99999999999,0,1,0\n",
        "year1.csv": f"{head}{TRIMULYO}-01,0001-01,0,0,1,0,1,0\n",
        "latin1.csv": b"kode,nama\n18.04.15.2005,Mekarj\xe4ya\n",
        "units_long.csv": f"pekon,nama\n{TRIMULYO},{LONG}\n",
        # read 5,000 rows a batch: the bad row comes after two batches were stored, then rolled back
        "list_bad_late.csv": "NIK;NAMA;TGL LAHIR\n"
        + "".join(f"18041512128{n:05d};Warga {n};12-12-1980\n" for n in range(12_000))
        + "1;Siti;31-02-1980\n",
        "list_latin1_late.csv": b"NIK;NAMA\n" + b"1;Warga\n" * 9_000 + b"2;Mekarj\xe4ya\n",
    }


# (command line, words the one line must hold); {tmp} is the test's scratch folder
CASES: list[tuple[list[str], str]] = [
    (["units", "import", "{tmp}/huge.csv"], "baris 2: ada isian lebih dari 131.072 huruf"),
    (["units", "import", "{tmp}/units_long.csv"], "nama lebih dari 120 huruf"),
    (["units", "add", "--pekon", TRIMULYO, "--name", LONG], "--name: paling panjang 120 huruf"),
    (["baseline", "import", "{tmp}/count.csv"], "harus bilangan bulat 0 sampai 1.000.000"),
    (["baseline", "import", "{tmp}/year1.csv"], "bulan '0001-01' bukan bulan YYYY-MM"),
    (["baseline", "import", "{tmp}/missing.csv"], "tidak bisa dibaca"),
    (["daftar", "import", "{tmp}/missing.csv", "--program", "PKH", "--pekon", TRIMULYO], "tidak bisa dibaca"),
    (["daftar", "import", "{tmp}/list_bad_late.csv", "--program", "PKH", "--pekon", TRIMULYO], "baris 12002"),
    (
        ["daftar", "import", "{tmp}/list_latin1_late.csv", "--program", "PKH", "--pekon", TRIMULYO],
        "baris 9002",
    ),
    (["regions", "import", "{tmp}/latin1.csv"], "bukan UTF-8"),
    (
        ["recap", "--pekon", TRIMULYO, "--month", "2026-10", "--format", "xlsx", "--out", "{tmp}/no/x.xlsx"],
        "tidak ada",
    ),
    (["recap", "--pekon", TRIMULYO, "--month", "2026-10", "--out", "{tmp}"], "adalah folder"),
    (["recap", "--pekon", TRIMULYO, "--month", "0001-01"], "--month: '0001-01' bukan bulan"),
    (["recap", "--pekon", TRIMULYO, "--month", "2026-13"], "--month"),
    (["recap", "--pekon", TRIMULYO, "--month", "2026-10", "--format", "docx"], "--format: 'docx'"),
    (["recap", "--pekon", "18.04.15.2005", "--month", "2026-10"], "belum terdaftar"),
    (["recap", "--pekon", LONG, "--month", "2026-10"], "belum terdaftar"),
    (["recap", "--pekon", TRIMULYO], "--month wajib diisi"),
    (["recap", "--pekon", TRIMULYO, "--month", "2026-10", "--bogus"], "pilihan --bogus tidak dikenal"),
    (["export", "--pekon", TRIMULYO, "--out", "/etc/passwd"], "sudah ada dan bukan folder"),
    (["export", "--pekon", TRIMULYO, "--out", "{tmp}/no/export"], "tidak ada"),
    (["export", "--pekon", "18.04.15.2005", "--out", "{tmp}/export"], "belum terdaftar"),
    (["jobs", "run", "reminders", "--at", "notadate"], "--at: 'notadate' bukan waktu"),
    (["jobs", "run", "close", "--at", "2026-02-30T08:00"], "--at: '2026-02-30T08:00' bukan waktu"),
    (["jobs", "run", "close", "--at", "0001-01-01T00:00"], "--at"),
    (["jobs", "run", "tidur"], "'tidur' bukan salah satu dari close"),
    (["outbox", "--limit", "-5"], "--limit: harus bilangan bulat 1 sampai"),
    (["outbox", "--limit", "lima"], "--limit"),
    (["outbox", "--retry", "99999999999"], "--retry"),
    (["outbox", "--retry", "5"], "Pesan 5 tidak ada"),
    (["inbound", "--limit", "0"], "--limit: harus bilangan bulat 1 sampai"),
    (["inbound", "--retry", "99999999999"], "--retry"),
    (["inbound", "--retry", "5"], "Pesan masuk 5 tidak ada"),
    (["invite", "--role", "pemangku", "--unit", f"{TRIMULYO}-01", "--name", LONG], "paling panjang 120"),
    (["invite", "--role", "pemangku", "--unit", LONG], "belum terdaftar"),
    (["invite", "--role", "staff", "--pekon", LONG], "belum terdaftar"),
    (["invite", "--role", "camat", "--kecamatan", LONG], "belum terdaftar"),
    (["invites", "--pekon", LONG], "belum terdaftar"),
    (["invites", "--code", LONG], "--code: paling panjang 20"),
    (["export", "--pekon", LONG, "--out", "{tmp}/export"], "belum terdaftar"),
    (["units", "add", "--pekon", LONG, "--name", "Pemangku Baru"], "belum terdaftar"),
    (["invite", "--role", "boss", "--unit", f"{TRIMULYO}-01"], "--role: 'boss'"),
    (["invite", "--role", "staff", "--kecamatan", "18.04.15"], "tepat satu pilihan --pekon"),
    (["chat", "--as", "x" * 65], "--as: paling panjang 64"),
    (["db", "upgrade", "--force"], "pilihan --force tidak dikenal"),
    (["nosuch"], "perintah tidak tepat"),
]


@pytest.mark.parametrize(("line", "words"), CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    cli: Invoke, db_url: str, tmp_path: Path, line: list[str], words: str
) -> None:
    _set_up(cli, tmp_path)
    for name, content in _files(tmp_path).items():
        write(tmp_path, name, content)
    before = asyncio.run(_everything(db_url))
    files_before = sorted(tmp_path.rglob("*"))

    result = cli(*[arg.format(tmp=tmp_path) for arg in line])

    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback, no exception of ours
    [message] = result.stderr.strip().splitlines()
    assert message.startswith("Ditolak: ") and words in message
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert asyncio.run(_everything(db_url)) == before  # no audit row either
    assert sorted(tmp_path.rglob("*")) == files_before


def test_a_failed_export_write_leaves_no_file_and_no_audit_entry(
    cli: Invoke, db_url: str, tmp_path: Path
) -> None:
    _set_up(cli, tmp_path)
    out = tmp_path / "export"
    (out / "units.csv").mkdir(parents=True)  # a folder where a file must go: the write fails midway
    before = asyncio.run(_everything(db_url))
    result = cli("export", "--pekon", TRIMULYO, "--out", out)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "units.csv tidak bisa ditulis" in result.stderr.strip()
    assert asyncio.run(_everything(db_url)) == before  # the export's audit entry was rolled back
    assert [p.name for p in out.iterdir()] == ["units.csv"]  # nothing else written, no temporary left


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_with_personal_data_are_0600_whatever_was_there_before(cli: Invoke, tmp_path: Path) -> None:
    _set_up(cli, tmp_path)
    out = tmp_path / "export"
    assert cli("export", "--pekon", TRIMULYO, "--out", out).exit_code == 0
    assert _mode(out) == 0o700
    names = sorted(p.name for p in out.iterdir())
    for path in out.iterdir():  # an operator (or a copy tool) widened them
        path.chmod(0o644)
    out.chmod(0o755)
    book = tmp_path / "b3.xlsx"
    book.write_bytes(b"old")
    book.chmod(0o666)

    assert cli("export", "--pekon", TRIMULYO, "--out", out).exit_code == 0
    assert (
        cli("recap", "--pekon", TRIMULYO, "--month", "2026-10", "--format", "xlsx", "--out", book).exit_code
        == 0
    )

    assert sorted(p.name for p in out.iterdir()) == names  # replaced, no temporary left behind
    assert {p.name: _mode(p) for p in out.iterdir()} == dict.fromkeys(names, 0o600)
    assert _mode(book) == 0o600 and book.read_bytes().startswith(b"PK")
    assert os.stat(out).st_mode & 0o777 == 0o755  # the folder is the operator's
