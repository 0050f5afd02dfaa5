"""A Telegram webhook body checked before python-telegram-bot reads it (pure, no I/O).

PTB's `Update.de_json` trusts the shapes it is given (a text that is a list, a user id that is a
string), so a body that passed the secret check is first validated here: strict pydantic
models of the parts the bot reads. A bad body is a problem kind to log, never an exception.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True, populate_by_name=True)


class _User(_Part):
    id: int
    first_name: str
    last_name: str | None = None


class _Chat(_Part):
    id: int
    type: str


class _Contact(_Part):
    phone_number: str
    user_id: int | None = None


class _Document(_Part):
    file_id: str = Field(max_length=256)
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None


class _Message(_Part):
    message_id: int
    date: int
    chat: _Chat
    sender: _User | None = Field(None, alias="from")
    text: str | None = None
    contact: _Contact | None = None
    document: _Document | None = None
    caption: str | None = None


class _Keyboard(_Part):
    message_id: int
    chat: _Chat


class _Callback(_Part):
    id: str = Field(max_length=128)
    sender: _User = Field(alias="from")
    data: str | None = None
    message: _Keyboard | None = None


class _Status(_Part):
    status: str


class _MemberChange(_Part):
    chat: _Chat
    sender: _User = Field(alias="from")
    new_chat_member: _Status


class _Update(_Part):
    update_id: int
    message: _Message | None = None
    edited_message: _Message | None = None
    callback_query: _Callback | None = None
    my_chat_member: _MemberChange | None = None


def read_update(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The update as a dict ready for `Update.de_json`, or None and what was wrong with it."""
    try:
        data = json.loads(raw)
    except RecursionError:
        return None, "nesting"
    except ValueError:
        return None, "json"
    try:
        _Update.model_validate(data)
    except (ValidationError, RecursionError):
        return None, "update"
    assert isinstance(data, dict)  # validated as an object above
    return data, None
