"""A fake Telegram Bot API server on 127.0.0.1 for tests and benchmarks.

It speaks the Bot API's HTTP shape (POST /bot<token>/<method>, form or multipart parameters,
`{"ok": true, "result": ...}` answers, `{"ok": false, "error_code": ..., "parameters": ...}`
errors) for the methods the bot uses and keeps what the bot sent per chat. The users it plays
(`say`, `press`, ...) live in `telegram_users.py`; the wire shapes in `telegram_wire.py`.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.web import WebServer
from tests.fakes.telegram_users import TelegramUsers
from tests.fakes.telegram_wire import BOT_ID, TOKEN, Sent, error, message_json, parameters

__all__ = ["BOT_ID", "TOKEN", "FakeTelegram", "Sent"]  # the names tests import from here

SEND_METHODS = {"sendMessage", "sendDocument"}


@dataclass
class FakeTelegram(TelegramUsers):
    """The server's state; start it with `async with FakeTelegram() as tg:`."""

    token: str = TOKEN
    rate_limit: float | None = None  # sends per second before 429 (sliding one-second window)
    latency: float = 0.0  # seconds each send takes
    chats: dict[int, list[Sent]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    errors: deque[tuple[int, str, dict[str, Any] | None]] = field(default_factory=deque)
    answers: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    too_many: int = 0
    send_times: list[float] = field(default_factory=list)
    edits: list[tuple[int, int, str]] = field(default_factory=list)  # (chat, message, new text)
    file_errors: deque[tuple[int, str]] = field(default_factory=deque)  # next getFile answers
    download_errors: deque[int] = field(default_factory=deque)  # next file downloads' statuses
    downloads: int = 0  # file downloads served
    download_gate: asyncio.Event | None = None  # when given, file downloads wait for it (a slow link)
    downloads_started: int = 0  # file downloads asked for (served or still waiting at the gate)
    download_asked: asyncio.Event = field(default_factory=asyncio.Event)  # set by each download request

    def __post_init__(self) -> None:
        super().__post_init__()
        self._window: deque[float] = deque()
        self._server: WebServer | None = None

    # --- server -------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeTelegram:
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
                Route("/_fake/stats", self._stats, methods=["GET"]),
            ]
        )
        self._server = WebServer(app, "127.0.0.1", 0)
        await self._server.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._server is not None
        self._release_polls()
        await self._server.stop()

    @property
    def base_url(self) -> str:
        """What PEMANGKU_TELEGRAM_BASE_URL would be."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What PEMANGKU_TELEGRAM_BASE_FILE_URL would be."""
        return self.base_url.replace("/bot", "/file/bot")

    async def _file(self, request: Request) -> Response:
        """The file URL getFile points at: the document's bytes, or a queued error status."""
        file_id = request.path_params["path"].rsplit("/", 1)[-1]
        if request.path_params["token"] != self.token or file_id not in self.files:
            return Response(status_code=404)
        self.downloads_started += 1
        self.download_asked.set()
        if self.download_gate is not None:
            await self.download_gate.wait()
        if self.download_errors:
            return Response(status_code=self.download_errors.popleft())
        self.downloads += 1
        return Response(self.files[file_id], media_type="application/octet-stream")

    async def _stats(self, _request: Request) -> JSONResponse:
        """For a fake running in another process (the benchmark): what it accepted and refused."""
        return JSONResponse({"send_times": self.send_times, "too_many": self.too_many})

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return error(401, "Unauthorized")
        method = request.path_params["method"]
        params = await parameters(request)
        self.calls.append((method, params))
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return error(404, "Not Found: method not found")
        if method in SEND_METHODS:
            refused = await self._refuse_send(int(params["chat_id"]))
            if refused is not None:
                return refused
        result = await handler(params)
        return result if isinstance(result, JSONResponse) else JSONResponse({"ok": True, "result": result})

    async def _refuse_send(self, chat_id: int) -> JSONResponse | None:
        """Rate limit, queued errors and blocked users, in that order."""
        if self.latency:
            await asyncio.sleep(self.latency)
        now = time.monotonic()
        if self.rate_limit is not None:
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= self.rate_limit:
                self.too_many += 1
                return error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self._window.append(now)
        if self.errors:
            code, description, parameters = self.errors.popleft()
            return error(code, description, parameters)
        if chat_id in self.blocked:
            return error(403, "Forbidden: bot was blocked by the user")
        self.send_times.append(now)
        return None

    # --- Bot API methods ----------------------------------------------------------------------

    async def _api_getMe(self, _p: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Pemangku", "username": "pemangku_test_bot"}

    async def _api_setMyCommands(self, p: dict[str, Any]) -> bool:
        self.commands = p["commands"]
        return True

    async def _api_setWebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = p
        return True

    async def _api_deleteWebhook(self, _p: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    async def _api_getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        offset, limit = int(p.get("offset") or 0), int(p.get("limit") or 100)
        allowed = p.get("allowed_updates") or None  # as Telegram: only the kinds asked for
        return await self._take_updates(offset, limit, float(p.get("timeout") or 0), allowed)

    async def _api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        sent = self._keep(int(p["chat_id"]), p.get("text"), p.get("reply_markup"))
        return message_json(sent)

    async def _api_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        sent = self._keep(int(p["chat_id"]), p.get("caption"), p.get("reply_markup"), p["document"])
        return message_json(sent)

    async def _api_editMessageReplyMarkup(self, p: dict[str, Any]) -> dict[str, Any] | JSONResponse:
        sent = self.message(int(p["chat_id"]), int(p["message_id"]))
        markup = p.get("reply_markup") or None
        if sent.reply_markup == markup:
            return error(400, "Bad Request: message is not modified")
        sent.reply_markup = markup
        return message_json(sent)

    async def _api_editMessageText(self, p: dict[str, Any]) -> dict[str, Any] | JSONResponse:
        sent = self.message(int(p["chat_id"]), int(p["message_id"]))
        markup = p.get("reply_markup") or None  # Telegram drops an inline keyboard not sent again
        if sent.text == p["text"] and sent.reply_markup == markup:
            return error(400, "Bad Request: message is not modified")
        sent.text, sent.reply_markup = p["text"], markup
        self.edits.append((sent.chat_id, sent.message_id, p["text"]))
        return message_json(sent)

    async def _api_getFile(self, p: dict[str, Any]) -> dict[str, Any] | JSONResponse:
        if self.file_errors:
            return error(*self.file_errors.popleft())
        file_id = str(p["file_id"])
        if file_id not in self.files:
            return error(400, "Bad Request: invalid file_id")
        size = len(self.files[file_id])
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size,
                "file_path": f"documents/{file_id}"}  # fmt: skip

    async def _api_answerCallbackQuery(self, p: dict[str, Any]) -> bool | JSONResponse:
        if any(a["callback_query_id"] == p["callback_query_id"] for a in self.answers):
            return error(400, "Bad Request: query is too old and response timeout expired")
        self.answers.append(p)
        return True

    # --- what the bot sent --------------------------------------------------------------------

    def _keep(
        self, chat_id: int, text: str | None, markup: dict[str, Any] | None, document: Any = None
    ) -> Sent:
        sent = Sent(next(self._message_ids), chat_id, text, markup or None, document)
        self.chats.setdefault(chat_id, []).append(sent)
        return sent

    def message(self, chat_id: int, message_id: int) -> Sent:
        """One message the bot sent."""
        return next(m for m in self.chats.get(chat_id, []) if m.message_id == message_id)

    def texts(self, chat_id: int) -> list[str]:
        """Every text (or caption) the bot sent to a chat, in order."""
        return [m.text or "" for m in self.chats.get(chat_id, [])]

    def last(self, chat_id: int) -> Sent:
        """The last message the bot sent to a chat."""
        return self.chats[chat_id][-1]

    async def wait_for(self, chat_id: int, count: int, within: float = 10.0) -> list[Sent]:
        """Wait until the bot has sent at least `count` messages to the chat; returns them all."""
        deadline = time.monotonic() + within
        while len(self.chats.get(chat_id, [])) < count:
            if time.monotonic() > deadline:
                got = self.texts(chat_id)
                raise AssertionError(f"chat {chat_id}: wanted {count} messages, got {len(got)}: {got}")
            await asyncio.sleep(0.01)
        return self.chats[chat_id]

    def count(self, method: str) -> int:
        """How many times the bot called a method."""
        return sum(1 for name, _ in self.calls if name == method)
