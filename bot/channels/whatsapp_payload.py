"""Cloud API webhook bodies to IncomingMessages and delivery statuses (pure, no I/O).

The body is validated, not trusted: pydantic models of the parts we read, each entry, change,
contact, message and status on its own, so one bad item never loses the good ones beside it.
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
from typing import Any, TypeVar

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.channels.text import EXTERNAL_ID_MAX, SENDER_ID_MAX, InboundRejected
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


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Body(_Part):
    object: str
    entry: list[Any]


class _Entry(_Part):
    changes: list[Any] = []


class _Change(_Part):
    field: str
    value: Any = None


class _Value(_Part):
    contacts: list[Any] = []
    messages: list[Any] = []
    statuses: list[Any] = []


class _Profile(_Part):
    name: str | None = None


class _Contact(_Part):
    wa_id: str
    profile: _Profile | None = None


class _Message(_Part):
    sender: str = Field(alias="from", min_length=1)
    id: str = Field(min_length=1)
    type: str
    timestamp: Any = None  # unix seconds as a string; anything else means "now"


class _Text(_Part):
    body: str = ""


class _TextMessage(_Part):
    text: _Text


class _Reply(_Part):
    id: str = Field(min_length=1)


class _Interactive(_Part):
    button_reply: _Reply | None = None
    list_reply: _Reply | None = None


class _InteractiveMessage(_Part):
    interactive: _Interactive


class _Button(_Part):
    payload: str = ""
    text: str = ""


class _ButtonMessage(_Part):
    button: _Button


class _Phone(_Part):
    wa_id: str | None = None
    phone: str | None = None


class _Card(_Part):
    phones: list[_Phone] = []


class _ContactsMessage(_Part):
    contacts: list[_Card]


class _Document(_Part):
    id: str = Field(min_length=1, max_length=100)
    filename: str | None = None
    mime_type: str | None = None
    sha256: str | None = None
    caption: str | None = None


class _DocumentMessage(_Part):
    document: _Document


class _Media(_Part):
    caption: str | None = None


class _ImageMessage(_Part):
    image: _Media


class _VideoMessage(_Part):
    video: _Media


class _Error(_Part):
    code: int | None = None
    title: str | None = None


class _System(_Part):
    type: str | None = None
    wa_id: str | None = None  # the new number (older API versions: new_wa_id)
    new_wa_id: str | None = None


class _SystemMessage(_Part):
    system: _System


class _Status(_Part):
    id: str = Field(min_length=1, max_length=EXTERNAL_ID_MAX)
    status: str
    errors: list[_Error] = []


Model = TypeVar("Model", bound=_Part)
PARTS: dict[str, type[_Part]] = {
    "text": _TextMessage,
    "interactive": _InteractiveMessage,
    "button": _ButtonMessage,
    "contacts": _ContactsMessage,
    "document": _DocumentMessage,
    "image": _ImageMessage,
    "video": _VideoMessage,
}
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
            c.wa_id: c.profile.name if c.profile else None for c in _each(_Contact, value.contacts, parsed)
        }
        for raw in value.messages:
            change = _number_change(raw, received)
            if change is not None:
                parsed.number_changes.append(change)
                continue
            message = _message(raw, names, parsed.problems, received)
            if message is not None:
                parsed.messages.append(message)
        for status in _each(_Status, value.statuses, parsed):
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


def _values(body: Any, problems: Counter[str]) -> Iterator[_Value]:
    top = _valid(_Body, body)
    if top is None:
        problems["body"] += 1
        return
    if top.object != "whatsapp_business_account":
        return
    for raw_entry in top.entry:
        entry = _valid(_Entry, raw_entry)
        if entry is None:
            problems["entry"] += 1
            continue
        for raw_change in entry.changes:
            change = _valid(_Change, raw_change)
            if change is None:
                problems["change"] += 1
            elif change.field == "messages":  # other fields (account updates) are not ours
                value = _valid(_Value, change.value)
                if value is None:
                    problems["change"] += 1
                else:
                    yield value


def _message(
    raw: Any, names: dict[str, str | None], problems: Counter[str], received: datetime
) -> IncomingMessage | None:
    head = _valid(_Message, raw)
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
    head = _valid(_Message, raw)
    if head is None or head.type != "system":
        return None
    part = _valid(_SystemMessage, raw)
    if part is None or part.system.type != NUMBER_CHANGED:
        return None
    new = (part.system.wa_id or part.system.new_wa_id or "").strip()
    fits = len(new) <= SENDER_ID_MAX and len(head.sender) <= SENDER_ID_MAX and len(head.id) <= EXTERNAL_ID_MAX
    if not (new.isascii() and new.isdigit()) or new == head.sender or not fits:
        return None
    return NumberChange(head.sender, new, head.id, _instant(head.timestamp, received))


def _content(head: _Message, raw: Any, problems: Counter[str]) -> dict[str, Any]:
    """The IncomingMessage fields that depend on the message type. A part of the wrong shape is
    counted, and the message still gets the kind answer for what cannot be read."""
    model = PARTS.get(head.type)
    part = _valid(model, raw) if model is not None else None
    if model is not None and part is None:
        problems[head.type] += 1
    if isinstance(part, _TextMessage):
        return {"text": part.text.body}
    if isinstance(part, _InteractiveMessage):
        reply = part.interactive.button_reply or part.interactive.list_reply
        if reply is not None:
            return {"choice_id": reply.id}
    if isinstance(part, _ButtonMessage):  # a template's quick reply: a press, never a typed answer
        return {"choice_id": (part.button.payload or part.button.text).strip().lower() or "?"}
    if isinstance(part, _ContactsMessage):
        return _shared_contact(part, head.sender)
    if isinstance(part, _DocumentMessage):
        doc = part.document
        name = (doc.filename or "")[:FILE_NAME_MAX]
        return {"file": IncomingFile(doc.id, name, doc.mime_type, sha256=doc.sha256), "text": doc.caption}
    if isinstance(part, _ImageMessage | _VideoMessage):  # unreadable, but its caption was typed
        media = part.image if isinstance(part, _ImageMessage) else part.video
        return {"unsupported": head.type, "text": media.caption}
    return {"unsupported": head.type or "unknown"}


def _shared_contact(cards: _ContactsMessage, sender: str) -> dict[str, Any]:
    """A shared contact card: its first phone, and whether it is the sender's own number."""
    for card in cards.contacts:
        for phone in card.phones:
            digits = e164_digits(phone.wa_id or phone.phone or "")
            if digits:
                return {"contact_phone": "+" + digits, "contact_is_own": digits == e164_digits(sender)}
    return {"unsupported": "contacts"}


def _status(status: _Status) -> StatusUpdate:
    error = status.errors[0] if status.errors else _Error()
    return StatusUpdate(status.id, status.status, error.code, error.title)


def _instant(timestamp: Any, default: datetime) -> datetime:
    """Meta's unix-seconds string as an aware UTC datetime (`default` when it is unreadable)."""
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return default
