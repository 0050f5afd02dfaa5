"""What a handler receives for one turn of a conversation, and what it may change."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import FileFetcher, IncomingMessage, OutgoingMessage
from models.person import Identity, Member


@dataclass(frozen=True)
class HandlerConfig:
    """The settings a conversation needs; the dispatcher fills it from bot.config.Settings."""

    deadline_day: int = 5
    draft_ttl_hours: int = 48
    invite_ttl_days: int = 14
    village_word: str = "pekon"
    telegram_bot_username: str | None = None  # for invite deep links
    public_url: str | None = None  # for dashboard sign-in links


@dataclass
class State:
    """Where the sender is: the flow, its step and the draft collected so far."""

    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    question: int = 0  # the number the current question's choices carry (handlers/questions.py)

    def clear(self) -> None:
        """Back to the menu, draft forgotten."""
        self.flow, self.step, self.data = None, None, {}

    def go(self, flow: str | None, step: str | None, **data: Any) -> None:
        """Enter a flow at a step with a fresh draft."""
        self.flow, self.step, self.data = flow, step, dict(data)


@dataclass
class Turn:
    """One incoming message with everything a handler may read or change."""

    session: AsyncSession
    message: IncomingMessage
    identity: Identity | None
    state: State
    now: datetime
    config: HandlerConfig
    last_activity: datetime | None = None  # when the state was last saved
    files: FileFetcher | None = None  # the channel's downloader of the files people send
    # The typed text is the last one the conversation took, sent again later at another question (a
    # resend on a weak signal, or a meant answer): bot/sent_twice.py says so, handlers/resent.py asks.
    repeated: bool = False

    @property
    def member(self) -> Member | None:
        """The registered, active person behind the sender, if any."""
        if self.identity is None or not self.identity.member.active:
            return None
        return self.identity.member

    @property
    def text(self) -> str:
        """The typed text, trimmed (empty when none)."""
        return (self.message.text or "").strip()


Step = Callable[[Turn], Awaitable[list[OutgoingMessage]]]  # what a menu action or a flow does
