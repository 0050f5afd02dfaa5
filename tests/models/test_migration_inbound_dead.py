"""Migration 0016_inbound_dead on SQLite and PostgreSQL: a body waiting at 0015 keeps its row and
gets a zero attempt count, no wait, not dead; the downgrade takes the columns away again."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import command
from sqlalchemy import inspect, text

from bot.db import make_engine
from models.migrate import alembic_config, upgrade

BEFORE = "0015_mark"
NEW_COLUMNS = {"attempts", "next_attempt_at", "dead_at"}


def _run(url: str, statement: str) -> list[Any]:
    async def go() -> list[Any]:
        engine = make_engine(url)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(text(statement))
                return list(result.all()) if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _columns(url: str) -> set[str]:
    async def go() -> set[str]:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                found = await conn.run_sync(lambda sync: inspect(sync).get_columns("inbound_payload"))
                return {column["name"] for column in found}
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_a_waiting_body_survives_the_upgrade_from_0015(db_url: str) -> None:
    try:
        command.downgrade(alembic_config(db_url), BEFORE)
        assert not NEW_COLUMNS & _columns(db_url)
        _run(db_url, "DELETE FROM inbound_payload")
        _run(
            db_url,
            "INSERT INTO inbound_payload (channel, body, error, created_at)"
            " VALUES ('whatsapp', '{\"raw\": \"{}\"}', 'ConnectionError', CURRENT_TIMESTAMP)",
        )
        upgrade(db_url)
        assert _columns(db_url) >= NEW_COLUMNS
        rows = _run(
            db_url, "SELECT error, attempts, next_attempt_at, dead_at, processed_at FROM inbound_payload"
        )
        assert [tuple(row) for row in rows] == [("ConnectionError", 0, None, None, None)]
    finally:
        upgrade(db_url)  # the session's database stays at head for the tests after this one
        _run(db_url, "DELETE FROM inbound_payload")
