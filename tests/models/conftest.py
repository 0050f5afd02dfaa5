"""A database with no schema at all, for the migration tests that upgrade from an older revision."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db import make_engine, normalise_url
from tests.conftest import BACKENDS, PG_URL


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema, of each backend; on PostgreSQL one of the test module's own
    beside the session's database, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    assert PG_URL
    url = make_url(normalise_url(PG_URL))
    admin = url.render_as_string(hide_password=False)
    name = f"{url.database}_{request.module.__name__.rpartition('.')[2]}"[:63]
    asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}"'))


async def _admin(url: str, *statements: str) -> None:
    engine = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        for statement in statements:
            await conn.execute(text(statement))
    await engine.dispose()
