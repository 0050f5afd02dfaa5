"""Unduh (the closed months' XLSX/PDF, byte-identical to `pemangku recap`, and the grid as CSV) and
Tindak lanjut (the late units of the month, "Kirim pengingat")."""

from __future__ import annotations

import csv
import io
from datetime import date
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from bot.commands.recap import DOCUMENTS, RecapFormat
from bot.web.auth import Handler, NotFound, check, form
from bot.web.context import Viewer, WebContext
from bot.web.pages import MONTH, audit_view, cached_grid, scoped
from bot.web.render import month_short, render
from handlers.texts import dashboard_words
from jobs.documents.data import load_recap
from jobs.nudge import send_reminders_now
from models import dashboard as dash
from models.base import add_months
from models.period import MonthStatus, PekonMonth
from models.region import Kecamatan, Pekon

DOWNLOAD_MONTHS = 12
MEDIA = {
    RecapFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    RecapFormat.PDF: "application/pdf",
}


def downloads_view(ctx: WebContext) -> Handler:
    """The closed months of the last year of every pekon in scope, each as XLSX and PDF."""

    async def page(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode = request.path_params["kode"]
        check(viewer, kode)
        if len(kode) == 5:  # a kabupaten: its grid as CSV, the files under each kecamatan (page weight)
            found = await session.scalars(select(Kecamatan).where(Kecamatan.kode.startswith(kode + ".")))
            return render("downloads.html", viewer, kode=kode, kecamatan=list(found), pekon=[], grid=True)
        since = add_months(ctx.current_month(), -DOWNLOAD_MONTHS)
        rows = await session.execute(
            select(Pekon.kode, Pekon.nama, PekonMonth.period)
            .join(PekonMonth, PekonMonth.pekon_kode == Pekon.kode)
            .where(
                Pekon.kode.startswith(kode + ".") if len(kode) < 13 else Pekon.kode == kode,
                PekonMonth.status == MonthStatus.CLOSED,
                PekonMonth.period >= since,
            )
            .order_by(Pekon.kode, PekonMonth.period.desc())
        )
        pekon = [(k, n, [p for _, _, p in g]) for (k, n), g in groupby(rows.tuples(), lambda r: (r[0], r[1]))]
        return render("downloads.html", viewer, kode=kode, pekon=pekon, grid=len(kode) in (5, 8))

    return page


def document(ctx: WebContext) -> Handler:
    """One closed month's B.2/B.3 file, made by the function `pemangku recap` and the delivery use."""

    async def download(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode, month, fmt = (request.path_params[k] for k in ("kode", "bulan", "format"))
        check(viewer, kode)
        found = MONTH.match(month)
        if found is None or fmt not in ("xlsx", "pdf"):
            raise NotFound
        period = date(int(found[1]), int(found[2]), 1)
        closed = await session.scalar(
            select(PekonMonth.id).where(PekonMonth.pekon_kode == kode, PekonMonth.period == period,
                                        PekonMonth.status == MonthStatus.CLOSED)
        )  # fmt: skip
        if closed is None:
            raise NotFound
        data = await load_recap(
            session, kode, period, today=ctx.today(), village_word=ctx.schedule.village_word
        )
        viewer.audit("web.export", "region", kode, bulan=month, format=fmt)
        body = DOCUMENTS[RecapFormat(fmt)](data)
        name = f"B2-B3_{kode}_{month}.{fmt}"
        disposition = {"content-disposition": f'attachment; filename="{name}"'}
        return Response(body, media_type=MEDIA[RecapFormat(fmt)], headers=disposition)

    return download


def grid_csv(ctx: WebContext) -> Handler:
    """The completeness grid as CSV: a row per pekon (or kecamatan), a column per month."""

    async def download(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode = request.path_params["kode"]
        check(viewer, kode)
        if len(kode) not in (5, 8):
            raise NotFound
        try:
            grid = await cached_grid(ctx, session, kode)
        except LookupError:
            raise NotFound from None
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["kode", "nama", *(month_short(m) for m in grid.months)])
        for row in grid.rows:
            writer.writerow([row.kode, row.nama, *(cell_label(c) for c in row.cells)])
        disposition = {"content-disposition": f'attachment; filename="kelengkapan_{kode}.csv"'}
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=disposition)

    return download


def cell_label(cell: dash.Cell | None) -> str:
    """What a grid cell says in words (the page shows the same, with a colour)."""
    if cell is None:
        return ""
    if cell.open and not cell.due:
        return dashboard_words.DASHBOARD_OPEN_CELL.format(done=cell.received, units=cell.units)
    return dashboard_words.DASHBOARD_STATUS[cell.status]


def follow_up(ctx: WebContext) -> Handler:
    """Tindak lanjut: the units of the month that have not reported, with their pemangku; POST
    sends them a reminder now (jobs/nudge.py: quiet hours, once a day per unit, audited)."""

    async def page(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode, period = scoped(request, viewer, ctx)
        results = None
        if request.method == "POST":
            fields = await form(request)
            chosen = {int(v) for v in fields.get("unit", "").split(",") if v.isdigit()} or None
            where = {"pekon_kode": kode} if len(kode) == 13 else {"kecamatan_kode": kode}
            actor = viewer.member.id
            results = await send_reminders_now(
                session,
                ctx.schedule,
                period=period,
                now=ctx.now(),
                actor_member_id=actor,
                unit_ids=chosen,
                **where,
            )
        units = await dash.late_units(session, kode, period)
        audit_view(viewer, "tindak", kode, period)
        return render("followup.html", viewer, kode=kode, period=period, units=units, results=results,
                      quiet=(ctx.schedule.quiet_hours_start, ctx.schedule.quiet_hours_end))  # fmt: skip

    return page
