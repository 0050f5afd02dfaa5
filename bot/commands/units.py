"""`pemangku units add|import`: pemangku units with stable local codes `<pekon>-NN`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import params
from bot.commands.bahasa import Command, new_group
from bot.commands.support import progress_bar, read_bytes, refuse, run
from models.csvfile import ImportRejected, read_csv
from models.imports import NAME_MAX, UNIT_COLUMNS, UnitEntry, create_units, unit_entries


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
    units = new_group("Unit pemangku (dusun) di bawah pekon.")

    @units.command("add", cls=Command)
    def units_add(
        pekon: Annotated[str, typer.Option("--pekon", help="Kode pekon, mis. 18.04.15.2004", metavar="KODE")],
        name: Annotated[
            str,
            typer.Option(
                "--name",
                help=f"Nama unit, mis. 'Pemangku Sidodadi' (paling panjang {NAME_MAX} huruf)",
                metavar="NAMA",
                parser=params.text(NAME_MAX),
            ),
        ],
    ) -> None:
        """Tambah satu unit pemangku dan cetak kodenya (<pekon>-NN)."""
        (kode, nama), *_ = _create("unit tidak dibuat", [UnitEntry(None, pekon.strip(), name)])
        typer.echo(f"{kode}\t{nama}")

    @units.command("import", cls=Command)
    def units_import(
        file: Annotated[Path, typer.Argument(help="CSV dengan kolom pekon,nama", metavar="BERKAS")],
    ) -> None:
        """Impor unit pemangku; nama ganda atau pekon yang belum terdaftar menolak seluruh berkas."""
        try:
            entries = unit_entries(read_csv(read_bytes(file), UNIT_COLUMNS))
        except ImportRejected as rejected:
            refuse(f"{file} tidak diimpor", rejected)
        for kode, nama in _create(f"{file} tidak diimpor", entries):
            typer.echo(f"{kode}\t{nama}")
        typer.echo(f"{len(entries)} unit pemangku dibuat.", err=True)

    app.add_typer(units, name="units")
