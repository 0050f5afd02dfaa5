"""Tahun: the year of a pekon, kecamatan or kabupaten (issue 15) from models.annual, the functions
behind `pemangku rekap-tahunan`, with its XLSX and PDF made by the same code as the CLI's files."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from bot.commands.annual import render as annual_file
from bot.commands.recap import RecapFormat
from bot.web.actions import MEDIA
from bot.web.auth import Handler, NotFound, check
from bot.web.context import Viewer, WebContext
from bot.web.render import render
from handlers.annual_text import note_lines, place_line, show_change, show_count, state_line
from jobs.documents.annual_layout import AnnualData, load_annual
from models.annual import Level
from models.annual_change import development
from models.b3_rows import KINDS
from models.baseline_import import FIRST_YEAR, LAST_YEAR

LEVELS = {13: Level.PEKON, 8: Level.KECAMATAN, 5: Level.KABUPATEN}  # by the length of the code
YEAR = re.compile(r"^\d{4}$")


def year_of(typed: str | None, default: int) -> int:
    """The year asked for (?tahun=YYYY or the file's name), or the default; NotFound otherwise."""
    if typed is None:
        return default
    if YEAR.match(typed) is None or not FIRST_YEAR <= int(typed) <= LAST_YEAR:
        raise NotFound
    return int(typed)


async def _load(session: AsyncSession, ctx: WebContext, viewer: Viewer, kode: str, year: int) -> AnnualData:
    check(viewer, kode)
    level = LEVELS.get(len(kode))
    if level is None:
        raise NotFound
    today, word = ctx.today(), ctx.schedule.village_word
    try:
        return await ctx.figures.get(
            session,
            ("year", kode, year, today, word),
            lambda: load_annual(session, year, level, kode, today=today, village_word=word),
            scope=kode,
        )
    except LookupError:
        raise NotFound from None


def year_view(ctx: WebContext) -> Handler:
    """The year's table (a row per unit, pekon or kecamatan), Perkembangan Penduduk and the notes."""

    async def page(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode = request.path_params["kode"]
        year = year_of(request.query_params.get("tahun"), ctx.reported_month().year)
        data = await _load(session, ctx, viewer, kode, year)
        recap, word = data.recap, ctx.schedule.village_word
        return render(
            "year.html",
            viewer,
            recap=recap,
            kode=kode,
            kinds=KINDS,
            place=place_line(recap, word),
            state=state_line(recap, word),
            notes=note_lines(recap) if recap.rows else [],
            development=development(recap.total) if recap.rows else [],
            show_count=show_count,
            show_change=show_change,
            years=range(year - 1, year + 2),
        )

    return page


def year_file(ctx: WebContext) -> Handler:
    """The year's XLSX or PDF: the bytes `pemangku rekap-tahunan --format xlsx|pdf` writes (audited)."""

    async def download(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode, fmt = request.path_params["kode"], request.path_params["format"]
        year = year_of(request.path_params["tahun"], 0)
        if fmt not in ("xlsx", "pdf"):
            raise NotFound
        data = await _load(session, ctx, viewer, kode, year)
        if not data.recap.rows:
            raise NotFound
        viewer.audit("web.export", "region", kode, tahun=year, format=fmt)
        body = annual_file(data, RecapFormat(fmt))
        name = f"Rekap-Tahunan_{kode}_{year}.{fmt}"
        disposition = {"content-disposition": f'attachment; filename="{name}"'}
        return Response(body, media_type=MEDIA[RecapFormat(fmt)], headers=disposition)

    return download
