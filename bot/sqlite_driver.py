"""aiosqlite whose write transactions run in the event loop's thread, reads in one hop each.

aiosqlite runs every call of a connection in its own thread; SQLAlchemy's adapter makes four calls
per statement (open a cursor, execute, fetch, close), each a queue put, a thread wake-up and an
event-loop wake-up. On a busy machine each hop costs 0.1-0.5 ms (more when the two threads fight
for a core), and a turn runs a dozen statements: measured 40 hops and 8 ms per `status` turn.

Here a write transaction (BEGIN IMMEDIATE: the dispatcher's turns, the outbox's steps, short by
design) runs its statements directly in the loop's thread: a turn's statement takes tens of
microseconds, less than one hop. Waiting never happens there: the connection's busy timeout is 0,
and a statement refused for a lock another connection holds (SQLITE_BUSY: nothing of it was done)
goes to aiosqlite's thread, which waits up to the usual timeout while the loop runs on. A read
transaction (plain BEGIN: the dashboard's pages, possibly long) runs each statement in one hop on
aiosqlite's thread, the cursor's whole life in one call. A BEGIN travels with the statement after
it; the pool's rollback of a connection whose transaction already ended is skipped. Results, errors
and isolation are the same as SQLAlchemy's own adapter.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

Outcome = tuple[Any, list[Any], int | None, int, bool]  # description, rows, lastrowid, rowcount, open
WAIT_MS = 30_000  # how long a statement waits for another connection's lock (on aiosqlite's thread)
SQLITE_BUSY = 5
YIELD_AFTER = 0.02  # seconds of statements in a row before the event loop gets a turn


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


def _run_waiting(
    conn: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool
) -> Outcome:
    """`_run` on aiosqlite's thread, waiting for a lock another connection holds."""
    conn.execute(f"PRAGMA busy_timeout={WAIT_MS}")
    try:
        return _run(conn, begin, operation, parameters, many)
    finally:
        conn.execute("PRAGMA busy_timeout=0")


def _busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", 0) & 0xFF == SQLITE_BUSY


def _writes(begin: str) -> bool:
    return begin.split()[-1].upper() in ("IMMEDIATE", "EXCLUSIVE")


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

    __slots__ = ("_begin", "_open", "_threaded", "_yielded_at")

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None  # a BEGIN not sent yet: it goes with the next statement
        self._open = False  # whether SQLite may be inside a transaction (unknown counts as open)
        self._threaded = False  # a read transaction: its statements run on aiosqlite's thread
        self._yielded_at = 0.0  # when the loop last got a turn between this connection's statements

    def defer_begin(self, operation: str) -> None:
        """Keep a BEGIN for the next statement's hop."""
        self._begin = operation

    def run(self, operation: Any, parameters: Any, many: bool) -> tuple[Any, list[Any], int | None, int]:
        """One statement: in the loop's thread in a write transaction, else in one hop."""
        begin, self._begin = self._begin, None
        if begin is not None:
            self._threaded = not _writes(begin)
        self._open = True  # until SQLite says otherwise
        step = self._on_thread if self._threaded else self._in_loop
        try:
            outcome = self.await_(step(begin, operation, parameters, many))
        except Exception as error:
            self._handle_exception(error)
        *result, self._open = outcome
        return result[0], result[1], result[2], result[3]

    async def _in_loop(self, begin: str | None, operation: Any, parameters: Any, many: bool) -> Outcome:
        """The statement, run right here (an awaitable all the same, as SQLAlchemy's async layer
        expects); a long run of statements (a month close) lets the loop's other tasks in every
        20 ms."""
        if (now := time.monotonic()) - self._yielded_at > YIELD_AFTER:
            await asyncio.sleep(0)
            self._yielded_at = now
        conn: sqlite3.Connection = self._connection._conn
        try:
            return _run(conn, begin, operation, parameters, many)
        except sqlite3.OperationalError as error:
            # Refused for another connection's lock: nothing of the statement was done (a BEGIN,
            # or one statement, is atomic), so it waits on aiosqlite's thread, not in the loop.
            # Part of an executemany may have been done: that one fails as it is.
            began = begin is not None and conn.in_transaction
            if not _busy(error) or (many and (begin is None or began)):
                raise
            return await self._on_thread(None if began else begin, operation, parameters, many)

    def _on_thread(self, *args: Any) -> Awaitable[Outcome]:
        """The statement on aiosqlite's thread, waiting for locks (through aiosqlite's own queue:
        private, as SQLAlchemy's adapter uses it too)."""
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        outcome: Awaitable[Outcome] = driver._execute(_run_waiting, driver._conn, *args)  # type: ignore[no-untyped-call]
        return outcome

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
        self._end("COMMIT")

    def rollback(self) -> None:
        """Roll back; nothing to do when no transaction is open (the pool's reset after a commit)."""
        self._end("ROLLBACK")

    def _end(self, ending: str) -> None:
        if self._begin is not None:
            self._begin = None  # a transaction without a statement: nothing was sent
        elif self._open:
            if self._connection._conn.in_transaction:
                self.run(ending, None, many=False)
            self._open = self._threaded = False


class _DBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        """SQLAlchemy's connection, with the one-hop cursor."""
        adapted = super().connect(*arg, **kw)
        return _Connection(self, adapted._connection)


def waits_on_its_thread(connection: object) -> bool:
    """Whether the connection is this driver's (busy timeout 0: it waits on aiosqlite's thread)."""
    return isinstance(connection, _Connection)


def one_hop_dbapi() -> Any:
    """The DBAPI module to give `create_async_engine(module=...)` for aiosqlite URLs."""
    return _DBAPI(aiosqlite, sqlite3)
