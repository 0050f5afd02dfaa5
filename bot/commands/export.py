"""`pemangku export --pekon KODE --out DIR`: every table of one pekon as CSV files (contains NIKs)."""

from __future__ import annotations

import csv
import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.support import fail, run
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


def write_dumps(dumps: list[TableDump], out: Path) -> list[Path]:
    """Write one CSV per table into `out` (created private: only the owner may read it)."""
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    paths = []
    for dump in dumps:
        path = out / f"{dump.name}.csv"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(dump.columns)
            writer.writerows([cell(v) for v in row] for row in dump.rows)
        paths.append(path)
    return paths


def register(app: typer.Typer) -> None:
    """Add the `export` command."""

    @app.command("export")
    def export(
        pekon: Annotated[str, typer.Option("--pekon", help="Kode pekon, mis. 18.04.15.2004")],
        out: Annotated[Path, typer.Option("--out", help="Folder tujuan (dibuat bila belum ada)")],
    ) -> None:
        """Export all data of a pekon as CSV files; the export is recorded in the audit trail."""

        async def work(session: AsyncSession) -> list[TableDump] | None:
            return await export_pekon(session, pekon.strip(), target=str(out.resolve()))

        dumps = run(work)
        if dumps is None:
            fail(f"pekon {pekon} belum terdaftar")
        for path, dump in zip(write_dumps(dumps, out), dumps, strict=True):
            typer.echo(f"{path}\t{len(dump.rows)} baris")
        typer.echo("Berkas ini memuat data pribadi (NIK); simpan dan kirim dengan aman.", err=True)
