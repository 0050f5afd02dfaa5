"""The parts of a Cloud API webhook body that bot/channels/whatsapp_payload.py reads, as pydantic
models: each validated on its own (one bad message never loses the good ones beside it), unknown
fields ignored (Meta adds them without notice), sizes bounded where a part becomes ours to keep.
`PARTS` gives the model of each message type read."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from bot.channels.text import EXTERNAL_ID_MAX


class Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Body(Part):
    object: str
    entry: list[Any]


class Entry(Part):
    changes: list[Any] = []


class Change(Part):
    field: str
    value: Any = None


class Value(Part):
    contacts: list[Any] = []
    messages: list[Any] = []
    statuses: list[Any] = []


class Profile(Part):
    name: str | None = None


class Contact(Part):
    wa_id: str
    profile: Profile | None = None


class Message(Part):
    sender: str = Field(alias="from", min_length=1)
    id: str = Field(min_length=1)
    type: str
    timestamp: Any = None  # unix seconds as a string; anything else means "now"


class Text(Part):
    body: str = ""


class TextMessage(Part):
    text: Text


class Reply(Part):
    id: str = Field(min_length=1)


class Interactive(Part):
    button_reply: Reply | None = None
    list_reply: Reply | None = None


class InteractiveMessage(Part):
    interactive: Interactive


class Button(Part):
    payload: str = ""
    text: str = ""


class ButtonMessage(Part):
    button: Button


class Phone(Part):
    wa_id: str | None = None
    phone: str | None = None


class Card(Part):
    phones: list[Phone] = []


class ContactsMessage(Part):
    contacts: list[Card]


class Document(Part):
    id: str = Field(min_length=1, max_length=100)
    filename: str | None = None
    mime_type: str | None = None
    sha256: str | None = None
    caption: str | None = None


class DocumentMessage(Part):
    document: Document


class Media(Part):
    caption: str | None = None


class ImageMessage(Part):
    image: Media


class VideoMessage(Part):
    video: Media


class Error(Part):
    code: int | None = None
    title: str | None = None


class System(Part):
    type: str | None = None
    wa_id: str | None = None  # the new number (older API versions: new_wa_id)
    new_wa_id: str | None = None


class SystemMessage(Part):
    system: System


class Status(Part):
    id: str = Field(min_length=1, max_length=EXTERNAL_ID_MAX)
    status: str
    errors: list[Error] = []


Model = TypeVar("Model", bound=Part)
PARTS: dict[str, type[Part]] = {
    "text": TextMessage,
    "interactive": InteractiveMessage,
    "button": ButtonMessage,
    "contacts": ContactsMessage,
    "document": DocumentMessage,
    "image": ImageMessage,
    "video": VideoMessage,
}
