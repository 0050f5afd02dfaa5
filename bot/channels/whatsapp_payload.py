"""Cloud API webhook bodies to IncomingMessages and delivery statuses (pure, no I/O).

Every entry, every change and every message of one body is read; unknown shapes are skipped,
never fatal, because Meta adds fields and types without notice.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import phonenumbers

from bot.messages import Channel, IncomingMessage

SIGNATURE_PREFIX = "sha256="
IGNORED_TYPES = {"system", "request_welcome", "ephemeral"}  # nothing a person typed to us


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status of a message we sent."""

    wamid: str
    status: str  # sent | delivered | read | failed
    error_code: int | None = None
    error_title: str | None = None


@dataclass(frozen=True)
class ParsedBody:
    """What one webhook body holds."""

    messages: list[IncomingMessage]
    statuses: list[StatusUpdate]


def signature_ok(app_secret: bytes, raw_body: bytes, header: str | None) -> bool:
    """X-Hub-Signature-256 is `sha256=` + hex HMAC-SHA256 of the raw body; compared in constant time."""
    if not header or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(app_secret, raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(
        expected.encode(), header.removeprefix(SIGNATURE_PREFIX).strip().lower().encode()
    )


def sign(app_secret: bytes, raw_body: bytes) -> str:
    """The header value Meta would send for this body."""
    return SIGNATURE_PREFIX + hmac.new(app_secret, raw_body, hashlib.sha256).hexdigest()


def parse_body(body: dict[str, Any], received: datetime) -> ParsedBody:
    """All messages and statuses of a webhook body, in the order they appear; a message without
    a readable timestamp counts as sent at `received` (when the body reached us)."""
    messages: list[IncomingMessage] = []
    statuses: list[StatusUpdate] = []
    for value in _values(body):
        names = {c.get("wa_id"): (c.get("profile") or {}).get("name") for c in value.get("contacts") or []}
        for raw in value.get("messages") or []:
            message = _message(raw, names, received)
            if message is not None:
                messages.append(message)
        statuses.extend(s for s in map(_status, value.get("statuses") or []) if s is not None)
    return ParsedBody(messages, statuses)


def e164_digits(number: str, region: str = "ID") -> str | None:
    """A phone number as WhatsApp writes it (E.164 without "+"), or None when it is not one."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).removeprefix("+")


def _values(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if body.get("object") != "whatsapp_business_account":
        return
    for entry in body.get("entry") or []:
        for change in entry.get("changes") or []:
            if change.get("field") == "messages" and isinstance(change.get("value"), dict):
                yield change["value"]


def _message(raw: dict[str, Any], names: dict[Any, Any], received: datetime) -> IncomingMessage | None:
    kind, sender, wamid = raw.get("type"), raw.get("from"), raw.get("id")
    if not sender or not wamid or kind in IGNORED_TYPES:
        return None
    fields: dict[str, Any] = {
        "channel": Channel.WHATSAPP,
        "sender_id": str(sender),
        "external_id": str(wamid),
        "received_at": _instant(raw.get("timestamp"), received),
        "sender_name": names.get(sender),
    }
    return IncomingMessage(**fields, **_content(kind, raw, str(sender)))


def _content(kind: Any, raw: dict[str, Any], sender: str) -> dict[str, Any]:
    """The IncomingMessage fields that depend on the message type."""
    if kind == "text":
        return {"text": str((raw.get("text") or {}).get("body") or "")}
    if kind == "interactive":
        interactive = raw.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply")
        if reply and reply.get("id"):
            return {"choice_id": str(reply["id"])}
    if kind == "button":  # a template's quick-reply button: its text is what the person "said"
        return {"text": str((raw.get("button") or {}).get("text") or "")}
    if kind == "contacts":
        return _shared_contact(raw, sender)
    return {"unsupported": str(kind or "unknown")}


def _shared_contact(raw: dict[str, Any], sender: str) -> dict[str, Any]:
    """A shared contact card: its first phone, and whether it is the sender's own number."""
    for card in raw.get("contacts") or []:
        for phone in card.get("phones") or []:
            digits = e164_digits(str(phone.get("wa_id") or phone.get("phone") or ""))
            if digits:
                return {"contact_phone": "+" + digits, "contact_is_own": digits == e164_digits(sender)}
    return {"unsupported": "contacts"}


def _status(raw: dict[str, Any]) -> StatusUpdate | None:
    if not raw.get("id") or raw.get("status") not in {"sent", "delivered", "read", "failed"}:
        return None
    errors = raw.get("errors") or [{}]
    code = errors[0].get("code")
    return StatusUpdate(
        wamid=str(raw["id"]),
        status=str(raw["status"]),
        error_code=code if isinstance(code, int) else None,
        error_title=errors[0].get("title"),
    )


def _instant(timestamp: Any, default: datetime) -> datetime:
    """Meta's unix-seconds string as an aware UTC datetime (`default` when it is unreadable)."""
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return default
