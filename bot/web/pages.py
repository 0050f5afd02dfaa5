"""The reading pages: Kelengkapan (kecamatan and kabupaten), Pekon, Angka dan nama, Tren. Every
figure comes from models/dashboard*.py, the functions behind the chat and the books."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.auth import HOME, Handler, NotFound, check
from bot.web.context import Viewer, WebContext
from bot.web.render import render, rollup_lines, shared_page, viewer_page
from handlers.texts import dashboard_words
from jobs.documents.data import load_rollup
from jobs.documents.svg_chart import Series, line_chart
from models import dashboard as dash
from models.b3_rows import MOVES
from models.beneficiary_findings import findings_count_by_pekon
from models.dashboard_cache import lists_version
from models.recap import compute_b3
from models.region import Kecamatan, Pekon

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_of(request: Request, default: date) -> date:
    """The month in ?bulan=YYYY-MM, or the default; NotFound for anything else."""
    typed = request.query_params.get("bulan")
    if typed is None:
        return default
    found = MONTH.match(typed)
    if found is None or int(found[1]) < 2000:
        raise NotFound
    return date(int(found[1]), int(found[2]), 1)


def scoped(request: Request, viewer: Viewer, ctx: WebContext) -> tuple[str, date]:
    """The region of the URL (checked against the scope) and the month asked for."""
    kode = request.path_params["kode"]
    check(viewer, kode)
    return kode, period_of(request, ctx.reported_month())


def audit_view(viewer: Viewer, what: str, kode: str, period: date) -> None:
    """A page with names was shown (UU 27/2022: who saw what, when)."""
    viewer.audit(f"web.view.{what}", "region", kode, bulan=f"{period:%Y-%m}")


async def home(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
    """Each role lands on its own scope; an admin picks a kabupaten."""
    scope = viewer.scope
    if scope.level != "all":
        return RedirectResponse(f"{HOME}/{scope.level}/{scope.kode}", status_code=303)
    rows = (await session.execute(select(Kecamatan.kode, Kecamatan.kabupaten_nama))).tuples()
    kabupaten = sorted({(kode[:5], nama) for kode, nama in rows})
    return render("admin.html", viewer, kabupaten=kabupaten)


def grid_page(ctx: WebContext, level: str) -> Handler:
    """Kelengkapan of a kecamatan (pekon down) or of a kabupaten (kecamatan down)."""

    async def page(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode, period = scoped(request, viewer, ctx)
        if level == "kecamatan" and await session.get(Kecamatan, kode) is None:
            raise NotFound
        grid = await cached_grid(ctx, session, kode)
        if not grid.rows and level == "kabupaten":
            raise NotFound
        # the rates come from the grid's cells; a month older than the grid's from a grid of its own
        source = grid if period in grid.months else await cached_grid(ctx, session, kode, period, months=1)
        only_missing = request.query_params.get("belum") == "1"
        # Daftar Bantuan: the findings of each pekon's beneficiary lists (issue 14)
        findings = await _findings(ctx, session, grid) if level == "kecamatan" else None
        # the kecamatan's lists' version: read by `_findings` already
        lists = None if findings is None else await lists_version(session, kode)
        key = (period, only_missing, ctx.today(), ctx.schedule.deadline_day, lists)

        async def values() -> dict[str, Any]:
            return dict(grid=grid, rows=grid.not_reported(period) if only_missing else grid.rows,
                        rates=source.rates(period), period=period, only_missing=only_missing, level=level,
                        findings=findings)  # fmt: skip

        return await kept_page(ctx, session, viewer, kode, key, "grid.html", values)

    return page


async def kept_page(
    ctx: WebContext,
    session: AsyncSession,
    viewer: Viewer,
    scope: str,
    key: tuple[object, ...],
    template: str,
    values: Callable[[], Awaitable[dict[str, Any]]],
) -> Response:
    """A page shown alike to every viewer of `scope`, rendered once while the scope's ledger stands:
    `key` holds everything else its values were made of (month, filter, today, ...). Rendering is
    most of a warm page's cost."""

    async def rendered() -> str:
        return shared_page(template, **await values())

    html = await ctx.figures.get(session, ("page", template, scope, *key), rendered, scope=scope)
    return viewer_page(html, viewer)


async def cached_grid(
    ctx: WebContext,
    session: AsyncSession,
    kode: str,
    until: date | None = None,
    months: int = dash.GRID_MONTHS,
) -> dash.Grid:
    """The Kelengkapan grid of a kecamatan (PP.KK.CC) or a kabupaten (PP.KK), up to `until` (the
    current month), kept while its part of the ledger stands (models.dashboard_cache); LookupError for an
    unknown kabupaten."""
    build = dash.kecamatan_grid if len(kode) == 8 else dash.kabupaten_grid
    today, deadline_day, until = ctx.today(), ctx.schedule.deadline_day, until or ctx.current_month()
    return await ctx.figures.get(
        session,
        ("grid", kode, until, months, today, deadline_day),
        lambda: build(session, kode, until, today=today, deadline_day=deadline_day, months=months),
        scope=kode,
        events=False,  # reports, closes and units make the grid, not events
    )


async def _findings(ctx: WebContext, session: AsyncSession, grid: dash.Grid) -> dict[str, int]:
    """How many findings each pekon of the grid's lists have, kept while the ledger and the lists stand."""
    pekon = [r.kode for r in grid.rows]
    key = ("findings", grid.kode, await lists_version(session, grid.kode))
    return await ctx.figures.get(
        session, key, lambda: findings_count_by_pekon(session, pekon), scope=grid.kode
    )


