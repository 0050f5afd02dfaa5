"""`pemangku baseline import FILE`: opening figures of pemangku units for their first month."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.bahasa import Command, new_group
from bot.commands.support import progress_bar, read_bytes, refuse, run
from models.base import utcnow, wib_date
from models.baseline_import import BASELINE_COLUMNS, BASELINE_OPTIONAL, import_baselines
from models.csvfile import ImportRejected, read_csv

FILE_HELP = (
    "CSV dengan kolom unit,bulan,wna_l,wna_p,wni_l,wni_p,kk,anggota[,nama]. bulan (YYYY-MM) adalah "
    "bulan PERTAMA yang dilaporkan unit itu; angka-angkanya adalah jumlah penduduk AWAL bulan itu "
    "(= akhir bulan sebelumnya). Paling lambat bulan depan, dan sesudah bulan terakhir yang ditutup."
)


def register(app: typer.Typer) -> None:
    """Add the `baseline` group."""
    baseline = new_group("Angka awal (baseline) unit pemangku.")

    @baseline.command("import", cls=Command)
    def baseline_import(
        file: Annotated[Path, typer.Argument(help=FILE_HELP, metavar="BERKAS", show_default=False)],
    ) -> None:
        """Impor angka awal bulan pertama tiap unit; satu baris salah menolak seluruh berkas."""
        try:
            rows = read_csv(read_bytes(file), BASELINE_COLUMNS, BASELINE_OPTIONAL)
            with progress_bar("Mengimpor angka awal", len(rows)) as advance:

                async def work(session: AsyncSession) -> tuple[int, int]:
                    today = wib_date(utcnow())
                    return await import_baselines(session, rows, progress=advance, today=today)

                created, replaced = run(work)
        except ImportRejected as rejected:
            refuse(f"{file} tidak diimpor", rejected)
        typer.echo(f"Angka awal diimpor: {created} baru, {replaced} diganti.")

    app.add_typer(baseline, name="baseline")
