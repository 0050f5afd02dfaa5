"""The `cli` fixture: `pemangku ...` command lines run through bot.cli, on the test database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot.cli import _register_all, app
from bot.config import get_settings
from bot.db import make_engine
from models.base import Base
from tests.bot.cli_support import Invoke


async def _truncate(url: str) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Invoke]:
    """Run `pemangku ...` against the test database, from a scratch working directory."""
    monkeypatch.setenv("PEMANGKU_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    asyncio.run(_truncate(db_url))
    _register_all()
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, [str(a) for a in args])
    get_settings.cache_clear()
