"""The Bot API's wire shapes for the fake Telegram server: parameters in, JSON bodies out."""

from __future__ import annotations

import email.parser
import email.policy
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

TOKEN = "123456:TEST-token"
BOT_ID = 123456
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


def user_json(user_id: int) -> dict[str, Any]:
    """A Telegram User object for one of the fake's users."""
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "id"}


def message_json(sent: Sent) -> dict[str, Any]:
    """The Message object Telegram returns for (and shows in callbacks on) a message the bot sent."""
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


def error(code: int, description: str, parameters: dict[str, Any] | None = None) -> JSONResponse:
    """A Bot API error answer."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=code)


async def parameters(request: Request) -> dict[str, Any]:
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
