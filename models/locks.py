"""Named locks that serialise one kind of work across processes, held until the transaction ends."""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def hold_lock(session: AsyncSession, name: str) -> None:
    """Wait until no other transaction holds `name`, then hold it until this transaction ends.

    PostgreSQL: an advisory transaction lock. SQLite needs none: its transactions begin IMMEDIATE
    (bot.db), so only one writer is ever inside one.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(name.encode())})
