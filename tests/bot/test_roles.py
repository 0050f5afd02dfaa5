"""Exclusive roles across processes (bot/roles.py), and what /healthz and /metrics say about them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from bot.db import make_engine
from bot.messages import OutgoingMessage
from bot.metrics import ops_routes
from bot.roles import Roles
from models.outbox import OutboxStatus, enqueue


class Holder:
    """One process's view of one role: records when it acts on it."""

    def __init__(self, roles: Roles, name: str = "lane:telegram") -> None:
        self.acting = False
        self.events: list[str] = []
        self.roles = roles
        roles.want(name, self._gain, self._loss)

    async def _gain(self) -> None:
        self.acting = True
        self.events.append("gain")

    async def _loss(self) -> None:
        self.acting = False
        self.events.append("loss")


async def until(check: Callable[[], bool], within: float = 5.0) -> float:
    """Wait until `check` holds; how long it took."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < within, "not in time"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_on_sqlite_the_one_process_holds_every_role() -> None:
    roles = Roles("sqlite+aiosqlite:///unused.sqlite3")
    lane, poller = Holder(roles), Holder(roles, "telegram-poller")
    await roles.start()
    assert lane.acting and poller.acting and roles.held == ["lane:telegram", "telegram-poller"]
    roles.announce()  # nobody else to wake: nothing happens
    await roles.stop()
    assert lane.events == poller.events == ["gain", "loss"]


async def two_processes(db_url: str) -> tuple[Holder, Holder]:
    """Two processes wanting the same role, the first started first (PostgreSQL only)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("several processes share PostgreSQL only")
    first = Holder(Roles(db_url, check_seconds=0.2, takeover_grace=0.5))
    second = Holder(Roles(db_url, check_seconds=0.2, takeover_grace=0.5))
    await first.roles.start()
    await second.roles.start()
    return first, second


async def test_one_holder_at_a_time_and_another_takes_over_within_seconds(db_url: str) -> None:
    first, second = await two_processes(db_url)
    await asyncio.sleep(0.6)
    assert first.acting and not second.acting
    await first.roles.stop()  # a dead process's connection closes the same way
    took = await until(lambda: second.acting)
    assert 0.5 <= took < 2.0  # the grace covers the last second of the old holder's sends
    assert not first.acting and first.events == ["gain", "loss"]
    await second.roles.stop()


async def test_a_holder_whose_connection_is_cut_stops_acting(db_url: str) -> None:
    first, second = await two_processes(db_url)
    admin = make_engine(db_url)
    async with admin.begin() as conn:  # what a network cut or a database restart does
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                " AND application_name = 'pemangku'"
            )
        )
    await admin.dispose()
    await until(lambda: first.events[-1:] == ["loss"] or second.acting)
    await until(lambda: first.acting != second.acting and (first.acting or second.acting))
    await first.roles.stop()
    await second.roles.stop()


async def test_announce_wakes_the_holder_in_another_process(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several processes share PostgreSQL only")
    woken: list[float] = []
    holder = Roles(db_url, check_seconds=0.2, on_announced=lambda: woken.append(time.monotonic()))
    Holder(holder)
    other = Roles(db_url, check_seconds=0.2)
    Holder(other)
    await holder.start()
    await other.start()
    await asyncio.sleep(0.3)
    sent = time.monotonic()
    other.announce()
    await until(lambda: bool(woken), within=1.0)
    assert woken[0] - sent < 0.2
    await holder.stop()
    await other.stop()


async def test_healthz_and_metrics(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session, session.begin():
        for address in ("1", "2"):
            enqueue(
                session, channel="whatsapp", address=address, payload=OutgoingMessage(text="x").to_payload()
            )
    held = ["lane:whatsapp", "telegram-poller"]
    wanted = ["lane:telegram", "lane:whatsapp", "telegram-poller"]
    app = Starlette(routes=ops_routes(sessionmaker, lambda: held, wanted))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        health = (await client.get("/healthz")).json()
        metrics = (await client.get("/metrics")).text
    assert health["status"] == "ok" and health["database"] == "ok"
    assert health["lanes"] == ["whatsapp"] and health["poller"] is True
    assert f'pemangku_outbox{{channel="whatsapp",status="{OutboxStatus.PENDING}"}} 2.0' in metrics
    assert 'pemangku_outbox{channel="telegram",status="pending"} 0.0' in metrics
    assert 'pemangku_role_held{role="lane:telegram"} 0.0' in metrics
    assert 'pemangku_role_held{role="lane:whatsapp"} 1.0' in metrics
