"""Cloud API webhook bodies to IncomingMessages and delivery statuses (pure, no I/O).

The body is validated, not trusted: pydantic models of the parts we read (whatsapp_wire.py), each
entry, change, contact, message and status on its own, so one bad item never loses the good ones
beside it.
What cannot be read is counted by kind (never by content) in `ParsedBody.problems`; nothing
here raises, whatever the bytes. Unknown fields and message types are not problems: Meta adds
them without notice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import phonenumbers
from pydantic import ValidationError

from bot.channels import whatsapp_wire as wire
from bot.channels.text import EXTERNAL_ID_MAX, SENDER_ID_MAX, InboundRejected
from bot.channels.whatsapp_wire import PARTS, Model
from bot.messages import Channel, IncomingFile, IncomingMessage

SIGNATURE_PREFIX = "sha256="
# Nothing a person typed to us: a system notice (a number change is read apart: NumberChange), a
# chat opened, a reaction (an emoji put on one of our messages, or taken off it: answering it
# would be noise).
IGNORED_TYPES = {"system", "request_welcome", "ephemeral", "reaction"}
NUMBER_CHANGED = "user_changed_number"
STATUSES = {"sent", "delivered", "read", "failed"}


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status of a message we sent."""

    wamid: str
    status: str  # sent | delivered | read | failed
    error_code: int | None = None
    error_title: str | None = None


@dataclass(frozen=True)
class NumberChange:
    """A person moved their WhatsApp account from `old` to `new` (a `system` message whose
    `from` is the old number); `external_id` is its wamid, which makes a redelivery a no-op;
    `at` is when it happened (the platform's timestamp)."""

    old: str
    new: str
    external_id: str
    at: datetime


@dataclass(frozen=True)
class ParsedBody:
    """What one webhook body holds, and what of it could not be read (kind -> count)."""

    messages: list[IncomingMessage]
    statuses: list[StatusUpdate]
    problems: Counter[str] = field(default_factory=Counter)
    number_changes: list[NumberChange] = field(default_factory=list)

    def problem_note(self) -> str | None:
        """The problems as one line for the stored body ("unreadable: message x2"), or None."""
        if not self.problems:
            return None
        return "unreadable: " + ", ".join(f"{kind} x{n}" for kind, n in sorted(self.problems.items()))


FILE_NAME_MAX = 200


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


def stored_form(raw: bytes) -> dict[str, Any]:
    """What the webhook stores of a signed body: its text as received (storable whatever it holds:
    deep nesting, NUL or lone-surrogate escapes stay inert text until `parse_stored` reads it)."""
    return {"raw": raw.decode("utf-8", "replace")}


def parse_stored(stored: dict[str, Any], received: datetime) -> ParsedBody:
    """A stored body parsed; rows stored before bodies were kept as text hold the decoded JSON.
    A message without a readable timestamp counts as sent at `received` (when the body came)."""
    raw = stored.get("raw")
    if isinstance(raw, str) and len(stored) == 1:
        return parse_text(raw, received)
    return parse_body(stored, received)


def parse_text(raw: str, received: datetime) -> ParsedBody:
    """The messages and statuses of a body's text; invalid JSON is a problem, never an error."""
    try:
        body = json.loads(raw)
    except RecursionError:  # JSON nested thousands deep
        return ParsedBody([], [], Counter({"nesting": 1}))
    except ValueError:
        return ParsedBody([], [], Counter({"json": 1}))
    return parse_body(body, received)


def parse_body(body: Any, received: datetime) -> ParsedBody:
    """All messages and statuses of a decoded webhook body, in the order they appear."""
    parsed = ParsedBody([], [])
    for value in _values(body, parsed.problems):
        names = {
            c.wa_id: c.profile.name if c.profile else None
            for c in _each(wire.Contact, value.contacts, parsed)
        }
        for raw in value.messages:
            change = _number_change(raw, received)
            if change is not None:
                parsed.number_changes.append(change)
                continue
            message = _message(raw, names, parsed.problems, received)
            if message is not None:
                parsed.messages.append(message)
        for status in _each(wire.Status, value.statuses, parsed):
            if status.status in STATUSES:
                parsed.statuses.append(_status(status))
    return parsed


def e164_digits(number: str, region: str = "ID") -> str | None:
    """A phone number as WhatsApp writes it (E.164 without "+"), or None when it is not one."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).removeprefix("+")


def _valid(model: type[Model], raw: Any) -> Model | None:
    try:
        return model.model_validate(raw)
    except (ValidationError, RecursionError):
        return None


def _each(model: type[Model], items: list[Any], parsed: ParsedBody) -> Iterator[Model]:
    """The items that validate; each one that does not is counted under the model's kind."""
    for raw in items:
        item = _valid(model, raw)
        if item is None:
            parsed.problems[model.__name__.strip("_").lower()] += 1
        else:
            yield item