def pekon_view(ctx: WebContext) -> Handler:
    """A pekon's units, pemangku and channels, each unit's report, the B.3 and the month's history;
    kept rendered while the pekon's ledger and its pemangku stand."""

    async def page(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode, period = scoped(request, viewer, ctx)
        pekon = await session.get(Pekon, kode)  # held: pekon_page finds it in the identity map
        if pekon is None:
            raise NotFound
        audit_view(viewer, "pekon", kode, period)
        # read now: who is pemangku and on which channel is not part of the ledger's version
        pemangku = await dash.unit_pemangku(session, kode)
        # the way back up: the kecamatan pages for a viewer who may see them, else the pekon's own
        nav = pekon.kecamatan_kode if viewer.scope.covers(pekon.kecamatan_kode) else kode
        deadline_day = ctx.schedule.deadline_day
        key = (period, nav, deadline_day, pekon.nama, pekon.kecamatan.nama, pemangku)

        async def values() -> dict[str, Any]:
            b3 = await ctx.figures.get(
                session, ("b3", kode, period), lambda: compute_b3(session, kode, period), scope=kode
            )
            data = await dash.pekon_page(
                session, kode, period, deadline_day=deadline_day, b3=b3, pemangku=pemangku
            )
            return dict(page=data, period=period, moves=MOVES, nav=nav)

        return await kept_page(ctx, session, viewer, kode, key, "pekon.html", values)

    return page


def numbers_view(ctx: WebContext) -> Handler:
    """Angka dan nama: the lines behind one B.3 number of a pekon (or a unit) or the kecamatan."""

    async def page(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode, column = request.path_params["kode"], request.path_params["kolom"]
        check(viewer, kode)
        period = period_of(request, ctx.reported_month())
        unit = request.query_params.get("unit")
        if column not in dash.NUMBER_COLUMNS or (unit is not None and not unit.startswith(kode + "-")):
            raise NotFound
        if await session.get(Kecamatan if len(kode) == 8 else Pekon, kode) is None:
            raise NotFound
        rows = await number_rows(ctx, session, kode, period, column, unit)
        audit_view(viewer, "angka", unit or kode, period)
        return render("numbers.html", viewer, rows=rows, period=period, kode=kode)

    return page


async def number_rows(
    ctx: WebContext, session: AsyncSession, kode: str, period: date, column: str, unit: str | None
) -> dash.NumberRows:
    """dash.number_rows from what the pages keep while the ledger stands: the month's lines of the
    pekon or kecamatan (every number of the month picks from them) and its B.3 or pekon totals."""
    keep, kecamatan = ctx.figures.get, len(kode) == 8
    where = {"kecamatan_kode": kode} if kecamatan else {"pekon_kode": kode}
    lines = await keep(
        session, ("lines", kode, period), lambda: dash.month_lines(session, period, **where), scope=kode
    )
    if kecamatan:
        totals = await keep(
            session,
            ("totals", kode, period),
            lambda: dash.kecamatan_totals(session, kode, period),
            scope=kode,
        )
        return dash.pick_rows(lines, period, column, kode, None, dash.totals_figure(totals, column))
    b3 = await keep(session, ("b3", kode, period), lambda: compute_b3(session, kode, period), scope=kode)
    return dash.pick_rows(lines, period, column, kode, unit, dash.b3_figure(b3, column, unit))


def rollup_view(ctx: WebContext) -> Handler:
    """The kecamatan's B.3 roll-up (a row per pekon), every movement number a link."""

    async def page(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode, period = scoped(request, viewer, ctx)
        if await session.get(Kecamatan, kode) is None:
            raise NotFound
        word, today = ctx.schedule.village_word, ctx.today()
        rollup = await ctx.figures.get(
            session,
            ("rollup", kode, period, today, word),
            lambda: load_rollup(session, kode, period, today=today, village_word=word),
            scope=kode,
        )

        async def values() -> dict[str, Any]:
            lines = rollup_lines(kode, [p.pekon_nama for p in rollup.pekons], rollup.totals)
            return dict(rollup=rollup, period=period, kode=kode, moves=MOVES, lines=lines)

        return await kept_page(ctx, session, viewer, kode, (period, today, word), "rollup.html", values)

    return page


def trend_values(trend: dash.Trend) -> dict[str, object]:
    """The Tren page's charts, drawn on the server as SVG."""
    labels = [f"{m:%m/%y}" for m in trend.months]
    points = trend.total.points

    def series(name: str) -> Series:
        values = tuple(None if p is None else int(getattr(p, name)) for p in points)
        return Series(dashboard_words.DASHBOARD_TREND_SERIES[name], values)

    people = line_chart("Penduduk dan KK", labels, [series("population"), series("kk")])
    kinds = ("births", "deaths", "moves_in", "moves_out")
    moves = line_chart("Mutasi per bulan", labels, [series(n) for n in kinds])
    return {"trend": trend, "charts": [people, moves]}


def trend_view(ctx: WebContext) -> Handler:
    """Tren: population, KK and the month's movements, drawn as SVG with the numbers beside."""

    async def page(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode = request.path_params["kode"]
        check(viewer, kode)
        if await session.get(Kecamatan, kode) is None:
            raise NotFound
        until = ctx.current_month()
        trend = await ctx.figures.get(
            session, ("trend", kode, until), lambda: dash.kecamatan_trend(session, kode, until), scope=kode
        )

        async def values() -> dict[str, Any]:
            return trend_values(trend)

        return await kept_page(ctx, session, viewer, kode, (until,), "trend.html", values)

    return page
