"""Sign-in by a one-time link, the session cookie, and the guard every page goes through: the
session, the CSRF token on POST, and the scope of the URL (out of scope: 404 and an audit entry)."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.web.context import Viewer, WebContext
from bot.web.render import message, render
from handlers.texts import dashboard_words
from models.audit import record_audit
from models.web_login import (
    LOGIN_PATH,
    SESSION_IDLE,
    current_session,
    end_session,
    member_scope,
    needs_touch,
    redeem_link,
)

COOKIE = "pemangku_sesi"
PRE_COOKIE = "pemangku_masuk"  # double-submit CSRF token of the sign-in form (no session yet)
HOME = "/dasbor"


class OutOfScope(Exception):
    """The URL names a region outside the viewer's scope."""


class NotFound(Exception):
    """Nothing at this URL (inside the scope)."""


Handler = Callable[[Request, AsyncSession, Viewer], Awaitable[Response]]


async def form(request: Request) -> dict[str, str]:
    """An urlencoded form body (the body limit of the server applies)."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"))
    return {key: values[0] for key, values in fields.items()}


def check(viewer: Viewer, kode: str) -> None:
    """Raise OutOfScope unless the region code is inside the viewer's scope."""
    if not viewer.scope.covers(kode):
        raise OutOfScope(kode)


async def _viewer(request: Request, session: AsyncSession, ctx: WebContext, *, touch: bool) -> Viewer | None:
    token = ctx.signer.unsign(request.cookies.get(COOKIE, ""))
    found = None if token is None else await current_session(session, token, ctx.now(), touch=touch)
    scope = None if found is None else member_scope(found[1])
    return None if found is None or scope is None else Viewer(found[1], found[0], scope)


def guarded(
    ctx: WebContext, handler: Handler, *, post: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of a page: signed in, CSRF checked on POST, scope checked by the handler. A GET
    reads in a read session; its audit entries (and the session's touch) are committed after it,
    together with those of concurrent requests (bot.web.writes), before the page is sent. A POST
    runs in one write session."""

    async def endpoint(request: Request) -> Response:
        async with (ctx.sessionmaker if post else ctx.reads)() as session:
            viewer = await _viewer(request, session, ctx, touch=post)
            if viewer is None:
                return message(dashboard_words.WEB_NEED_SIGNIN, 401)
            if post and not hmac.compare_digest((await form(request)).get("csrf", ""), viewer.web.csrf):
                return message(dashboard_words.WEB_CSRF, 403, viewer)
            try:
                response = await handler(request, session, viewer)
            except OutOfScope:
                response = message(dashboard_words.WEB_NOT_FOUND, 404)
                viewer.audits[:] = [_refusal(viewer, request)]
            except NotFound:
                return message(dashboard_words.WEB_NOT_FOUND, 404, viewer)
            if post:
                for entry in viewer.audits:
                    record_audit(session, **entry)
                await session.commit()
                return response
        touch = (viewer.web.id, ctx.now()) if needs_touch(viewer.web, ctx.now()) else None
        await ctx.writes.write(viewer.audits, touch)
        return response

    return endpoint


def _refusal(viewer: Viewer, request: Request) -> dict[str, Any]:
    """The audit entry of a URL outside the scope (the page's own entries are dropped)."""
    after = {"path": request.url.path[:300], "scope": viewer.scope.kode}
    return {"actor_member_id": viewer.member.id, "channel": "web", "action": "web.out_of_scope",
            "entity": "url", "entity_id": None, "after": after}  # fmt: skip


def _cookie(response: Response, ctx: WebContext, name: str, value: str, max_age: int) -> None:
    secure = ctx.secure_cookies
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path=HOME)


def signin_routes(ctx: WebContext) -> list[BaseRoute]:
    """The link page (GET shows a button: chat apps fetch links for previews and must not use
    them up), the sign-in POST, and Keluar."""

    async def link_page(request: Request) -> Response:
        pre = secrets.token_urlsafe(24)
        response = render("signin.html", None, token=request.path_params["token"], csrf=pre)
        _cookie(response, ctx, PRE_COOKIE, pre, 600)
        return response

    async def sign_in(request: Request) -> Response:
        fields = await form(request)
        pre = request.cookies.get(PRE_COOKIE, "")
        if not pre or not hmac.compare_digest(fields.get("csrf", ""), pre):
            return message(dashboard_words.WEB_CSRF, 403)
        async with ctx.sessionmaker() as session:
            opened = await redeem_link(session, fields.get("token", ""), ctx.now())
            await session.commit()
        if opened is None:
            return message(dashboard_words.WEB_LINK_INVALID, 410)
        response = RedirectResponse(HOME, status_code=303)
        _cookie(response, ctx, COOKIE, ctx.signer.sign(opened.token), int(SESSION_IDLE.total_seconds()))
        response.delete_cookie(PRE_COOKIE, path=HOME)
        return response

    async def sign_out(request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        await end_session(session, viewer.web, ctx.now())
        response = message(dashboard_words.WEB_SIGNED_OUT, 200)
        response.delete_cookie(COOKIE, path=HOME)
        return response

    return [
        Route(LOGIN_PATH + "{token}", link_page, methods=["GET"]),
        Route(LOGIN_PATH.rstrip("/"), sign_in, methods=["POST"]),
        Route(HOME + "/keluar", guarded(ctx, sign_out, post=True), methods=["POST"]),
    ]
