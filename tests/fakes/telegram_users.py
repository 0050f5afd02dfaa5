"""The users' side of the fake Telegram server: what they do becomes updates, handed out by getUpdates.

`say`, `press`, `share_contact`, `send_sticker`, `send_document` queue updates; getUpdates takes
them with offset confirmation and long-poll timeout, or a test posts them to a webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.telegram_wire import Sent, message_json, user_json


@dataclass
class TelegramUsers:
    """The queue of updates the fake's users cause; `FakeTelegram` serves it."""

    files: dict[str, bytes] = field(default_factory=dict)  # documents users sent, by file_id
    blocked: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._replay: list[dict[str, Any]] = []
        self._confirmed = 0
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)  # one sequence for both sides, as in a private chat
        self._arrived = asyncio.Event()
        self._closing = False

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
        message = message_json(sent)
        return self._queue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user_json(user_id),
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
                    "from": user_json(user_id),
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

    @property
    def confirmed(self) -> int:
        """The highest update_id the bot has confirmed (by asking for a higher offset)."""
        return self._confirmed

    async def _take_updates(
        self, offset: int, limit: int, wait: float, allowed: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm below `offset`, then wait up to `wait` seconds for anything unconfirmed
        of the kinds `allowed` (every kind when None)."""
        self._confirmed = max(self._confirmed, offset - 1)
        deadline = time.monotonic() + wait
        while True:
            fresh = [u for u in self._updates if u["update_id"] > self._confirmed and _kind_in(u, allowed)]
            ready = self._replay + fresh
            if ready or self._closing or time.monotonic() >= deadline:
                self._replay = []
                return ready[:limit]
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())

    def _release_polls(self) -> None:
        """Answer every waiting long poll now (a killed client's poll would run to its timeout)."""
        self._closing = True
        self._arrived.set()

    def _message_update(self, user_id: int, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "from": user_json(user_id),
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


def _member(status: str, bot: dict[str, Any]) -> dict[str, Any]:
    return {"status": status, "user": bot} | ({"until_date": 0} if status == "kicked" else {})


def _kind_in(update: dict[str, Any], allowed: list[str] | None) -> bool:
    """Whether the update is of a kind the bot asked for (all kinds when it named none)."""
    return allowed is None or any(kind in update for kind in allowed)
