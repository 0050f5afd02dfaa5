"""The one-hop aiosqlite cursor behaves as SQLAlchemy's own: rows, row counts, many rows at once,
RETURNING, errors of the same types, streamed results."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from bot.db import make_engine

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
