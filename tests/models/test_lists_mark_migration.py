"""Migration 0017_lists_mark on a database that already holds lists: after the upgrade the marks
start at nothing and move with the next write of a list, by any writer (a list moves every scope);
the downgrade takes the triggers and the table away and the upgrade puts them back, on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import inspect, text

from bot.db import make_engine, make_sessionmaker
from models.dashboard_cache import lists_version
from models.migrate import alembic_config, upgrade
from models.region import Pekon
from tests.models.dashboard_world import KEC, OTHER, A, build
from tests.reconcile.seed import import_rows
from tests.reconcile.world import ListRow

BEFORE = "0016_inbound_dead"


async def _build(url: str) -> None:
    """The ledger and a list of pekon A, written before the triggers existed."""
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        await build(session)
        await session.commit()
        pekon = await session.get(Pekon, A)
        assert pekon is not None
        await import_rows(session, pekon, [ListRow(None, "Tanpa NIK", None, None, None)])
    await engine.dispose()


async def _versions(url: str) -> tuple[object, object]:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        found = await lists_version(session, KEC), await lists_version(session, OTHER[:8])
    await engine.dispose()
    return found


async def _edit_by_sql(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE beneficiary_list SET source = source || ' ' WHERE pekon_kode = :a"),
                           {"a": A})  # fmt: skip
    await engine.dispose()


def _tables(url: str) -> set[str]:
    async def go() -> set[str]:
        engine = make_engine(url)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        await engine.dispose()
        return set(names)

    return asyncio.run(go())


def test_the_lists_marks_start_after_the_upgrade_and_survive_a_downgrade(empty_url: str) -> None:
    upgrade(empty_url, BEFORE)
    asyncio.run(_build(empty_url))
    upgrade(empty_url)
    assert asyncio.run(_versions(empty_url)) == ((0, 0), (0, 0))
    asyncio.run(_edit_by_sql(empty_url))  # a list: every pekon's findings may move (a NIK elsewhere)
    assert asyncio.run(_versions(empty_url)) == ((0, 2), (0, 2))  # one update: its old and new row
    command.downgrade(alembic_config(empty_url), BEFORE)
    assert "lists_mark" not in _tables(empty_url)
    asyncio.run(_edit_by_sql(empty_url))  # no trigger left to fail
    command.upgrade(alembic_config(empty_url), "head")
    asyncio.run(_edit_by_sql(empty_url))
    assert asyncio.run(_versions(empty_url)) == ((0, 2), (0, 2))
