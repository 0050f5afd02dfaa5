"""The contract between the outbox worker and a channel's sender."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.messages import IncomingMessage, OutgoingMessage


@dataclass(frozen=True)
class EditTarget:
    """The sent message an edit row changes: its platform id and what it showed."""

    platform_message_id: str
    message: OutgoingMessage


@dataclass(frozen=True)
class Delivery:
    """One outbox row handed to a sender."""

    outbox_id: int
    address: str
    message: OutgoingMessage
    document_bytes: bytes | None = None  # loaded by the worker when message.document is set
    window_open: bool = True  # WhatsApp: within 24 hours of the person's last message
    edit_target: EditTarget | None = None  # loaded when message.edit is set and its row was sent


class RetryLater(Exception):
    """A temporary failure (429, 5xx, network, WhatsApp 130429/131056): try again after `after` s."""

    def __init__(self, reason: str, after: float | None = None, *, whole_channel: bool = False) -> None:
        super().__init__(reason)
        self.after = after
        # True when the platform throttles the sender as a whole (Telegram 429, WhatsApp 130429):
        # the outbox then pauses every chat of the channel for `after` seconds, not only this one.
        self.whole_channel = whole_channel


class Unreachable(Exception):
    """The person cannot be reached on this address (Telegram 403 blocked): stop sending there."""


class PermanentFailure(Exception):
    """The platform refused this message for good (bad request): dead-letter it."""


class ChannelSender(Protocol):
    """Sends one delivery and returns the platform's message id; raises the exceptions above."""

    channel: str

    async def send(self, delivery: Delivery) -> str: ...


class MessageSink(Protocol):
    """Where adapters hand incoming messages: the dispatcher (returns the replies it queued)."""

    async def dispatch(self, message: IncomingMessage) -> list[OutgoingMessage]: ...
