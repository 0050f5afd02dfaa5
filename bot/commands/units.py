"""`pemangku units add|import`: pemangku units with stable local codes `<pekon>-NN`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.support import progress_bar, read_bytes, refuse, run
from models.csvfile import ImportRejected, read_csv
from models.imports import UNIT_COLUMNS, UnitEntry, create_units, unit_entries


def _create(what: str, entries: list[UnitEntry]) -> list[tuple[str, str]]:
    """Create the units in one transaction; returns (code, name) pairs, or exits with the problems."""
    try:
        with progress_bar("Membuat unit pemangku", len(entries)) as advance:

            async def work(session: AsyncSession) -> list[tuple[str, str]]:
                units = await create_units(session, entries, progress=advance)
                return [(u.kode, u.nama) for u in units]

            return run(work)
    except ImportRejected as rejected:
        refuse(what, rejected)


def register(app: typer.Typer) -> None:
    """Add the `units` group."""
    units = typer.Typer(help="Unit pemangku (dusun) di bawah pekon.", no_args_is_help=True)

    @units.command("add")
    def units_add(
        pekon: Annotated[str, typer.Option("--pekon", help="Kode pekon, mis. 18.04.15.2004")],
        name: Annotated[str, typer.Option("--name", help="Nama pemangku, mis. 'Pemangku Sidodadi'")],
    ) -> None:
        """Add one unit and print its code."""
        (kode, nama), *_ = _create("unit tidak dibuat", [UnitEntry(None, pekon.strip(), name)])
        typer.echo(f"{kode}\t{nama}")

    @units.command("import")
    def units_import(file: Annotated[Path, typer.Argument(help="CSV dengan kolom pekon,nama")]) -> None:
        """Import units; a duplicate or unknown pekon refuses the whole file."""
        try:
            entries = unit_entries(read_csv(read_bytes(file), UNIT_COLUMNS))
        except ImportRejected as rejected:
            refuse(f"{file} tidak diimpor", rejected)
        for kode, nama in _create(f"{file} tidak diimpor", entries):
            typer.echo(f"{kode}\t{nama}")
        typer.echo(f"{len(entries)} unit pemangku dibuat.", err=True)

    app.add_typer(units, name="units")
