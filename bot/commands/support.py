"""What the operator commands share: running database work, progress bars, and import errors in words.

Operator messages of the CLI are in Bahasa Indonesia, like the rest of the command line.
"""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import get_settings
from bot.db import make_engine, make_sessionmaker
from models.baseline_import import COUNT_MAX, FIRST_YEAR, LAST_YEAR
from models.csvfile import ImportRejected, Problem

T = TypeVar("T")
err = Console(stderr=True, soft_wrap=True)

COUNT_WORDS = f"{COUNT_MAX:,}".replace(",", ".")  # Indonesian thousands separator

PROBLEM_WORDS = {
    "empty_file": "berkas kosong",
    "no_rows": "berkas hanya berisi judul kolom, tidak ada data",
    "not_utf8": "berkas bukan UTF-8 (simpan ulang sebagai 'CSV UTF-8')",
    "missing_column": "kolom '{column}' tidak ada di baris judul",
    "unknown_column": "kolom '{column}' tidak dikenal",
    "duplicate_column": "kolom '{column}' muncul dua kali",
    "extra_values": "isian lebih banyak dari {expected} kolom (ada koma di dalam nama? beri tanda kutip)",
    "missing_value": "kolom '{column}' kosong",
    "bad_pattern": "kode '{kode}' tidak berpola PP.KK.CC atau PP.KK.CC.DDDD",
    "unknown_code": "kode '{kode}' tidak ada di tabel resmi Kemendagri",
    "name_mismatch": "nama '{given}' tidak cocok dengan nama resmi '{official}' untuk {kode}",
    "tingkat_mismatch": "tingkat '{given}' salah untuk {kode}; resminya '{official}'",
    "duplicate": "kode {kode} sudah ada di baris {first}",
    "kecamatan_missing": "kecamatan {kecamatan} dari {kode} tidak ada di berkas maupun di basis data",
    "unknown_pekon": "pekon {kode} belum terdaftar (jalankan dulu 'pemangku regions import')",
    "name_too_long": "nama lebih dari {max} huruf",
    "unit_exists": "pemangku '{nama}' sudah ada di pekon ini ({kode})",
    "duplicate_unit": "pemangku '{nama}' sudah ada di baris {first}",
    "unknown_unit": "unit pemangku '{kode}' tidak dikenal",
    "bad_month": f"bulan '{{value}}' bukan bulan YYYY-MM antara {FIRST_YEAR}-01 dan {LAST_YEAR}-12",
    "month_ahead": "bulan {value} terlalu jauh ke depan; paling lambat bulan depan ({latest})",
    "not_a_count": f"kolom '{{column}}' harus bilangan bulat 0 sampai {COUNT_WORDS}, bukan '{{value}}'",
    "field_too_long": "ada isian lebih dari {limit} huruf",
    "unreadable_line": "baris ini tidak terbaca sebagai CSV (ada karakter NUL atau tanda kutip rusak?)",
    "totals_disagree": "jumlah WNA+WNI ({persons}) tidak sama dengan KK+anggota ({households})",
    "members_without_head": "ada anggota keluarga tetapi jumlah KK 0",
    "head_sex_partial": "isi kk_l dan kk_p berdua, atau kosongkan keduanya",
    "head_sex_disagree": "kk_l + kk_p ({heads}) tidak sama dengan kk ({kk})",
    "baseline_in_use": "unit {kode} sudah punya peristiwa atau bulan tertutup; angka awal tak bisa diganti",
    "month_closed": "bulan untuk {kode} sudah ditutup sampai {bulan}; pilih bulan sesudahnya",
}


def describe(problem: Problem) -> str:
    """One problem as an operator-readable line, naming the file line."""
    words = PROBLEM_WORDS.get(problem.code, problem.code).format(**problem.detail)
    return f"baris {problem.line}: {words}" if problem.line else words


class OperatorError(typer.BadParameter):
    """The operator's argument or file cannot be used; nothing was written.

    bot/cli.py prints `message` as one line (and `details`, one per line, when there are several)
    and exits with code 2.
    """

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details = list(details)


def refuse(what: str, rejected: ImportRejected) -> NoReturn:
    """Refuse a file (or a command's input) with its problems; nothing was written."""
    lines = [describe(p) for p in rejected.problems]
    head = f"{what}, basis data tidak berubah"
    if len(lines) == 1:
        raise OperatorError(f"{head}: {lines[0]}")
    raise OperatorError(f"{head}: {len(lines)} masalah", lines)


def fail(message: str) -> NoReturn:
    """Refuse the command with a one-line reason."""
    raise OperatorError(message)


OS_REASONS = {
    errno.ENOENT: "tidak ada",
    errno.EACCES: "tidak ada izin",
    errno.EPERM: "tidak ada izin",
    errno.EISDIR: "itu sebuah folder",
    errno.ENOTDIR: "bagian jalurnya bukan folder",
    errno.ENOSPC: "disk penuh",
    errno.EROFS: "disk hanya-baca",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Indonesian."""
    return OS_REASONS.get(exc.errno or 0, f"galat sistem {exc.errno}")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a refusal when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"berkas {path} tidak bisa dibaca ({os_reason(exc)})")


def readable(path: Path) -> None:
    """Refuse, as `read_bytes` does, a file that cannot be opened for reading (it is read later, as
    it goes)."""
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        fail(f"berkas {path} tidak bisa dibaca ({os_reason(exc)})")


def write_private(files: Mapping[Path, bytes]) -> None:
    """Write files readable by their owner only (0600), replacing what was there, all or none.

    Each file is written under a temporary name created 0600 and then renamed over the old one, so
    an old file's wider permissions never survive and a failure leaves no new file behind.
    """
    for path in files:
        if path.is_dir():  # checked first: renaming over a folder would fail after other files moved
            fail(f"{path} tidak bisa ditulis (itu sebuah folder)")
    temporaries = {path: path.with_name(f".{path.name}.{os.getpid()}.tmp") for path in files}
    path = next(iter(files))
    try:
        for path, data in files.items():
            fd = os.open(temporaries[path], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(fd, "wb") as handle:
                os.fchmod(fd, 0o600)  # whatever the umask
                handle.write(data)
        for path, temporary in temporaries.items():
            os.replace(temporary, path)
    except OSError as exc:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        fail(f"{path} tidak bisa ditulis ({os_reason(exc)})")


async def in_transaction(work: Callable[[AsyncSession], Awaitable[T]], url: str | None = None) -> T:
    """Run work in one transaction on the configured database; committed only if it succeeds."""
    engine = make_engine(url or get_settings().database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def run(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """in_transaction from synchronous command code."""
    return asyncio.run(in_transaction(work))


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields the function that advances it."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
