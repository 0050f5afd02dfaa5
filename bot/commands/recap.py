"""`pemangku recap --pekon KODE --month YYYY-MM --format text|json|xlsx|pdf [--out FILE]`.

Every format is one entry of RENDERERS: a function from the loaded recap to text or bytes, all fed by
models.recap.compute_b3, the one B.3 computation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import params
from bot.commands.bahasa import Command
from bot.commands.support import fail, run, write_private
from bot.config import get_settings
from handlers.recap_text import render_b3_text
from jobs.documents.data import RecapData
from jobs.documents.data import load_recap as load_document_data
from jobs.documents.pdf import recap_pdf
from jobs.documents.xlsx import recap_xlsx
from models.b3_rows import AKHIR, AWAL, MOVES, B3Row, B3Table
from models.base import utcnow, wib_date
from models.mutasi import first_period
from models.recap import compute_b3
from models.region import Pekon

# The 33 columns of B.3 in the regulation's order, as stable JSON keys.
COLUMN_KEYS = ("no", "nama", *AWAL, "awal_jiwa", *MOVES, *AKHIR, "akhir_jiwa", "keterangan")


class RecapFormat(StrEnum):
    """Output formats of the recap command."""

    TEXT = "text"
    JSON = "json"
    XLSX = "xlsx"
    PDF = "pdf"


@dataclass(frozen=True)
class Recap:
    """A pekon's B.3 for a month with the pekon it belongs to."""

    pekon: Pekon
    table: B3Table


async def load_recap(session: AsyncSession, pekon_kode: str, period: date) -> Recap | None:
    """The recap of a pekon and month, or None when the pekon is not registered."""
    pekon = await session.get(Pekon, pekon_kode)
    if pekon is None:
        return None
    await refuse_before_start(session, pekon_kode, period)
    return Recap(pekon, await compute_b3(session, pekon_kode, period))


async def refuse_before_start(session: AsyncSession, pekon_kode: str, period: date) -> None:
    """Stop with a message for a month before the pekon's first month of data (it has no B.3)."""
    first = await first_period(session, pekon_kode)
    if first is not None and period < first:
        fail(f"pekon {pekon_kode} belum punya data bulan {period:%Y-%m}; data dimulai bulan {first:%Y-%m}")


def row_json(row: B3Row) -> dict[str, Any]:
    """A B.3 row as a dict of its 33 named columns plus the unit code."""
    values = dict(zip(COLUMN_KEYS, row.columns(), strict=True))
    values["keterangan"] = list(row.keterangan)
    return {"unit_kode": row.unit_kode, **values}


def recap_json(recap: Recap) -> dict[str, Any]:
    """The recap as a JSON-ready dict: pekon, month, state, revision, unit rows and the total row."""
    table, pekon = recap.table, recap.pekon
    return {
        "pekon": {
            "kode": pekon.kode,
            "nama": pekon.nama,
            "tingkat": pekon.tingkat,
            "kecamatan": {"kode": pekon.kecamatan.kode, "nama": pekon.kecamatan.nama},
            "kabupaten": pekon.kecamatan.kabupaten_nama,
        },
        "bulan": f"{table.period:%Y-%m}",
        "status": "closed" if table.closed else "open",
        "revision": table.revision,
        "columns": list(COLUMN_KEYS),
        "rows": [row_json(r) for r in table.rows],
        "total": row_json(table.total),
    }


def render_text(recap: Recap) -> str:
    """The short Indonesian text also used in chat."""
    return render_b3_text(recap.table, pekon_nama=recap.pekon.nama, village_word=get_settings().village_word)


def render_json(recap: Recap) -> str:
    """Indented JSON with stable keys."""
    return json.dumps(recap_json(recap), ensure_ascii=False, indent=2)


RENDERERS: dict[RecapFormat, Callable[[Recap], str | bytes]] = {
    RecapFormat.TEXT: render_text,
    RecapFormat.JSON: render_json,
}


# The files of the monthly routine (B.3 and B.2 with births, completeness and notes), from jobs/documents.
DOCUMENTS: dict[RecapFormat, Callable[[RecapData], bytes]] = {
    RecapFormat.XLSX: recap_xlsx,
    RecapFormat.PDF: recap_pdf,
}


def write_document(pekon_kode: str, period: date, fmt: RecapFormat, out: Path | None) -> None:
    """Write the B.2/B.3 file of a pekon's month (default name: B2-B3_<kode>_<YYYY-MM>.<format>)."""

    async def work(session: AsyncSession) -> RecapData | None:
        if await session.get(Pekon, pekon_kode) is None:
            return None
        await refuse_before_start(session, pekon_kode, period)
        today = wib_date(utcnow())
        return await load_document_data(
            session, pekon_kode, period, today=today, village_word=get_settings().village_word
        )

    data = run(work)
    if data is None:
        fail(f"pekon {pekon_kode} belum terdaftar")
    emit(DOCUMENTS[fmt](data), out or Path(f"B2-B3_{pekon_kode}_{period:%Y-%m}.{fmt}"))


def emit(output: str | bytes, out: Path | None) -> None:
    """Print text, or write the file 0600 (B.2 names people)."""
    if out is None:
        if isinstance(output, bytes):
            fail("format ini berupa berkas; tambahkan --out NAMA_BERKAS")
        typer.echo(output)
        return
    write_private({out: output.encode() if isinstance(output, str) else output})
    typer.echo(f"Rekap ditulis ke {out}", err=True)


# The --format and --out options of every recap command (monthly and annual).
FormatOption = Annotated[
    RecapFormat, typer.Option("--format", parser=params.choice(RecapFormat), metavar="text|json|xlsx|pdf")
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", parser=params.output_file, metavar="BERKAS", help="Tulis ke berkas ini"),
]


def register(app: typer.Typer) -> None:
    """Add the `recap` command."""

    @app.command("recap", cls=Command)
    def recap(
        pekon: Annotated[str, typer.Option("--pekon", help="Kode pekon, mis. 18.04.15.2004", metavar="KODE")],
        month: Annotated[
            date, typer.Option("--month", parser=params.month, metavar="YYYY-MM", help="Bulan rekap")
        ],
        fmt: FormatOption = RecapFormat.TEXT,
        out: OutOption = None,
    ) -> None:
        """Cetak atau tulis rekap B.3 satu pekon untuk satu bulan (xlsx/pdf: berkas B.3 dan B.2)."""
        if fmt in DOCUMENTS:
            write_document(pekon.strip(), month, fmt, out)
            return

        async def work(session: AsyncSession) -> Recap | None:
            return await load_recap(session, pekon.strip(), month)

        loaded = run(work)
        if loaded is None:
            fail(f"pekon {pekon} belum terdaftar")
        emit(RENDERERS[fmt](loaded), out)
