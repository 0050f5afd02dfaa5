"""`pemangku regions import FILE`: kecamatan and pekon, checked against the official Kemendagri table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.support import progress_bar, read_bytes, refuse, run
from models.csvfile import ImportRejected, read_csv
from models.imports import REGION_COLUMNS, REGION_OPTIONAL, RegionsResult, import_regions


def register(app: typer.Typer) -> None:
    """Add the `regions` group."""
    regions = typer.Typer(help="Wilayah: kecamatan dan pekon dengan kode resmi.", no_args_is_help=True)

    @regions.command("import")
    def regions_import(
        file: Annotated[Path, typer.Argument(help="CSV dengan kolom kode,nama[,tingkat]")],
    ) -> None:
        """Import kecamatan and pekon; any bad row refuses the whole file."""
        try:
            rows = read_csv(read_bytes(file), REGION_COLUMNS, REGION_OPTIONAL)
            with progress_bar("Mengimpor wilayah", len(rows)) as advance:

                async def work(session: AsyncSession) -> RegionsResult:
                    return await import_regions(session, rows, progress=advance)

                result = run(work)
        except ImportRejected as rejected:
            refuse(f"{file} tidak diimpor", rejected)
        typer.echo(
            f"Wilayah diimpor: {result.kecamatan_new} kecamatan baru, {result.pekon_new} pekon baru, "
            f"{result.existing} sudah ada, {result.skipped} baris provinsi/kabupaten dilewati."
        )

    app.add_typer(regions, name="regions")
