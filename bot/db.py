"""Database engine and sessions; SQLite gets the pragmas that make it a safe default."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from bot.sqlite_driver import one_hop_dbapi, waits_on_its_thread


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for SQLite (aiosqlite) or PostgreSQL (asyncpg)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        if url.startswith("sqlite+aiosqlite"):
            kwargs.setdefault("module", one_hop_dbapi())
        # check_same_thread: the driver runs write transactions in the loop's thread (sqlite_driver)
        connect_args = {"timeout": 30, "check_same_thread": False}
        engine = create_async_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    # JIT compilation costs seconds on the month-close statement and buys nothing for short queries.
    kwargs.setdefault("connect_args", {"server_settings": {"jit": "off"}})
    return create_async_engine(url, **kwargs)


def normalise_url(url: str) -> str:
    """Accept the plain URLs operators write and pick the async driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    return url


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy, not the driver, open transactions (needed for SAVEPOINT and BEGIN IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # The one-hop driver never waits in the event loop: it waits for a lock on its own thread.
    cursor.execute(f"PRAGMA busy_timeout={0 if waits_on_its_thread(dbapi_connection) else 30000}")
    cursor.close()


def _sqlite_begin_immediate(connection: Connection) -> None:
    read = bool(connection.get_execution_options().get(READ_ONLY))
    if connection.info.get(READ_ONLY, False) != read:
        # query_only stays with the pooled connection: switched only when its use changes, so a
        # writer pays nothing; it makes a stray write in a read fail at once instead of taking
        # the write lock mid-transaction (SQLITE_BUSY, which no timeout waits out)
        connection.exec_driver_sql(f"PRAGMA query_only = {'ON' if read else 'OFF'}")
        connection.info[READ_ONLY] = read
    # A writer takes the write lock up front: two deferred transactions that both upgrade to
    # writing would fail with SQLITE_BUSY instead of waiting for each other. A reader takes no
    # lock (WAL: a snapshot of the last commit), so readers never queue behind writers.
    connection.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


READ_ONLY = "pemangku_read_only"


def make_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for read-only work (the dashboard's pages), on the engine's pool: on SQLite they
    begin deferred and take no lock, on PostgreSQL the transaction is READ ONLY; a write fails."""
    options: dict[str, Any] = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    return make_sessionmaker(engine.execution_options(**options))
