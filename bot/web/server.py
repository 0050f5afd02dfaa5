"""The project's HTTP server: GET /healthz plus the routes the channels and the dashboard bring.

Hostile clients are bounded here, for every route: a body is counted while it streams in and
refused with 413 past MAX_BODY_BYTES (a chunked upload declares no length), and a request must
arrive whole within REQUEST_SECONDS, so slow connections are closed instead of held.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator, Sequence

import h11
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.web.headers import SecurityHeaders

MAX_BODY_BYTES = 1_000_000  # webhook bodies are a few kB; nothing bigger is read
REQUEST_SECONDS = 10.0  # headers and body of one request must arrive within this
KEEP_ALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this
MAX_HEADER_BYTES = 16 * 1024  # h11's limit on an incomplete request head


class _TooLarge(Exception):
    """The body went past the limit while it was read."""


class BodyLimit:
    """ASGI middleware: 413 for a body over `limit`, declared or counted while it streams in."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self._app = app
        self._limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self._limit):
            await _too_large(scope, receive, send)
            return
        seen, started = 0, False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self._limit:
                raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _too_large(scope, receive, send)
        except ClientDisconnect:  # gone, or closed by the request deadline: nobody to answer
            pass


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    # "Connection: close": uvicorn then closes the socket instead of reading the rest of the body.
    response = PlainTextResponse("too large", status_code=413, headers={"connection": "close"})
    await response(scope, receive, send)


async def healthz(_request: Request) -> PlainTextResponse:
    """Alive and serving."""
    return PlainTextResponse("ok")


def build_web_app(routes: Sequence[BaseRoute], max_body: int = MAX_BODY_BYTES) -> Starlette:
    """The Starlette app: every channel's routes plus health (unless a route brings its own),
    every body limited to `max_body`, every answer with the security headers."""
    return Starlette(
        routes=[*routes, Route("/healthz", healthz, methods=["GET"])],
        middleware=[Middleware(BodyLimit, limit=max_body), Middleware(SecurityHeaders)],
    )


class _DeadlineH11(H11Protocol):
    """uvicorn's h11 protocol with a deadline for receiving a whole request. uvicorn times out
    only idle keep-alive connections; a client trickling its headers or body would be held."""

    request_seconds = REQUEST_SECONDS
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):  # the request is in
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()  # the next request on this connection gets its own deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
            self.transport.close()


def _protocol(request_seconds: float) -> type[H11Protocol]:
    return type("DeadlineH11", (_DeadlineH11,), {"request_seconds": request_seconds})


class _QuietServer(uvicorn.Server):
    # `pemangku run` handles SIGINT/SIGTERM itself and stops every part in order.
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class WebServer:
    """uvicorn serving an app inside the running event loop."""

    def __init__(
        self, app: Starlette, host: str, port: int, *, request_seconds: float = REQUEST_SECONDS
    ) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=10,
            http=_protocol(request_seconds),
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        )
        self._server = _QuietServer(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Listen; returns once the socket is bound (raises if it could not be)."""
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("the HTTP server stopped while starting")
            await asyncio.sleep(0.01)

    @property
    def port(self) -> int:
        """The bound port (useful with port 0)."""
        sockets = self._server.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Finish open requests and close."""
        self._server.should_exit = True
        if self._task is not None:
            await self._task
