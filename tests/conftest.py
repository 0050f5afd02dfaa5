"""Database fixtures: every database test runs on SQLite, and on PostgreSQL when
PEMANGKU_TEST_DATABASE_URL is set (CI sets it and fails, not skips, when it cannot connect)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import make_engine, make_sessionmaker, normalise_url
from models.base import Base
from models.migrate import upgrade

PG_URL = os.environ.get("PEMANGKU_TEST_DATABASE_URL")
# The suite's people answer in the very instant the question comes, which no person can: their
# repeated answers ("-" then "-") would be copies. Tests of copies set the window themselves.
os.environ["PEMANGKU_SENT_TWICE_SECONDS"] = "0"
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _check_postgres(url: str) -> None:
    async def ping() -> None:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("select 1"))
        finally:
            await engine.dispose()

    try:
        asyncio.run(ping())
    except Exception as exc:  # the reason matters more than the type here
        pytest.exit(f"PEMANGKU_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}", returncode=3)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once with Alembic; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> Iterator[str]:
    """The test PostgreSQL, schema dropped and migrated once per session."""
    assert PG_URL
    url = normalise_url(PG_URL)
    _check_postgres(url)

    async def reset() -> None:
        engine = make_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(reset())
    upgrade(url)
    yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database of the parametrised backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("postgres_migrated")
    return url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database, emptied first on PostgreSQL."""
    eng = make_engine(db_url)
    if eng.dialect.name == "postgresql":
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        async with eng.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield eng
    await eng.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on the test database."""
    return make_sessionmaker(engine)


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One session for a test that works in a single unit of work."""
    async with sessionmaker() as s:
        yield s
