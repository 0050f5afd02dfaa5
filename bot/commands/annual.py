"""`pemangku rekap-tahunan --pekon|--kecamatan|--kabupaten KODE --year YYYY --format text|json|xlsx|pdf
[--out FILE]`: the year of a place from its closed months (models.annual), in every format."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import params
from bot.commands.bahasa import Command
from bot.commands.recap import FormatOption, OutOption, RecapFormat, emit
from bot.commands.support import fail, run
from bot.config import get_settings
from handlers.annual_text import render_annual_text
from jobs.documents.annual import annual_pdf, annual_xlsx
from jobs.documents.annual_layout import AnnualData, load_annual
from models.annual import AnnualRecap, Level, YearRow
from models.annual_change import development
from models.base import utcnow, wib_date
from models.baseline_import import FIRST_YEAR, LAST_YEAR

year_param = params.count(FIRST_YEAR, LAST_YEAR)


def row_json(row: YearRow) -> dict[str, Any]:
    """A row: its code and name, closed months, missed unit-months, the figures and KK by sex."""
    return {
        "kode": row.kode,
        "nama": row.nama,
        "bulan_ditutup": row.months,
        "unit_bulan_tidak_lapor": row.unit_months_missing,
        **row.figures,
        "awal_jiwa": row.jiwa("awal"),
        "akhir_jiwa": row.jiwa("akhir"),
        **row.heads,
    }


def annual_json(recap: AnnualRecap) -> dict[str, Any]:
    """The year as a JSON-ready dict with stable keys."""
    return {
        "tingkat": recap.level.value,
        "kode": recap.kode,
        "nama": recap.nama,
        "tahun": recap.year,
        "status": "sementara" if recap.provisional else "final",
        "bulan_belum_ditutup": [
            {"bulan": f"{m.period:%Y-%m}", "terbuka": m.open, "dari": m.expected} for m in recap.open_months
        ],
        "rows": [row_json(r) for r in recap.rows],
        "total": row_json(recap.total),
        "perkembangan_penduduk": [
            {
                "uraian": d.key,
                "tahun_lalu": d.last_year,
                "tahun_ini": d.this_year,
                "perubahan_persen": d.change,
            }
            for d in development(recap.total)
        ],
        "tidak_lapor": [{"nama": m.nama, "bulan": [f"{p:%Y-%m}" for p in m.periods]} for m in recap.missed],
    }


@dataclass(frozen=True)
class Request:
    """What the operator asked for."""

    level: Level
    kode: str
    year: int


def _request(pekon: str | None, kecamatan: str | None, kabupaten: str | None, year: int) -> Request:
    given = [
        (lvl, k.strip())
        for lvl, k in ((Level.PEKON, pekon), (Level.KECAMATAN, kecamatan), (Level.KABUPATEN, kabupaten))
        if k
    ]
    if len(given) != 1:
        fail("pilih tepat satu dari --pekon, --kecamatan atau --kabupaten")
    return Request(given[0][0], given[0][1], year)


def load(request: Request) -> AnnualData:
    """The year's data, or a refusal when the place is unknown or has no closed month in the year."""

    async def work(session: AsyncSession) -> AnnualData | None:
        try:
            return await load_annual(
                session,
                request.year,
                request.level,
                request.kode,
                today=wib_date(utcnow()),
                village_word=get_settings().village_word,
            )
        except LookupError:
            return None

    data = run(work)
    if data is None:
        fail(f"{request.level.value} {request.kode} belum terdaftar")
    return data


def render(data: AnnualData, fmt: RecapFormat) -> str | bytes:
    """The year in the asked format."""
    if fmt == RecapFormat.TEXT:
        return render_annual_text(data.recap, village_word=data.place.village_word)
    if fmt == RecapFormat.JSON:
        return json.dumps(annual_json(data.recap), ensure_ascii=False, indent=2)
    return annual_xlsx(data) if fmt == RecapFormat.XLSX else annual_pdf(data)


def register(app: typer.Typer) -> None:
    """Add the `rekap-tahunan` command."""

    @app.command("rekap-tahunan", cls=Command)
    def annual(
        year: Annotated[int, typer.Option("--year", parser=year_param, metavar="YYYY", help="Tahun rekap")],
        pekon: Annotated[str | None, typer.Option("--pekon", metavar="KODE", help="Kode pekon")] = None,
        kecamatan: Annotated[
            str | None, typer.Option("--kecamatan", metavar="KODE", help="Kode kecamatan, mis. 18.04.15")
        ] = None,
        kabupaten: Annotated[
            str | None, typer.Option("--kabupaten", metavar="KODE", help="Kode kabupaten, mis. 18.04")
        ] = None,
        fmt: FormatOption = RecapFormat.TEXT,
        out: OutOption = None,
    ) -> None:
        """Rekap tahunan (B.3 setahun dan Perkembangan Penduduk) dari bulan-bulan yang sudah ditutup."""
        request = _request(pekon, kecamatan, kabupaten, year)
        data = load(request)
        if out is None and fmt in (RecapFormat.XLSX, RecapFormat.PDF):
            out = Path(f"Rekap-Tahunan_{request.kode}_{year}.{fmt}")
        emit(render(data, fmt), out)
