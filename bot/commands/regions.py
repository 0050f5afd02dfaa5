"""`pemangku regions import FILE`: kecamatan and pekon, checked against the official Kemendagri table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.bahasa import Command, new_group
from bot.commands.support import progress_bar, read_bytes, refuse, run
from models.csvfile import ImportRejected, read_csv
from models.imports import REGION_COLUMNS, REGION_OPTIONAL, RegionsResult, import_regions


def register(app: typer.Typer) -> None:
    """Add the `regions` group."""
    regions = new_group("Wilayah: kecamatan dan pekon dengan kode resmi.")

    @regions.command("import", cls=Command)
    def regions_import(
        file: Annotated[Path, typer.Argument(help="CSV dengan kolom kode,nama[,tingkat]", metavar="BERKAS")],
    ) -> None:
        """Impor kecamatan dan pekon (dicocokkan dengan tabel resmi); satu baris salah menolak semuanya."""
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
