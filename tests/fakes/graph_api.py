"""A fake Meta Graph API (WhatsApp Cloud API) served over real HTTP on 127.0.0.1.

It answers like the real one: message ids (`wamid....`) for /messages, media ids for /media
(multipart), `{"success": true}` for mark-as-read, and Meta's error envelope for bad tokens,
messages over the platform's size limits, unknown templates, and errors queued by a test
(131047 outside the window, 130429 throughput, 131056 pair rate, 5xx).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import hashlib
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

TOKEN = "test-whatsapp-token"
PHONE_NUMBER_ID = "106540352242922"

ERRORS: dict[int, tuple[int, str]] = {
    131047: (400, "Re-engagement message"),
    130429: (400, "Rate limit hit"),
    131056: (400, "(Business Account, Consumer Account) pair rate limit hit"),
    131009: (400, "Parameter value is not valid"),
    131053: (400, "Media upload error"),
    132000: (400, "Number of parameters does not match the expected number of params"),
    132001: (400, "Template name does not exist in the translation"),
    190: (401, "Error validating access token: Session has expired"),
    1: (500, "An unknown error has occurred."),
    2: (503, "Service temporarily unavailable"),
}


@dataclass
class FakeGraphApi:
    """The fake's state: what it accepted, and the failures a test queued."""

    templates: dict[str, int] = field(default_factory=dict)  # approved name -> body parameter count
    messages: list[dict[str, Any]] = field(default_factory=list)  # accepted /messages bodies
    by_wamid: dict[str, dict[str, Any]] = field(default_factory=dict)  # the same, by the id answered
    read: list[str] = field(default_factory=list)  # wamids marked as read
    media: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # id -> filename, type, bytes
    failures: deque[int] = field(default_factory=deque)  # error codes for the next /messages calls
    max_per_second: float | None = None  # throughput limit: more in any second gets 130429
    throttled: int = 0  # how many 130429 answers the limit gave
    _recent: deque[float] = field(default_factory=deque)
    requests: int = 0
    people_media: dict[str, tuple[bytes, dict[str, Any]]] = field(default_factory=dict)  # people's media
    media_errors: deque[tuple[str, int]] = field(default_factory=deque)  # ("url"|"download", status)
    downloads: int = 0  # media downloads served
    download_gate: asyncio.Event | None = None  # when given, media downloads wait for it (a slow link)
    download_asked: asyncio.Event = field(default_factory=asyncio.Event)  # set by each download request
    send_gate: asyncio.Event | None = None  # when given, /messages sends wait for it (one in flight)
    send_asked: asyncio.Event = field(default_factory=asyncio.Event)  # set by each send request
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def fail_next(self, *codes: int) -> None:
        """Answer the next /messages calls with these error codes, in order."""
        self.failures.extend(codes)

    def sent_to(self, wa_id: str) -> list[dict[str, Any]]:
        """The accepted message bodies to one number."""
        return [m for m in self.messages if m["to"] == wa_id]

    def receive_media(self, content: bytes, mime_type: str = "text/csv", **overrides: Any) -> str:
        """A file a person sends: its media id; `overrides` change what the media URL answer
        says of it (a wrong sha256, a larger file_size)."""
        media_id = str(5_000_000_000_000 + next(self._ids))
        info = {"mime_type": mime_type, "sha256": hashlib.sha256(content).hexdigest(), "id": media_id}
        self.people_media[media_id] = (content, info | {"file_size": len(content)} | overrides)
        return media_id

    def _media_error(self, stage: str) -> JSONResponse | None:
        if self.media_errors and self.media_errors[0][0] == stage:
            status = self.media_errors.popleft()[1]
            return JSONResponse({"error": {"message": "fake failure", "code": 1}}, status_code=status)
        return None

    async def _media_url(self, request: Request) -> JSONResponse:
        """GET /{version}/{media-id}: a short-lived download URL with the file's size and sha256."""
        refused = _auth_error(request) or self._media_error("url")
        if refused:
            return refused
        found = self.people_media.get(request.path_params["media_id"])
        if found is None:
            return error(100)
        url = f"{str(request.base_url).rstrip('/')}/_media/{request.path_params['media_id']}"
        return JSONResponse({"messaging_product": "whatsapp", "url": url, **found[1]})

    async def _media_download(self, request: Request) -> Response:
        """The download URL: the bytes, with the same Bearer token."""
        refused = _auth_error(request) or self._media_error("download")
        if refused:
            return refused
        found = self.people_media.get(request.path_params["media_id"])
        if found is None:
            return Response(status_code=404)
        self.download_asked.set()
        if self.download_gate is not None:
            await self.download_gate.wait()
        self.downloads += 1
        return Response(found[0], media_type=str(found[1]["mime_type"]))

    def app(self) -> Starlette:
        """The ASGI app."""
        return Starlette(
            routes=[
                Route("/{version}/{phone_id}/messages", self._messages, methods=["POST"]),
                Route("/{version}/{phone_id}/media", self._media, methods=["POST"]),
                Route("/_media/{media_id}", self._media_download, methods=["GET"]),  # before the next
                Route("/{version}/{media_id}", self._media_url, methods=["GET"]),
            ]
        )

    async def _messages(self, request: Request) -> JSONResponse:
        self.requests += 1
        refused = _auth_error(request)
        if refused:
            return refused
        body = await request.json()
        if body.get("status") == "read":
            self.read.append(body["message_id"])
            return JSONResponse({"success": True})
        self.send_asked.set()
        if self.send_gate is not None:
            await self.send_gate.wait()
        if self.failures:
            return error(self.failures.popleft())
        if self._over_throughput():
            self.throttled += 1
            return error(130429)
        problem = self._check(body)
        if problem:
            return error(problem)
        self.messages.append(body)
        wamid = f"wamid.FAKE{next(self._ids):06d}"
        self.by_wamid[wamid] = body
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": wamid}],
            }
        )

    async def _media(self, request: Request) -> JSONResponse:
        refused = _auth_error(request)
        if refused:
            return refused
        parts = _multipart(request.headers["content-type"], await request.body())
        if parts.get("messaging_product", (None, b""))[1] != b"whatsapp" or "file" not in parts:
            return error(131009)
        filename, content = parts["file"]
        media_id = str(4_000_000_000_000 + next(self._ids))
        self.media[media_id] = (filename or "", parts["type"][1].decode(), content)
        return JSONResponse({"id": media_id})

    def _over_throughput(self) -> bool:
        """Whether this message would make more than `max_per_second` in the last second."""
        if self.max_per_second is None:
            return False
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.max_per_second:
            return True
        self._recent.append(now)
        return False

    def _check(self, body: dict[str, Any]) -> int | None:
        """Meta's limits: an error code when the message breaks one."""
        if body.get("messaging_product") != "whatsapp" or not str(body.get("to", "")).isdigit():
            return 131009
        kind = body.get("type")
        if kind == "text":
            return None if 0 < len(body["text"]["body"]) <= 4096 else 131009
        if kind == "interactive":
            return _check_interactive(body["interactive"])
        if kind == "document":
            doc = body["document"]
            ok = doc["id"] in self.media and len(doc.get("caption", "")) <= 1024
            return None if ok else 131053
        if kind == "template":
            return self._check_template(body["template"])
        return 131009

    def _check_template(self, template: dict[str, Any]) -> int | None:
        name = template["name"]
        if name not in self.templates or not template.get("language", {}).get("code"):
            return 132001
        params = [p for c in template.get("components", []) for p in c["parameters"]]
        if len(params) != self.templates[name]:
            return 132000
        bad = any("\n" in p["text"] or "\t" in p["text"] or "     " in p["text"] for p in params)
        return 131009 if bad else None