def _values(body: Any, problems: Counter[str]) -> Iterator[wire.Value]:
    top = _valid(wire.Body, body)
    if top is None:
        problems["body"] += 1
        return
    if top.object != "whatsapp_business_account":
        return
    for raw_entry in top.entry:
        entry = _valid(wire.Entry, raw_entry)
        if entry is None:
            problems["entry"] += 1
            continue
        for raw_change in entry.changes:
            change = _valid(wire.Change, raw_change)
            if change is None:
                problems["change"] += 1
            elif change.field == "messages":  # other fields (account updates) are not ours
                value = _valid(wire.Value, change.value)
                if value is None:
                    problems["change"] += 1
                else:
                    yield value


def _message(
    raw: Any, names: dict[str, str | None], problems: Counter[str], received: datetime
) -> IncomingMessage | None:
    head = _valid(wire.Message, raw)
    if head is None:
        problems["message"] += 1
        return None
    if head.type in IGNORED_TYPES:
        return None
    try:
        return IncomingMessage(
            channel=Channel.WHATSAPP,
            sender_id=head.sender,
            external_id=head.id,
            received_at=_instant(head.timestamp, received),
            sender_name=names.get(head.sender),
            **_content(head, raw, problems),
        )
    except InboundRejected as exc:  # an id that fits no column: dropped here, counted by kind
        problems[exc.kind] += 1
        return None


def _number_change(raw: Any, received: datetime) -> NumberChange | None:
    """A `system` message saying the sender's number changed, when it names a usable new number."""
    head = _valid(wire.Message, raw)
    if head is None or head.type != "system":
        return None
    part = _valid(wire.SystemMessage, raw)
    if part is None or part.system.type != NUMBER_CHANGED:
        return None
    new = (part.system.wa_id or part.system.new_wa_id or "").strip()
    fits = len(new) <= SENDER_ID_MAX and len(head.sender) <= SENDER_ID_MAX and len(head.id) <= EXTERNAL_ID_MAX
    if not (new.isascii() and new.isdigit()) or new == head.sender or not fits:
        return None
    return NumberChange(head.sender, new, head.id, _instant(head.timestamp, received))


def _content(head: wire.Message, raw: Any, problems: Counter[str]) -> dict[str, Any]:
    """The IncomingMessage fields that depend on the message type. A part of the wrong shape is
    counted, and the message still gets the kind answer for what cannot be read."""
    model = PARTS.get(head.type)
    part = _valid(model, raw) if model is not None else None
    if model is not None and part is None:
        problems[head.type] += 1
    if isinstance(part, wire.TextMessage):
        return {"text": part.text.body}
    if isinstance(part, wire.InteractiveMessage):
        reply = part.interactive.button_reply or part.interactive.list_reply
        if reply is not None:
            return {"choice_id": reply.id}
    if isinstance(part, wire.ButtonMessage):  # a template's quick reply: a press, never a typed answer
        return {"choice_id": (part.button.payload or part.button.text).strip().lower() or "?"}
    if isinstance(part, wire.ContactsMessage):
        return _shared_contact(part, head.sender)
    if isinstance(part, wire.DocumentMessage):
        doc = part.document
        name = (doc.filename or "")[:FILE_NAME_MAX]
        return {"file": IncomingFile(doc.id, name, doc.mime_type, sha256=doc.sha256), "text": doc.caption}
    if isinstance(part, wire.ImageMessage | wire.VideoMessage):  # unreadable, but its caption was typed
        media = part.image if isinstance(part, wire.ImageMessage) else part.video
        return {"unsupported": head.type, "text": media.caption}
    return {"unsupported": head.type or "unknown"}


def _shared_contact(cards: wire.ContactsMessage, sender: str) -> dict[str, Any]:
    """A shared contact card: its first phone, and whether it is the sender's own number."""
    for card in cards.contacts:
        for phone in card.phones:
            digits = e164_digits(phone.wa_id or phone.phone or "")
            if digits:
                return {"contact_phone": "+" + digits, "contact_is_own": digits == e164_digits(sender)}
    return {"unsupported": "contacts"}


def _status(status: wire.Status) -> StatusUpdate:
    error = status.errors[0] if status.errors else wire.Error()
    return StatusUpdate(status.id, status.status, error.code, error.title)


def _instant(timestamp: Any, default: datetime) -> datetime:
    """Meta's unix-seconds string as an aware UTC datetime (`default` when it is unreadable)."""
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return default
