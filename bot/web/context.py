"""What every dashboard request needs: the database, the schedule, a clock, the cookie signer."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import make_read_sessionmaker
from bot.web.writes import WriteBatch
from jobs.context import Schedule
from models.base import WIB, add_months, month_of, utcnow, wib_date
from models.dashboard_cache import FigureCache
from models.person import Member
from models.web_login import Scope, WebSession


class Signer:
    """HMAC-SHA256 over a cookie value: a cookie the server did not issue is never looked up."""

    def __init__(self, secret: bytes) -> None:
        self._key = secret

    def sign(self, value: str) -> str:
        """value.signature"""
        return f"{value}.{self._mac(value)}"

    def unsign(self, signed: str) -> str | None:
        """The value of a cookie signed here, else None."""
        value, _, mac = signed.rpartition(".")
        return value if value and hmac.compare_digest(mac, self._mac(value)) else None

    def _mac(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class WebContext:
    """The dashboard's wiring; the clock is injected so tests do not depend on today. Pages read in
    `reads` (read sessions on the same engine: on SQLite they never queue behind the chat's
    BEGIN IMMEDIATE writers) and write their audit entries afterwards in `sessionmaker`."""

    sessionmaker: async_sessionmaker[AsyncSession]
    schedule: Schedule
    secure_cookies: bool = False  # Secure flag on the cookies: the public URL is https
    clock: Callable[[], datetime] = utcnow
    signer: Signer = field(default_factory=lambda: Signer(secrets.token_bytes(32)))
    figures: FigureCache = field(default_factory=FigureCache)  # grids, rates, trends of this process
    reads: async_sessionmaker[AsyncSession] = field(init=False)
    writes: WriteBatch = field(init=False)  # audit entries and touches of GETs, group-committed

    def __post_init__(self) -> None:
        object.__setattr__(self, "reads", make_read_sessionmaker(self.sessionmaker.kw["bind"]))
        object.__setattr__(self, "writes", WriteBatch(self.sessionmaker))

    def now(self) -> datetime:
        """Now, aware."""
        return self.clock()

    def today(self) -> date:
        """Today in WIB."""
        return wib_date(self.now())

    def current_month(self) -> date:
        """The open month people are living in (WIB)."""
        return month_of(self.today())

    def reported_month(self) -> date:
        """The month being reported now: the previous one (what the camat's STATUS shows)."""
        return add_months(self.current_month(), -1)


@dataclass(frozen=True)
class Viewer:
    """The signed-in person of a request, with the scope every URL is checked against."""

    member: Member
    web: WebSession
    scope: Scope
    audits: list[dict[str, Any]] = field(default_factory=list)  # written by the guard after the page

    def audit(self, action: str, entity: str, entity_id: str, **after: object) -> None:
        """Record that this viewer saw or took something (UU 27/2022: who, what, when)."""
        self.audits.append({"actor_member_id": self.member.id, "channel": "web", "action": action,
                            "entity": entity, "entity_id": entity_id, "after": after})  # fmt: skip


def wib_text(instant: datetime | None) -> str:
    """An instant as people read it: 20-11-2026 14.05 WIB."""
    return "-" if instant is None else instant.astimezone(WIB).strftime("%d-%m-%Y %H.%M WIB")
