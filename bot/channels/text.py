"""Inbound values made safe at the channel edge, the same for every channel.

Whatever a phone or a payload sends, what reaches the dispatcher, the database and later the
outbox is storable and sendable: text in NFC without lone surrogates or control characters
(newline and tab kept), and ids within the sizes of the columns they go to, so SQLite and
PostgreSQL behave the same (SQLite would store an over-long id that PostgreSQL refuses).
"""

from __future__ import annotations

import re
import unicodedata

SENDER_ID_MAX = 64  # conversation.address, identity.address, registration_attempt.address
EXTERNAL_ID_MAX = 128  # processed_message.external_id, outbox_message.platform_message_id
NAME_MAX = 120  # identity.display_name
CHOICE_ID_MAX = 256  # WhatsApp's own limit on reply ids; Telegram's callback_data is 64 bytes
PHONE = re.compile(r"^\+\d{5,15}$")  # E.164; member.phone is 20 characters

# C0 and C1 controls except tab and newline, and lone UTF-16 surrogates (they come from "\ud800"
# escapes in JSON and cannot be encoded, so every send and every PostgreSQL write would fail).
_UNSAFE = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class InboundRejected(ValueError):
    """A message that cannot be taken in at all (an id too long or empty); `kind` says which."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def clean_text(text: str) -> str:
    """NFC, line breaks as "\\n", no lone surrogates or control characters (tab and newline kept).

    NUL is not handled here: a text holding one is refused (`has_nul`), not repaired."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _UNSAFE.sub("", text))


def has_nul(text: str) -> bool:
    """Whether the text holds a NUL, the mark of binary data, never of something typed."""
    return "\x00" in text


def checked_id(value: str, limit: int, kind: str) -> str:
    """An id as it is, when it fits its column; else the message is refused."""
    if not value or len(value) > limit or has_nul(value) or _UNSAFE.search(value):
        raise InboundRejected(kind)
    return value


def clipped(value: str | None, limit: int) -> str | None:
    """A free label (a display name, a choice id) cleaned and cut to fit; None when empty."""
    if value is None:
        return None
    cleaned = clean_text(value.replace("\x00", ""))[:limit]
    return cleaned or None


def phone_or_none(value: str | None) -> str | None:
    """A shared contact's number when it is E.164, else None (it cannot be a phone)."""
    return value if value is not None and PHONE.match(value) else None
