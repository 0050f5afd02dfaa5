"""Verified WhatsApp bodies stored in groups before they are acknowledged (group commit).

Every body must be durable before its 200 (Meta retries for days what it did not get a 200 for,
and a body acknowledged but not stored would be lost). One commit per body made the commit the
bound of the acknowledgements; here the bodies that arrive while a commit runs are stored together
in the next one: one transaction, one INSERT of the bodies, one of their messages (each person's
queue, bot/inbound_queue.py), one commit, then every one of them is answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.inbound_queue import store_many
from bot.messages import Channel, IncomingMessage
from models.inbound import InboundPayload

GROUP_MAX = 500  # bodies per commit: bounds one transaction
_TABLE = cast(Table, InboundPayload.__table__)
_STORE = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)


@dataclass
class _Waiting:
    body: dict[str, Any]
    messages: list[IncomingMessage]
    stored: asyncio.Future[int] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Intake:
    """Stores bodies, many per commit; `store` returns once the body's commit is done."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    async def store(self, body: dict[str, Any], messages: list[IncomingMessage]) -> int:
        """Store a body and its messages (with the next group); returns the body's id."""
        item = _Waiting(body, messages)
        self._waiting.append(item)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return await asyncio.shield(item.stored)  # a request given up still has its body stored

    async def _write(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting[:GROUP_MAX], self._waiting[GROUP_MAX:]
            try:
                ids = await self._commit(group)
            except Exception as exc:  # each request fails (500): Meta delivers its body again
                for item in group:
                    item.stored.set_exception(exc)
                continue
            for item, payload_id in zip(group, ids, strict=True):
                item.stored.set_result(payload_id)

    async def _commit(self, group: list[_Waiting]) -> list[int]:
        rows = [
            {"channel": Channel.WHATSAPP, "body": item.body, "created_at": self._clock()} for item in group
        ]
        async with self._sessionmaker() as session, session.begin():
            ids = list(await session.scalars(_STORE, rows))
            await store_many(session, [m for item in group for m in item.messages], self._clock())
        return ids
