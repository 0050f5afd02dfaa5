"""The channel-neutral message types: what every adapter produces and every sender renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.channels import text as edge
from models.person import Channel

__all__ = [
    "Channel",
    "Choice",
    "DocumentRef",
    "EditRef",
    "FetchFailed",
    "FileFetcher",
    "IncomingFile",
    "IncomingMessage",
    "OutgoingMessage",
    "TemplateRef",
]


@dataclass(frozen=True)
class IncomingFile:
    """A file a person sent: what the platform says about it, and its opaque reference (a Telegram
    file_id, a WhatsApp media id) by which the channel's fetcher brings its bytes."""

    ref: str
    name: str
    mime_type: str | None = None
    size: int | None = None
    sha256: str | None = None  # as the platform gives it (hex or base64), checked after the fetch


class FetchFailed(Exception):
    """A file could not be brought: `kind` is "too_big", "corrupt" or "unavailable" (try again)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class FileFetcher(Protocol):
    """A channel's downloader: the bytes of a file it reported, at most `limit` of them."""

    async def fetch(self, file: IncomingFile, limit: int) -> bytes:
        """The file's bytes; raises FetchFailed."""


@dataclass(frozen=True)
class IncomingMessage:
    """One thing a person sent, whatever the platform.

    `text` for typed text (commands included, e.g. "/start KODE"), `choice_id` for a pressed
    button or list row, `contact_phone` for a shared contact (E.164; `contact_is_own` is false when
    the contact is somebody else's), `unsupported` names what cannot be read (sticker, photo,
    voice, location, ...), `file` a document (its caption is the `text`). `external_id` is the
    platform's id, used to drop redeliveries.
    A person's messages are handled in `position` order (bot/inbound_queue.py).
    """

    channel: Channel
    sender_id: str
    external_id: str
    received_at: datetime
    text: str | None = None
    choice_id: str | None = None
    contact_phone: str | None = None
    contact_is_own: bool = True
    unsupported: str | None = None
    sender_name: str | None = None
    file: IncomingFile | None = None
    position: int | None = None  # the platform's order of messages (Telegram update_id); None: by time

    def __post_init__(self) -> None:
        """Every channel's messages pass the same edge (bot/channels/text.py): ids that fit their
        columns (else InboundRejected), clean text, and a text holding NUL refused as unreadable."""
        edge.checked_id(self.sender_id, edge.SENDER_ID_MAX, "sender id")
        edge.checked_id(self.external_id, edge.EXTERNAL_ID_MAX, "message id")
        safe: dict[str, Any] = {
            "choice_id": edge.clipped(self.choice_id, edge.CHOICE_ID_MAX),
            "sender_name": edge.clipped(self.sender_name, edge.NAME_MAX),
        }
        if self.contact_phone is not None and edge.phone_or_none(self.contact_phone) is None:
            safe |= {"contact_phone": None, "unsupported": self.unsupported or "contacts"}
        if self.text is not None:
            nul = edge.has_nul(self.text)
            safe["text"] = None if nul else edge.clean_text(self.text)
            if nul:
                safe["unsupported"] = self.unsupported or "text"
        for name, value in safe.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class Choice:
    """An answer offered as a button; it can always be typed too (its number or its label)."""

    id: str
    label: str
    description: str | None = None


@dataclass(frozen=True)
class DocumentRef:
    """A stored file (models.outbox.StoredDocument) to send with an optional caption."""

    document_id: int
    filename: str
    caption: str | None = None


@dataclass(frozen=True)
class TemplateRef:
    """A pre-approved WhatsApp template to use when free-form text is not allowed (24-hour window)."""

    name: str
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditRef:
    """An earlier outbox row whose buttons are taken away, showing what was chosen on it."""

    row: int
    chosen: str | None = None


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to one person: text, optional choices, optional document, optional template."""

    text: str
    choices: tuple[Choice, ...] = ()
    document: DocumentRef | None = None
    template: TemplateRef | None = None
    request_contact: bool = False
    remove_keyboard: bool = False  # the contact button was used: take it away
    edit: EditRef | None = None  # not a new message: an edit of an earlier one (Telegram only)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_payload(self) -> dict[str, Any]:
        """A JSON-ready dict for the outbox."""
        payload: dict[str, Any] = {"text": self.text}
        if self.choices:
            payload["choices"] = [
                {"id": c.id, "label": c.label, "description": c.description} for c in self.choices
            ]
        if self.document:
            payload["document"] = {
                "document_id": self.document.document_id,
                "filename": self.document.filename,
                "caption": self.document.caption,
            }
        if self.template:
            payload["template"] = {"name": self.template.name, "params": list(self.template.params)}
        if self.request_contact:
            payload["request_contact"] = True
        if self.remove_keyboard:
            payload["remove_keyboard"] = True
        if self.edit:
            payload["edit"] = {"row": self.edit.row, "chosen": self.edit.chosen}
        if self.extra:
            payload["extra"] = self.extra
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> OutgoingMessage:
        """The inverse of `to_payload`."""
        doc = payload.get("document")
        tpl = payload.get("template")
        edit = payload.get("edit")
        return cls(
            text=payload["text"],
            choices=tuple(Choice(**c) for c in payload.get("choices", [])),
            document=DocumentRef(**doc) if doc else None,
            template=TemplateRef(tpl["name"], tuple(tpl["params"])) if tpl else None,
            request_contact=bool(payload.get("request_contact")),
            remove_keyboard=bool(payload.get("remove_keyboard")),
            edit=EditRef(**edit) if edit else None,
            extra=payload.get("extra", {}),
        )
