"""`pemangku run` serves WhatsApp when its settings are present, beside Telegram when both are."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.whatsapp_payload import sign
from bot.dispatcher import Dispatcher
from bot.main import configured_channels, serve
from handlers.texts import registration_words
from models.base import utcnow
from tests.bot.whatsapp.harness import APP_SECRET, TEMPLATES, VERIFY_TOKEN, fixture, settings_for
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.graph_api import serve as serve_fake

WA_ACCOUNT = registration_words.ACCOUNT_WORDS["whatsapp"]  # a WhatsApp number, a Telegram account


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_run_serves_the_whatsapp_webhook_and_delivers_replies(db_url: str, engine: AsyncEngine) -> None:
    graph = FakeGraphApi(templates=dict(TEMPLATES))
    port = free_port()
    async with serve_fake(graph.app()) as graph_url:
        settings = settings_for(graph_url, database_url=db_url, http_host="127.0.0.1", http_port=port)
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, stop))
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as http:
            await _wait_healthy(http, base, running)
            params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"}
            assert (await http.get(f"{base}/whatsapp/webhook", params=params)).text == "42"
            raw = json.dumps(fixture("text", utcnow())).encode()
            headers = {"x-hub-signature-256": sign(APP_SECRET.encode(), raw)}
            assert (
                await http.post(f"{base}/whatsapp/webhook", content=raw, headers=headers)
            ).status_code == 200
            await _until(lambda: bool(graph.messages))
        stop.set()
        await running
    [reply] = graph.messages
    assert reply["to"] == "6281234567890"
    assert reply["text"]["body"] == registration_words.REGISTER_REFUSED["unknown"].format(
        village="pekon", account=WA_ACCOUNT
    )


async def _until(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while True:
            if check():
                return
            await asyncio.sleep(0.05)


async def _wait_healthy(http: httpx.AsyncClient, base: str, running: asyncio.Task[None]) -> None:
    """Until the server answers; a server that stopped starting raises its own error, not a timeout."""
    async with asyncio.timeout(10):
        while True:
            if running.done():
                running.result()
                raise AssertionError("pemangku run stopped before serving")
            try:
                if (await http.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)


async def test_both_channels_run_side_by_side_when_both_are_configured(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    settings = settings_for("http://127.0.0.1:9", telegram_token="123:abc")
    channels = configured_channels(settings, Dispatcher(sessionmaker, settings), sessionmaker)
    assert [c.name for c in channels] == ["telegram", "whatsapp"]
    await channels[1].stop()


async def test_partial_whatsapp_settings_say_what_is_missing(
    caplog: pytest.LogCaptureFixture, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    settings = settings_for("http://127.0.0.1:9", whatsapp_app_secret=None, whatsapp_verify_token=None)
    with caplog.at_level(logging.WARNING):
        assert configured_channels(settings, Dispatcher(sessionmaker, settings), sessionmaker) == []
    assert "PEMANGKU_WHATSAPP_APP_SECRET, PEMANGKU_WHATSAPP_VERIFY_TOKEN" in caplog.text
