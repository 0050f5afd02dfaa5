"""Exclusive roles shared by every `pemangku run` process on one database.

A role (the sender lane of a channel, the Telegram poller) is held by one process at a time: on
PostgreSQL through a session advisory lock on one dedicated connection per process. When the
holder dies its connection closes, PostgreSQL frees the lock at once, and another process takes
the role at its next try (every `check_seconds`). A holder that cannot reach its connection
within `check_seconds` gives every role up, so two processes never act on one role for longer
than that. The same connection LISTENs for `announce()`: a process that queued rows for a lane
it does not hold wakes the lane's holder at once. On SQLite there is one process: it holds every
role from the start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]
CHANNEL = "pemangku_outbox"  # the NOTIFY channel for "rows were queued"
TRY = "SELECT pg_try_advisory_lock(hashtext('pemangku-role'), hashtext($1))"


@dataclass
class _Role:
    on_gain: Hook
    on_loss: Hook
    grace: bool  # another process held it: wait before acting (its last second of sends)
    ready_at: float | None = None  # taken, acting from this monotonic time
    active: bool = False


class Roles:
    """The roles this process wants, and which of them it holds right now."""

    def __init__(
        self,
        database_url: str,
        *,
        check_seconds: float = 0.5,
        takeover_grace: float = 1.0,
        on_announced: Callable[[], None] | None = None,
    ) -> None:
        url = make_url(database_url)
        self._shared = url.get_backend_name() == "postgresql"
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._check = check_seconds
        self._grace = takeover_grace
        self._on_announced = on_announced
        self._roles: dict[str, _Role] = {}
        self._conn: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()  # one operation at a time on the connection
        self._task: asyncio.Task[None] | None = None
        self._notify_wanted = False
        self._notifier: asyncio.Task[None] | None = None
        self._stopping = False

    def want(self, name: str, on_gain: Hook, on_loss: Hook) -> None:
        """Take `name` whenever free; `on_gain`/`on_loss` start and stop acting on it."""
        self._roles[name] = _Role(on_gain, on_loss, grace=False)

    @property
    def held(self) -> list[str]:
        """The roles this process acts on now."""
        return sorted(name for name, role in self._roles.items() if role.active)

    @property
    def wanted(self) -> list[str]:
        """Every role this process may take."""
        return sorted(self._roles)

    @property
    def shared(self) -> bool:
        """Whether other processes may share the database (PostgreSQL)."""
        return self._shared

    async def start(self) -> None:
        """Take the free roles now (all of them on SQLite), then keep trying in the background."""
        if not self._shared:
            for role in self._roles.values():
                await self._activate(role)
            return
        await self._round()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop acting on every role and free them (closing the connection frees the locks)."""
        self._stopping = True
        for task in (self._task, self._notifier):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._lose_all()

    def announce(self) -> None:
        """Rows were queued here: wake the holders of lanes elsewhere (coalesced NOTIFYs)."""
        if not self._shared or all(role.active for role in self._roles.values()):
            return
        self._notify_wanted = True
        if self._notifier is None or self._notifier.done():
            self._notifier = asyncio.create_task(self._notify())

    async def _notify(self) -> None:
        while self._notify_wanted and self._conn is not None:
            self._notify_wanted = False
            try:
                async with self._lock:
                    await self._conn.execute(f"NOTIFY {CHANNEL}")
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                return  # the check loop notices and reconnects; the lane's poll picks the rows up

    async def _run(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self._check)
            await self._round()

    async def _round(self) -> None:
        """One check: the connection is alive, free roles are tried, taken roles start acting."""
        try:
            async with asyncio.timeout(self._check):
                await self._try_roles()
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            logger.warning("roles: database connection lost (%s); giving up every role", type(exc).__name__)
            await self._lose_all()
            return
        now = time.monotonic()
        for role in self._roles.values():
            if role.ready_at is not None and not role.active and now >= role.ready_at:
                await self._activate(role)

    async def _try_roles(self) -> None:
        async with self._lock:
            if self._conn is None:
                self._conn = await asyncpg.connect(
                    self._dsn, server_settings={"application_name": "pemangku"}
                )
                await self._conn.add_listener(CHANNEL, self._announced)
            await self._conn.fetchval("SELECT 1")
            for name, role in self._roles.items():
                if role.ready_at is not None:
                    continue
                if await self._conn.fetchval(TRY, name):
                    role.ready_at = time.monotonic() + (self._grace if role.grace else 0.0)
                    logger.info("roles: took %s (pid %s)", name, os.getpid())
                else:
                    role.grace = True

    def _announced(self, _conn: object, pid: int, _channel: str, _payload: str) -> None:
        if self._on_announced is not None and self._conn is not None and pid != self._conn.get_server_pid():
            self._on_announced()

    async def _activate(self, role: _Role) -> None:
        role.active = True
        await role.on_gain()

    async def _lose_all(self) -> None:
        for role in self._roles.values():
            was_active, role.active, role.ready_at, role.grace = role.active, False, None, True
            if was_active:
                with contextlib.suppress(Exception):
                    await role.on_loss()
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.terminate()  # frees the locks at once; no round trip on a connection that may hang