def _check_interactive(interactive: dict[str, Any]) -> int | None:
    if not 0 < len(interactive["body"]["text"]) <= 1024:
        return 131009
    action = interactive["action"]
    if interactive["type"] == "button":
        buttons = action["buttons"]
        titles = [b["reply"]["title"] for b in buttons]
        ok = (
            1 <= len(buttons) <= 3
            and all(0 < len(t) <= 20 for t in titles)
            and len(set(titles)) == len(titles)
        )
        return None if ok else 131009
    if interactive["type"] == "list":
        rows = [r for s in action["sections"] for r in s["rows"]]
        ok = (
            0 < len(action["button"]) <= 20
            and 1 <= len(rows) <= 10
            and all(len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in rows)
            and all(len(r["id"]) <= 200 for r in rows)
            and len({r["id"] for r in rows}) == len(rows)
        )
        return None if ok else 131009
    return 131009


def _auth_error(request: Request) -> JSONResponse | None:
    return None if request.headers.get("authorization") == f"Bearer {TOKEN}" else error(190)


def error(code: int) -> JSONResponse:
    """Meta's error envelope for a code."""
    status, title = ERRORS.get(code, (400, "Invalid parameter"))
    details = {"messaging_product": "whatsapp", "details": title}
    payload = {"message": f"(#{code}) {title}", "type": "OAuthException", "code": code, "error_data": details}
    payload["fbtrace_id"] = "AbCdEfGhIjKlMnOp"
    return JSONResponse({"error": payload}, status_code=status)


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """Form fields of a multipart body: name -> (filename, bytes)."""
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = (part.get_filename(), payload)
    return fields


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves the test process's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Any:
        yield


@contextlib.asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[str]:
    """Serve an ASGI app over real HTTP on 127.0.0.1 (a free port); yields its base URL."""
    server = _QuietServer(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
