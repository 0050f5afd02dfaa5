"""Group commit of what page views write: their audit entries and the sessions' touches.

Every view of names is audited before the page is sent, so each such request used to pay its own
commit (a WAL flush on PostgreSQL), and under concurrent views the commits queued one behind another.
Here the requests of one process that arrive while a commit is under way wait together and go in the
next transaction: one flush for all of them. A request is still answered only after its entries are
committed, so a crash loses no entry of a page that was shown.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.audit import record_audit
from models.web_login import touch_session


@dataclass(frozen=True)
class _Write:
    audits: list[dict[str, Any]]
    touch: tuple[int, datetime] | None  # (web session id, now)
    done: asyncio.Future[None]


@dataclass
class WriteBatch:
    """Writes of concurrent requests committed together."""

    sessionmaker: async_sessionmaker[AsyncSession]
    _pending: list[_Write] = field(default_factory=list)
    _drainer: asyncio.Task[None] | None = None

    async def write(self, audits: list[dict[str, Any]], touch: tuple[int, datetime] | None) -> None:
        """Commit these entries (and the touch), with whatever else is waiting; returns once durable."""
        if not audits and touch is None:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append(_Write(audits, touch, done))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self._commit(batch)
            except Exception as error:  # every waiter of the batch learns it failed
                for write in batch:
                    write.done.set_exception(error)
            else:
                for write in batch:
                    write.done.set_result(None)

    async def _commit(self, batch: list[_Write]) -> None:
        async with self.sessionmaker() as session:
            for write in batch:
                if write.touch is not None:
                    await touch_session(session, *write.touch)
                for entry in write.audits:
                    record_audit(session, **entry)
            await session.commit()
