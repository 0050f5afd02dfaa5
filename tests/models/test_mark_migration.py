"""Migration 0015_mark on a database that already holds a ledger: after the upgrade the marks start
at nothing and move with the next write; the downgrade takes the triggers away and the upgrade
puts them back, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import text

from bot.db import make_engine, make_sessionmaker
from models.dashboard_cache import scope_version
from models.migrate import alembic_config, upgrade
from tests.models.dashboard_world import KEC, build


async def _version_and_marks(url: str) -> tuple[object, int]:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        version = await scope_version(session, KEC)
        marks = await session.scalar(text("SELECT count(*) FROM ledger_mark"))
    await engine.dispose()
    return version, int(marks or 0)


async def _build(url: str) -> None:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        await build(session)
        await session.commit()
    await engine.dispose()


async def _birth_by_sql(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE unit SET nama = nama || ' ' WHERE pekon_kode LIKE :k"), {"k": KEC + ".%"}
        )
    await engine.dispose()


def test_the_marks_start_after_the_upgrade_and_survive_a_downgrade(empty_url: str) -> None:
    upgrade(empty_url, "0014_scope")
    asyncio.run(_build(empty_url))  # a ledger written before the triggers existed
    upgrade(empty_url)
    assert asyncio.run(_version_and_marks(empty_url)) == ((0, 0), 0)
    asyncio.run(_birth_by_sql(empty_url))
    moved, marks = asyncio.run(_version_and_marks(empty_url))
    assert moved != (0, 0) and marks > 0
    command.downgrade(alembic_config(empty_url), "0014_scope")
    command.upgrade(alembic_config(empty_url), "head")
    asyncio.run(_birth_by_sql(empty_url))
    assert asyncio.run(_version_and_marks(empty_url))[0] != (0, 0)
