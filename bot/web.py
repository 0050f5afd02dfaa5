"""The project's HTTP server: GET /healthz plus the routes the channels bring (webhooks)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route


async def healthz(_request: Request) -> PlainTextResponse:
    """Alive and serving."""
    return PlainTextResponse("ok")


def build_web_app(routes: Sequence[BaseRoute]) -> Starlette:
    """The Starlette app: health plus every channel's routes."""
    return Starlette(routes=[Route("/healthz", healthz, methods=["GET"]), *routes])


class _QuietServer(uvicorn.Server):
    # `pemangku run` handles SIGINT/SIGTERM itself and stops every part in order.
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class WebServer:
    """uvicorn serving an app inside the running event loop."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        config = uvicorn.Config(
            app, host=host, port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=10
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
