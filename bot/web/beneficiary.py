"""Daftar Bantuan (issue 14): a pekon's beneficiary findings, the tables of the 'Usulan Perbaikan'
document itself (jobs.documents.usulan), its XLSX/PDF, and the probable matches staff confirm or
reject with the model function the chat's "cek N" uses."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from bot.commands.recap import RecapFormat
from bot.web.actions import MEDIA
from bot.web.auth import Handler, NotFound, check, form
from bot.web.context import Viewer, WebContext
from bot.web.render import render
from handlers.texts import beneficiary_words, dashboard_words
from jobs.documents.layout import dmy
from jobs.documents.usulan import UsulanData, grids, load_usulan, usulan_pdf, usulan_xlsx
from models.beneficiary import BeneficiaryMatch
from models.beneficiary_findings import PendingMatch, pending_matches
from models.beneficiary_import import normal_program
from models.beneficiary_match import decide
from models.dashboard_cache import lists_version
from models.names import mask_nik

FILES = {"xlsx": usulan_xlsx, "pdf": usulan_pdf}


def cell(value: object) -> object:
    """A document cell on the page: dates as the document writes them."""
    return dmy(value) if isinstance(value, date) else value


def may_decide(viewer: Viewer) -> bool:
    """Only the pekon's own staff (or an admin) confirm a match: they know their people."""
    return viewer.scope.level in ("pekon", "all")


def _program(request: Request) -> str | None:
    """The program in ?program= (PKH, PBI-JK ...), None for every program; NotFound for a bad name."""
    typed = request.query_params.get("program")
    program = None if typed is None else normal_program(typed)
    if typed is not None and program is None:
        raise NotFound
    return program


async def _usulan(
    request: Request, session: AsyncSession, viewer: Viewer, ctx: WebContext, *, refresh: bool = False
) -> UsulanData:
    """The pekon's document data. A GET only reads: the matches are refreshed by an import, a month
    close, `pemangku daftar cek`, chat's "cek" or this page's POST "perbarui"."""
    kode = request.path_params["kode"]
    check(viewer, kode)
    if len(kode) != 13:
        raise NotFound
    try:
        return await load_usulan(session, kode, _program(request), today=ctx.today(),
                                 village_word=ctx.schedule.village_word, refresh=refresh)  # fmt: skip
    except LookupError:
        raise NotFound from None


def _audit(viewer: Viewer, action: str, data: UsulanData, **more: object) -> None:
    """Lists are personal data: every view and export is in the audit log, as in chat and the CLI."""
    viewer.audit(action, "pekon", data.place.kode, list="usulan_perbaikan", rows=len(data.findings), **more)


async def _page(
    request: Request,
    session: AsyncSession,
    viewer: Viewer,
    ctx: WebContext,
    result: str | None = None,
    *,
    write: bool = False,
    refresh: bool = False,
) -> Response:
    """The page; a GET's data kept while the ledger and the lists stand, a POST's read afresh (its
    own uncommitted writes are never kept)."""

    async def load() -> tuple[UsulanData, list[PendingMatch]]:
        data = await _usulan(request, session, viewer, ctx, refresh=refresh)
        return data, await pending_matches(session, data.place.kode)

    if write:
        data, pending = await load()
    else:
        kode = request.path_params["kode"]
        check(viewer, kode)
        word, program = ctx.schedule.village_word, _program(request)
        key = ("usulan", kode, program, ctx.today(), word, await lists_version(session, kode))
        data, pending = await ctx.figures.get(session, key, load, scope=kode)
    _audit(viewer, "list.view", data)
    return render("beneficiary.html", viewer, data=data, kode=data.place.kode, dmy=dmy, cell=cell,
                  mask=mask_nik, grids=grids(data), pending=pending, decide=may_decide(viewer),
                  result=result)  # fmt: skip


def findings_view(ctx: WebContext) -> Handler:
    """The findings of the pekon's current lists, with names and masked NIKs (a view of names)."""

    async def page(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        return await _page(request, session, viewer, ctx)

    return page


def decide_view(ctx: WebContext) -> Handler:
    """POST (CSRF checked by the guard): confirm (sama) or reject (beda) one pending match, or
    "perbarui": match the lists against the ledger now."""

    async def page(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        kode = request.path_params["kode"]
        check(viewer, kode)
        fields = await form(request)
        choice, typed = fields.get("keputusan"), fields.get("match", "")
        if choice == "perbarui":
            return await _page(
                request, session, viewer, ctx, dashboard_words.WEB_MATCHES_REFRESHED, write=True, refresh=True
            )
        match = await session.get(BeneficiaryMatch, int(typed)) if typed.isdigit() else None
        if not may_decide(viewer) or choice not in ("sama", "beda") or match is None:
            raise NotFound
        if match.pekon_kode != kode:  # another pekon's match, by an edited form: never decided here
            raise NotFound
        pending = {p.match_id: p for p in await pending_matches(session, kode)}
        done = await decide(session, match, confirm=choice == "sama", member_id=viewer.member.id,
                            channel="web", now=ctx.now())  # fmt: skip
        shown = pending.get(match.id)
        if not done or shown is None:
            return await _page(request, session, viewer, ctx, beneficiary_words.CEK_ALREADY, write=True)
        word = beneficiary_words.CEK_CONFIRMED if choice == "sama" else beneficiary_words.CEK_REJECTED
        message = word.format(name=shown.name, program=shown.program)
        return await _page(request, session, viewer, ctx, message, write=True)

    return page


def usulan_file(ctx: WebContext) -> Handler:
    """The Usulan Perbaikan as XLSX or PDF: the bytes of `pemangku daftar cek --format xlsx|pdf`."""

    async def download(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        fmt = request.path_params["format"]
        if fmt not in FILES:
            raise NotFound
        data = await _usulan(request, session, viewer, ctx)
        program = _program(request)
        _audit(viewer, "beneficiary_list.export", data, program=program, format=fmt)
        name = f"Usulan-Perbaikan_{data.place.kode}_{program or 'semua'}_{data.signed_on:%Y-%m-%d}.{fmt}"
        disposition = {"content-disposition": f'attachment; filename="{name}"'}
        return Response(FILES[fmt](data), media_type=MEDIA[RecapFormat(fmt)], headers=disposition)

    return download
