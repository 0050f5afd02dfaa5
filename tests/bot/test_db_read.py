"""Read sessions (bot.db.make_read_sessionmaker): they proceed while a writer holds the write lock,
see the last commit, refuse to write, and leave the pooled connection fit for writers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import make_read_sessionmaker
from models.region import Kecamatan

# A deadlock guard, not a timing: a reader that queued behind the writer would wait for
# busy_timeout (30 s) and then fail.
GUARD = 10.0


def kecamatan(kode: str) -> Kecamatan:
    return Kecamatan(kode=kode, nama=f"Kecamatan {kode}", kabupaten_nama="Lampung Barat")


async def count(reads: async_sessionmaker[AsyncSession], started: asyncio.Event) -> int:
    async with reads() as session:
        found = int(await session.scalar(select(func.count()).select_from(Kecamatan)) or 0)
        started.set()
        await asyncio.sleep(0.05)  # both readers inside their transactions at once
        again = int(await session.scalar(select(func.count()).select_from(Kecamatan)) or 0)
        assert again == found  # one snapshot for the whole read
        return found


async def test_readers_proceed_while_a_writer_holds_the_lock(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as setup:
        setup.add(kecamatan("18.04.01"))
        await setup.commit()
    reads = make_read_sessionmaker(engine)
    async with sessionmaker() as writer:
        writer.add(kecamatan("18.04.02"))
        await writer.flush()  # the write lock (SQLite: BEGIN IMMEDIATE) held, not committed
        first, second = asyncio.Event(), asyncio.Event()
        both = asyncio.gather(count(reads, first), count(reads, second))
        assert list(await asyncio.wait_for(both, GUARD)) == [1, 1]  # the last commit, not the writer's row
        assert first.is_set() and second.is_set()
        await writer.commit()
    async with reads() as session:
        assert await session.scalar(select(func.count()).select_from(Kecamatan)) == 2


async def test_a_read_session_refuses_to_write_and_writers_still_can(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    reads = make_read_sessionmaker(engine)
    async with reads() as session:
        session.add(kecamatan("18.04.03"))
        with pytest.raises(DBAPIError, match=r"(?i)read.?only"):
            await session.flush()
    for k in range(3):  # whichever pooled connection the reader used, writers get it back writable
        async with sessionmaker() as writer:
            writer.add(kecamatan(f"18.04.1{k}"))
            await writer.commit()
    async with reads() as session:
        assert await session.scalar(select(func.count()).select_from(Kecamatan)) == 3
