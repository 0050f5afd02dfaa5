"""A fake Telegram Bot API server on 127.0.0.1 for tests and benchmarks.

It speaks the Bot API's HTTP shape (POST /bot<token>/<method>, form or multipart parameters,
`{"ok": true, "result": ...}` answers, `{"ok": false, "error_code": ..., "parameters": ...}`
errors) for the methods the bot uses, keeps what the bot sent per chat, and plays the users:
`say`, `press`, `share_contact`, `send_sticker` queue updates that getUpdates hands out with
offset confirmation and long-poll timeout, or that a test posts to a webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import itertools
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.web import WebServer

TOKEN = "123456:TEST-token"
BOT_ID = 123456
SEND_METHODS = {"sendMessage", "sendDocument"}
JSON_FIELDS = {
    "chat_id", "message_id", "offset", "limit", "timeout", "reply_markup", "allowed_updates",
    "commands", "show_alert", "drop_pending_updates",
}  # fmt: skip


@dataclass
class Sent:
    """A message the bot sent, as the fake keeps it."""

    message_id: int
    chat_id: int
    text: str | None
    reply_markup: dict[str, Any] | None
    document: tuple[str, bytes] | None = None  # (file name, content)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard, in order."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


@dataclass
class FakeTelegram:
    """The server's state; start it with `async with FakeTelegram() as tg:`."""

    token: str = TOKEN
    rate_limit: float | None = None  # sends per second before 429 (sliding one-second window)
    latency: float = 0.0  # seconds each send takes
    chats: dict[int, list[Sent]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    errors: deque[tuple[int, str, dict[str, Any] | None]] = field(default_factory=deque)
    answers: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    too_many: int = 0
    send_times: list[float] = field(default_factory=list)
    edits: list[tuple[int, int, str]] = field(default_factory=list)  # (chat, message, new text)
    files: dict[str, bytes] = field(default_factory=dict)  # documents users sent, by file_id
    file_errors: deque[tuple[int, str]] = field(default_factory=deque)  # next getFile answers
    download_errors: deque[int] = field(default_factory=deque)  # next file downloads' statuses
    downloads: int = 0  # file downloads served
    download_gate: asyncio.Event | None = None  # when given, file downloads wait for it (a slow link)
    downloads_started: int = 0  # file downloads asked for (served or still waiting at the gate)
    download_asked: asyncio.Event = field(default_factory=asyncio.Event)  # set by each download request

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._replay: list[dict[str, Any]] = []
        self._confirmed = 0
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._arrived = asyncio.Event()
        self._closing = False
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
        self._closing = True
        self._arrived.set()  # release long polls (a killed client's poll would run to its timeout)
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
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        params = await _parameters(request)
        self.calls.append((method, params))
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
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
                return _error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self._window.append(now)
        if self.errors:
            code, description, parameters = self.errors.popleft()
            return _error(code, description, parameters)
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
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
        offset = int(p.get("offset") or 0)
        self._confirmed = max(self._confirmed, offset - 1)
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        while True:
            allowed = p.get("allowed_updates") or None  # as Telegram: only the kinds asked for
            fresh = [u for u in self._updates if u["update_id"] > self._confirmed and _kind_in(u, allowed)]
            ready = self._replay + fresh
            if ready or self._closing or time.monotonic() >= deadline:
                self._replay = []
                return ready[: int(p.get("limit") or 100)]
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())

    async def _api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        sent = self._keep(int(p["chat_id"]), p.get("text"), p.get("reply_markup"))
        return self._message_json(sent)

    async def _api_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        sent = self._keep(int(p["chat_id"]), p.get("caption"), p.get("reply_markup"), p["document"])
        return self._message_json(sent)

    async def _api_editMessageReplyMarkup(self, p: dict[str, Any]) -> dict[str, Any] | JSONResponse:
        sent = self.message(int(p["chat_id"]), int(p["message_id"]))
        markup = p.get("reply_markup") or None
        if sent.reply_markup == markup:
            return _error(400, "Bad Request: message is not modified")
        sent.reply_markup = markup
        return self._message_json(sent)

    async def _api_editMessageText(self, p: dict[str, Any]) -> dict[str, Any] | JSONResponse:
        sent = self.message(int(p["chat_id"]), int(p["message_id"]))
        markup = p.get("reply_markup") or None  # Telegram drops an inline keyboard not sent again
        if sent.text == p["text"] and sent.reply_markup == markup:
            return _error(400, "Bad Request: message is not modified")
        sent.text, sent.reply_markup = p["text"], markup
        self.edits.append((sent.chat_id, sent.message_id, p["text"]))
        return self._message_json(sent)

    async def _api_getFile(self, p: dict[str, Any]) -> dict[str, Any] | JSONResponse:
        if self.file_errors:
            return _error(*self.file_errors.popleft())
        file_id = str(p["file_id"])
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        size = len(self.files[file_id])
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size,
                "file_path": f"documents/{file_id}"}  # fmt: skip

    async def _api_answerCallbackQuery(self, p: dict[str, Any]) -> bool | JSONResponse:
        if any(a["callback_query_id"] == p["callback_query_id"] for a in self.answers):
            return _error(400, "Bad Request: query is too old and response timeout expired")
        self.answers.append(p)
        return True

    # --- the users ----------------------------------------------------------------------------

    def say(self, user_id: int, text: str) -> dict[str, Any]:
        """The user types a text (commands included); returns the queued update."""
        return self._message_update(user_id, text=text)

    def share_contact(self, user_id: int, phone: str, contact_user_id: int | None) -> dict[str, Any]:
        """The user shares a contact card (their own when contact_user_id == user_id)."""
        contact = {"phone_number": phone, "first_name": "Kontak"}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id  # type: ignore[assignment]
        return self._message_update(user_id, contact=contact)

    def send_sticker(self, user_id: int) -> dict[str, Any]:
        """The user sends a sticker."""
        sticker = {"file_id": "s1", "file_unique_id": "s1", "width": 512, "height": 512}
        sticker |= {"is_animated": False, "is_video": False, "type": "regular"}
        return self._message_update(user_id, sticker=sticker)

    def send_document(
        self, user_id: int, name: str, content: bytes, *, caption: str | None = None, **declared: Any
    ) -> dict[str, Any]:
        """The user sends a file (`declared` overrides what the update says of it: file_size, ...)."""
        file_id = f"BQAC{next(self._update_ids)}"
        self.files[file_id] = content
        document: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name}
        document |= {"mime_type": "text/csv", "file_size": len(content)} | declared
        return self._message_update(user_id, document=document, **({"caption": caption} if caption else {}))

    def press(self, user_id: int, sent: Sent, data: str) -> dict[str, Any]:
        """The user presses a button of a message the bot sent (also a stale one)."""
        query_id = f"cq{next(self._update_ids)}"
        message = self._message_json(sent)
        return self._queue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": _user(user_id),
                    "message": message,
                    "chat_instance": f"ci{user_id}",
                    "data": data,
                }
            }
        )

    def block(self, user_id: int, blocked: bool = True) -> dict[str, Any]:
        """The user blocks the bot (or unblocks it): sends to them get 403 (or go through again),
        and the bot gets a `my_chat_member` update saying so."""
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        (self.blocked.add if blocked else self.blocked.discard)(user_id)
        bot = {"id": 1, "is_bot": True, "first_name": "Pemangku", "username": "pemangku_bot"}
        return self._queue(
            {
                "my_chat_member": {
                    "chat": {"id": user_id, "type": "private", "first_name": f"User{user_id}"},
                    "from": _user(user_id),
                    "date": int(time.time()),
                    "old_chat_member": _member(old, bot),
                    "new_chat_member": _member(new, bot),
                }
            }
        )

    def replay(self, update: dict[str, Any]) -> None:
        """Hand out an update again (a redelivery after a crash before confirming it)."""
        self._replay.append(update)
        self._arrived.set()

    def _message_update(self, user_id: int, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "from": _user(user_id),
            "chat": {"id": user_id, "type": "private", "first_name": f"User{user_id}"},
            "date": int(time.time()),
            **content,
        }
        text = content.get("text", "")
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._queue({"message": message})

    def _queue(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **body}
        self._updates.append(update)
        self._arrived.set()
        return update

    # --- what the bot sent --------------------------------------------------------------------

    def _keep(
        self, chat_id: int, text: str | None, markup: dict[str, Any] | None, document: Any = None
    ) -> Sent:
        sent = Sent(next(self._message_ids), chat_id, text, markup or None, document)
        self.chats.setdefault(chat_id, []).append(sent)
        return sent

    def _message_json(self, sent: Sent) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": sent.message_id,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Pemangku"},
            "chat": {"id": sent.chat_id, "type": "private", "first_name": f"User{sent.chat_id}"},
            "date": int(time.time()),
        }
        if sent.document is not None:
            name, content = sent.document
            body["document"] = {"file_id": f"d{sent.message_id}", "file_unique_id": "u", "file_name": name}
            body["document"]["file_size"] = len(content)
            if sent.text:
                body["caption"] = sent.text
        elif sent.text is not None:
            body["text"] = sent.text
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:  # as Telegram: inline only
            body["reply_markup"] = sent.reply_markup
        return body

    @property
    def confirmed(self) -> int:
        """The highest update_id the bot has confirmed (by asking for a higher offset)."""
        return self._confirmed

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


