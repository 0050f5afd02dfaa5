"""`pemangku export --pekon KODE --out DIR`: every table of one pekon as CSV files (contains NIKs)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import params
from bot.commands.bahasa import Command
from bot.commands.support import fail, run, write_private
from models.export import TableDump, export_pekon


def cell(value: Any) -> str:
    """A database value as CSV text: ISO dates, JSON for structured values, empty for NULL."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_bytes(dump: TableDump) -> bytes:
    """One table as UTF-8 CSV with its header row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(dump.columns)
    writer.writerows([cell(v) for v in row] for row in dump.rows)
    return buffer.getvalue().encode("utf-8")


def write_dumps(dumps: list[TableDump], out: Path) -> list[Path]:
    """Write one CSV per table into `out`, each 0600 whatever was there before, all or none.

    A new folder is created 0700; an existing one is kept as it is (it is the operator's).
    """
    try:
        out.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        fail(f"folder {out} tidak bisa dibuat ({exc.strerror})")
    files = {out / f"{dump.name}.csv": csv_bytes(dump) for dump in dumps}
    write_private(files)
    return list(files)


def register(app: typer.Typer) -> None:
    """Add the `export` command."""

    @app.command("export", cls=Command)
    def export(
        pekon: Annotated[str, typer.Option("--pekon", help="Kode pekon, mis. 18.04.15.2004", metavar="KODE")],
        out: Annotated[
            Path,
            typer.Option(
                "--out",
                parser=params.output_dir,
                metavar="FOLDER",
                help="Folder tujuan (dibuat bila belum ada)",
            ),
        ],
    ) -> None:
        """Ekspor semua data satu pekon sebagai berkas CSV (berisi NIK; berkas 0600; tercatat di audit)."""

        async def work(session: AsyncSession) -> list[tuple[Path, int]] | None:
            dumps = await export_pekon(session, pekon.strip(), target=str(out.resolve()))
            if dumps is None:
                return None
            # written inside the transaction: a failed write rolls back the export's audit entry
            paths = write_dumps(dumps, out)
            return [(path, len(dump.rows)) for path, dump in zip(paths, dumps, strict=True)]

        written = run(work)
        if written is None:
            fail(f"pekon {pekon} belum terdaftar")
        for path, rows in written:
            typer.echo(f"{path}\t{rows} baris")
        typer.echo("Berkas ini memuat data pribadi (NIK); simpan dan kirim dengan aman.", err=True)
