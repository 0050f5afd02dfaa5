"""`pemangku jobs run NAME --at ISO-TIME`: one pass by hand; the second run finds nothing to do."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import typer
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from bot.commands import jobs
from bot.config import get_settings
from bot.db import make_engine, make_sessionmaker
from tests.jobs.helpers import make_world


@pytest.fixture
def app(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[typer.Typer]:
    """The `jobs` group on the test database."""
    monkeypatch.setenv("PEMANGKU_DATABASE_URL", db_url)
    get_settings.cache_clear()
    app = typer.Typer()
    jobs.register(app)
    yield app
    get_settings.cache_clear()


async def _seed(url: str) -> None:
    engine = make_engine(url)  # on this event loop, not the fixtures'
    try:
        await make_world(make_sessionmaker(engine))
    finally:
        await engine.dispose()


def test_jobs_run_reminders_twice(app: typer.Typer, engine: AsyncEngine, db_url: str) -> None:
    asyncio.run(_seed(db_url))
    runner = CliRunner()
    first = runner.invoke(app, ["jobs", "run", "reminders", "--at", "2026-12-02T08:00"])
    assert first.exit_code == 0, first.output
    assert "reminders: 4 tindakan pada 2026-12-02 08:00 WIB." in first.output
    again = runner.invoke(app, ["jobs", "run", "all", "--at", "2026-12-02T08:00+07:00"])
    assert "all: 0 tindakan" in again.output
    unknown = runner.invoke(app, ["jobs", "run", "tidur"])
    assert unknown.exit_code == 2 and "'tidur' bukan salah satu dari close" in unknown.output
