"""aiosqlite with one thread hop per statement instead of four, and none for BEGIN or an idle reset.

aiosqlite runs every call of a connection in its own thread; SQLAlchemy's adapter makes four calls
per statement (open a cursor, execute, fetch, close), each a queue put, a thread wake-up and an
event-loop wake-up. On a busy machine each hop costs 0.1-0.5 ms, and a turn runs a dozen
statements: measured 40 hops and 8 ms per `status` turn. Here the cursor's whole life runs in one
call on aiosqlite's thread; a BEGIN travels with the statement after it; the pool's rollback of
a connection whose transaction already ended is skipped. Results, errors and isolation are the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

Outcome = tuple[Any, list[Any], int | None, int, bool]  # description, rows, lastrowid, rowcount, open


def _run(conn: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool) -> Outcome:
    """One statement (after a deferred BEGIN) from cursor to close, on aiosqlite's thread."""
    if begin is not None:
        conn.execute(begin)
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.lastrowid, cursor.rowcount, conn.in_transaction
    finally:
        cursor.close()


def _is_begin(operation: Any, parameters: Any) -> bool:
    return isinstance(operation, str) and not parameters and operation.lstrip()[:5].upper() == "BEGIN"


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's buffered aiosqlite cursor, executing in one hop."""

    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        """Run the statement and buffer its rows, as the parent does; a BEGIN waits for the next."""
        if _is_begin(operation, parameters):
            self._adapt_connection.defer_begin(operation)  # type: ignore[attr-defined]
            self.description, self.lastrowid, self.rowcount = None, 0, -1
            return
        self._hop(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        """Run the statement once per parameter set."""
        self._hop(operation, seq_of_parameters, many=True)

    def _hop(self, operation: Any, parameters: Any, many: bool) -> None:
        adapted: _Connection = self._adapt_connection  # type: ignore[assignment]
        description, rows, lastrowid, rowcount = adapted.run(operation, parameters, many)
        if description and not many:
            self.description = description
            self.lastrowid = self.rowcount = -1
            self._rows.clear()
            self._rows.extend(rows)
        else:
            self.description = None
            self.lastrowid = cast(int, lastrowid)  # as the parent passes it on
            self.rowcount = rowcount


class _Connection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's adapted connection, knowing whether a transaction is open."""

    __slots__ = ("_begin", "_open")

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None  # a BEGIN not sent yet: it goes with the next statement
        self._open = False  # whether SQLite may be inside a transaction (unknown counts as open)

    def defer_begin(self, operation: str) -> None:
        """Keep a BEGIN for the next statement's hop."""
        self._begin = operation

    def run(self, operation: Any, parameters: Any, many: bool) -> tuple[Any, list[Any], int | None, int]:
        """One statement in one hop to aiosqlite's thread."""
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        begin, self._begin = self._begin, None
        self._open = True  # until the thread says otherwise
        try:
            # aiosqlite's own queue (private, as SQLAlchemy's adapter uses it too)
            outcome = self.await_(driver._execute(_run, driver._conn, begin, operation, parameters, many))  # type: ignore[no-untyped-call]
        except Exception as error:
            self._handle_exception(error)
        *result, self._open = outcome
        return result[0], result[1], result[2], result[3]

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        """Buffered cursors hop once; server-side ones stay SQLAlchemy's (after a pending BEGIN)."""
        if not server_side:
            return _Cursor(self)
        pending, self._begin = self._begin, None
        if pending is not None:
            self.run(pending, None, many=False)
        self._open = True
        return super().cursor(True)

    def commit(self) -> None:
        """Commit; nothing to do for a transaction that never began or already ended."""
        self._end(super().commit)

    def rollback(self) -> None:
        """Roll back; no hop when no transaction is open (the pool's reset after a commit)."""
        self._end(super().rollback)

    def _end(self, finish: Callable[[], None]) -> None:
        if self._begin is not None:
            self._begin = None  # a transaction without a statement: nothing was sent
        elif self._open:
            finish()
            self._open = False


class _DBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        """SQLAlchemy's connection, with the one-hop cursor."""
        adapted = super().connect(*arg, **kw)
        return _Connection(self, adapted._connection)


def one_hop_dbapi() -> Any:
    """The DBAPI module to give `create_async_engine(module=...)` for aiosqlite URLs."""
    return _DBAPI(aiosqlite, sqlite3)
