"""The one-hop aiosqlite cursor behaves as SQLAlchemy's own: rows, row counts, many rows at once,
RETURNING, errors of the same types, streamed results; write transactions run in the loop's
thread and wait for another connection's lock off it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import make_engine, make_read_sessionmaker, make_sessionmaker

METADATA = MetaData()
THINGS = Table(
    "things", METADATA, Column("id", Integer, primary_key=True), Column("name", String, unique=True)
)


async def test_the_one_hop_cursor_reads_writes_and_fails_as_before(tmp_path: Path) -> None:
    path = tmp_path / "one.sqlite3"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    assert type(engine.dialect.dbapi).__module__ == "bot.sqlite_driver"
    async with engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
        await conn.execute(insert(THINGS), [{"name": "a"}, {"name": "b"}, {"name": "c"}])  # many
        returned = await conn.execute(insert(THINGS).returning(THINGS.c.id), [{"name": "d"}])
        assert list(returned.scalars()) == [4]
        changed = await conn.execute(update(THINGS).where(THINGS.c.id > 2).values(name=THINGS.c.name + "!"))
        assert changed.rowcount == 2
        assert list((await conn.execute(select(THINGS.c.name).order_by(THINGS.c.id))).scalars()) == [
            "a",
            "b",
            "c!",
            "d!",
        ]
        streamed = await conn.stream(select(THINGS.c.id).order_by(THINGS.c.id))
        assert [row.id async for row in streamed] == [1, 2, 3, 4]
        assert (await conn.execute(text("select count(*) from things"))).scalar() == 4
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(insert(THINGS).values(name="a"))
    async with engine.connect() as conn:  # the failed transaction was rolled back, nothing else
        assert (await conn.execute(text("select count(*) from things"))).scalar() == 4
    async with engine.connect() as writer:
        # BEGIN travels with the statement after it: the insert is inside the transaction
        transaction = await writer.begin()
        await writer.execute(insert(THINGS).values(name="e"))
        with sqlite3.connect(path) as reader:  # another process's view (WAL: readers never wait)
            assert reader.execute("select count(*) from things").fetchone() == (4,)
        await transaction.rollback()
        async with writer.begin():  # a transaction with no statement at all
            pass
    async with engine.connect() as conn:
        assert (await conn.execute(text("select count(*) from things"))).scalar() == 4
    await engine.dispose()


async def _thread_of_statements(engine: AsyncEngine, read: bool) -> int:
    """The thread a transaction's statements run on (a SQL function reporting its caller)."""
    sessionmaker = make_read_sessionmaker(engine) if read else make_sessionmaker(engine)
    async with sessionmaker() as session, session.begin():
        raw = (await session.connection()).sync_connection
        assert raw is not None
        sqlite = raw.connection.driver_connection._conn  # type: ignore[union-attr]
        sqlite.create_function("caller_thread", 0, threading.get_ident)
        found: int = (await session.execute(text("select caller_thread()"))).scalar_one()
    return found


async def test_a_write_transaction_runs_in_the_loop_and_a_read_one_hops(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'where.sqlite3'}")
    assert await _thread_of_statements(engine, read=False) == threading.get_ident()
    assert await _thread_of_statements(engine, read=True) != threading.get_ident()
    await engine.dispose()


async def test_a_write_waiting_for_another_connections_lock_leaves_the_loop_free(tmp_path: Path) -> None:
    """Another connection holds the write lock and gives it up only when this loop lets it: a
    transaction that waited in the loop's thread would wait for ever (here: the busy timeout)."""
    path = tmp_path / "busy.sqlite3"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("insert into things (name) values ('first')")

    async def write() -> None:
        async with engine.begin() as conn:
            await conn.execute(insert(THINGS).values(name="second"))

    writing = asyncio.create_task(write())
    await asyncio.sleep(0.2)  # the loop runs: the writer waits elsewhere
    assert not writing.done()
    holder.execute("COMMIT")
    async with asyncio.timeout(10):
        await writing
    async with engine.connect() as conn:
        names = (await conn.execute(select(THINGS.c.name).order_by(THINGS.c.id))).scalars()
        assert list(names) == ["first", "second"]
    holder.close()
    await engine.dispose()
