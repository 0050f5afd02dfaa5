"""`pemangku run`: what it says when something is missing, and the whole wiring on the fake server."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.cli import _register_all, app
from bot.config import Settings, get_settings
from bot.main import serve
from handlers.texts import operator_words
from models.region import Unit
from tests.bot.telegram.conftest import PEMANGKU, invite_code, telegram_settings
from tests.fakes.telegram_api import FakeTelegram


def run_cli(monkeypatch: pytest.MonkeyPatch, database_url: str) -> tuple[int, str]:
    monkeypatch.setenv("PEMANGKU_DATABASE_URL", database_url)
    for name in ("TELEGRAM_TOKEN", "WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"):
        monkeypatch.delenv(f"PEMANGKU_{name}", raising=False)
    get_settings.cache_clear()
    _register_all()
    try:
        result = CliRunner().invoke(app, ["run"])
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output


def test_without_a_schema_it_says_to_upgrade(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, output = run_cli(monkeypatch, f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    assert code == 2 and operator_words.RUN_NO_SCHEMA in output


async def test_without_a_channel_it_says_what_to_set_and_serves_the_dashboard(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a free port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(database_url=db_url, http_host="127.0.0.1", http_port=port)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        for _ in range(200):
            with contextlib.suppress(httpx.ConnectError):
                page = await client.get("/dasbor")
                break
            await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert page.status_code == 401 and "DASBOR" in page.text  # the dashboard asks to sign in
    assert "PEMANGKU_TELEGRAM_TOKEN" in caplog.text


async def test_serve_runs_telegram_and_the_outbox_until_stopped(
    sessionmaker: async_sessionmaker[AsyncSession], db_url: str, tg: FakeTelegram, units: list[Unit]
) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(serve(telegram_settings(tg, database_url=db_url), stop))
    code = await invite_code(sessionmaker, unit=units[0])
    tg.say(PEMANGKU, f"/start {code}")
    [welcome] = await tg.wait_for(PEMANGKU, 1)
    assert (welcome.text or "").startswith("Selamat datang")
    stop.set()
    await asyncio.wait_for(task, 10)
    assert tg.count("setMyCommands") == 1 and tg.count("deleteWebhook") == 1
