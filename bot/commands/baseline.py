"""`pemangku baseline import FILE`: opening figures of pemangku units for their first month."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.support import progress_bar, read_bytes, refuse, run
from models.baseline_import import BASELINE_COLUMNS, BASELINE_OPTIONAL, import_baselines
from models.csvfile import ImportRejected, read_csv


def register(app: typer.Typer) -> None:
    """Add the `baseline` group."""
    baseline = typer.Typer(help="Angka awal (baseline) unit pemangku.", no_args_is_help=True)

    @baseline.command("import")
    def baseline_import(
        file: Annotated[
            Path,
            typer.Argument(help="CSV: unit,bulan,wna_l,wna_p,wni_l,wni_p,kk,anggota[,nama]; bulan YYYY-MM"),
        ],
    ) -> None:
        """Import opening figures; any bad row refuses the whole file."""
        try:
            rows = read_csv(read_bytes(file), BASELINE_COLUMNS, BASELINE_OPTIONAL)
            with progress_bar("Mengimpor angka awal", len(rows)) as advance:

                async def work(session: AsyncSession) -> tuple[int, int]:
                    return await import_baselines(session, rows, progress=advance)

                created, replaced = run(work)
        except ImportRejected as rejected:
            refuse(f"{file} tidak diimpor", rejected)
        typer.echo(f"Angka awal diimpor: {created} baru, {replaced} diganti.")

    app.add_typer(baseline, name="baseline")