def _member(status: str, bot: dict[str, Any]) -> dict[str, Any]:
    return {"status": status, "user": bot} | ({"until_date": 0} if status == "kicked" else {})


def _kind_in(update: dict[str, Any], allowed: list[str] | None) -> bool:
    """Whether the update is of a kind the bot asked for (all kinds when it named none)."""
    return allowed is None or any(kind in update for kind in allowed)


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "id"}


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=code)


async def _parameters(request: Request) -> dict[str, Any]:
    """Bot API parameters from a query string, a form, a multipart body or JSON."""
    body = await request.body()
    kind = request.headers.get("content-type", "")
    raw: dict[str, Any] = dict(request.query_params)
    if kind.startswith("application/json") and body:
        decoded: dict[str, Any] = json.loads(body)
        return raw | decoded
    if kind.startswith("multipart/form-data"):
        raw |= _multipart(kind, body)
    elif body:
        raw |= dict(parse_qsl(body.decode(), keep_blank_values=True))
    return {k: json.loads(v) if k in JSON_FIELDS and isinstance(v, str) and v else v for k, v in raw.items()}


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    found: dict[str, Any] = {}
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        filename = part.get_filename()
        if filename:
            found[str(name)] = (filename, payload)
        else:
            found[str(name)] = payload.decode() if isinstance(payload, bytes) else payload
    return found
