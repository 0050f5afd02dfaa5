"""The kecamatan dashboard's routes (issue 13): sign-in, the pages, the files, the static files."""

from __future__ import annotations

import hashlib
from importlib.resources import files
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.commands.jobs import schedule_from_settings
from bot.config import Settings
from bot.web import actions, beneficiary, pages, year
from bot.web.auth import HOME, guarded, signin_routes
from bot.web.context import Signer, WebContext

# Static files are read once; a file's name carries its version, so browsers may keep it a week.
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
STATIC_CACHE = "public, max-age=604800"


def _static_files() -> dict[str, tuple[bytes, str, str]]:
    found = {}
    for item in files("bot.web").joinpath("static").iterdir():
        suffix = "." + item.name.rpartition(".")[2]
        if suffix in STATIC_TYPES:
            body = item.read_bytes()
            found[item.name] = (body, STATIC_TYPES[suffix], hashlib.sha256(body).hexdigest()[:16])
    return found


STATIC = _static_files()


async def static(request: Request) -> Response:
    """A vendored file (htmx) or the style sheet, with its ETag."""
    found = STATIC.get(request.path_params["name"])
    if found is None:
        return Response(status_code=404)
    body, media, etag = found
    headers = {"cache-control": STATIC_CACHE, "etag": f'"{etag}"'}
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media, headers=headers)


def web_context(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> WebContext:
    """The dashboard's wiring from the settings (cookies Secure when the public URL is https)."""
    secure = (settings.public_url or "").startswith("https://")
    if settings.web_secret is None:  # sessions then end with the process: fine for one process
        return WebContext(sessionmaker, schedule_from_settings(settings), secure_cookies=secure)
    signer = Signer(settings.web_secret.get_secret_value().encode())
    return WebContext(sessionmaker, schedule_from_settings(settings), secure_cookies=secure, signer=signer)


def dashboard_routes(ctx: WebContext) -> list[BaseRoute]:
    """Every route of the dashboard under /dasbor."""

    def get(path: str, handler: Any) -> Route:
        return Route(HOME + path, guarded(ctx, handler), methods=["GET"])

    return [
        *signin_routes(ctx),
        Route(HOME + "/static/{name}", static, methods=["GET"]),
        get("", pages.home),
        get("/kecamatan/{kode}", pages.grid_page(ctx, "kecamatan")),
        get("/kabupaten/{kode}", pages.grid_page(ctx, "kabupaten")),
        get("/pekon/{kode}", pages.pekon_view(ctx)),
        get("/angka/{kode}", pages.rollup_view(ctx)),
        get("/angka/{kode}/{kolom}", pages.numbers_view(ctx)),
        get("/tren/{kode}", pages.trend_view(ctx)),
        get("/unduh/{kode}", actions.downloads_view(ctx)),
        get("/unduh/{kode}/kelengkapan.csv", actions.grid_csv(ctx)),
        get("/unduh/{kode}/{bulan}.{format}", actions.document(ctx)),
        get("/tindak/{kode}", actions.follow_up(ctx)),
        Route(HOME + "/tindak/{kode}", guarded(ctx, actions.follow_up(ctx), post=True), methods=["POST"]),
        get("/tahun/{kode}", year.year_view(ctx)),
        get("/tahun/{kode}/{tahun}.{format}", year.year_file(ctx)),
        get("/bantuan/{kode}", beneficiary.findings_view(ctx)),
        get("/bantuan/{kode}/usulan.{format}", beneficiary.usulan_file(ctx)),
        Route(
            HOME + "/bantuan/{kode}", guarded(ctx, beneficiary.decide_view(ctx), post=True), methods=["POST"]
        ),
    ]
