"""Webhook mode: the project's web server receives Telegram's POSTs, checking the secret token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram_bot import ConfigurationError, TelegramChannel
from bot.dispatcher import Dispatcher
from bot.outbox import OutboxWorker
from bot.web import WebServer, build_web_app
from models.conversation import Conversation
from models.inbound import ProcessedMessage
from models.region import Unit
from tests.bot.telegram.conftest import PEMANGKU, invite_code, telegram_settings
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.transcript import Clock

SECRET = "s3cret_Token-42"
PUBLIC = "https://bot.example.id"


@pytest.fixture
async def webhook(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, units: list[Unit]
) -> AsyncIterator[str]:
    """The bot in webhook mode behind the project's web server; the webhook URL to post to."""
    settings = telegram_settings(
        tg, telegram_mode="webhook", telegram_webhook_secret=SECRET, public_url=PUBLIC
    )
    worker = OutboxWorker(sessionmaker, settings, poll_seconds=0.1)
    dispatcher = Dispatcher(sessionmaker, settings, clock=Clock(), on_queued=worker.wake)
    channel = TelegramChannel(settings, dispatcher)
    worker.add_sender(channel.sender)
    web = WebServer(build_web_app(channel.routes), "127.0.0.1", 0)
    await web.start()
    await channel.start()
    task = asyncio.create_task(worker.run())
    yield f"http://127.0.0.1:{web.port}"
    await worker.stop()
    await task
    await channel.stop()
    await web.stop()


async def post(base: str, update: dict[str, Any], secret: str | None) -> httpx.Response:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with httpx.AsyncClient() as client:
        return await client.post(f"{base}/telegram/webhook", json=update, headers=headers)


async def stored(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessionmaker() as session:
        processed = await session.scalar(select(func.count()).select_from(ProcessedMessage))
        conversations = await session.scalar(select(func.count()).select_from(Conversation))
    return processed or 0, conversations or 0


async def test_the_webhook_is_registered_with_its_secret(tg: FakeTelegram, webhook: str) -> None:
    assert tg.webhook["url"] == f"{PUBLIC}/telegram/webhook"
    assert tg.webhook["secret_token"] == SECRET
    assert tg.webhook["allowed_updates"] == ["message", "callback_query"]
    assert tg.count("getUpdates") == 0 and tg.count("deleteWebhook") == 0
    async with httpx.AsyncClient() as client:
        health = await client.get(f"{webhook}/healthz")
    assert (health.status_code, health.text) == (200, "ok")


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
async def test_without_the_right_secret_403_and_nothing_changes(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, webhook: str, secret: str | None
) -> None:
    update = tg.say(PEMANGKU, "/start ABCD2345")
    response = await post(webhook, update, secret)
    assert response.status_code == 403
    assert await stored(sessionmaker) == (0, 0)
    assert tg.chats == {}


async def test_registration_by_webhook_and_a_retried_delivery_is_processed_once(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, webhook: str, units: list[Unit]
) -> None:
    code = await invite_code(sessionmaker, unit=units[0])
    update = tg.say(PEMANGKU, f"/start {code}")
    first = await post(webhook, update, SECRET)
    again = await post(webhook, update, SECRET)  # Telegram retries when it saw no answer in time
    assert (first.status_code, again.status_code) == (200, 200)
    [welcome] = await tg.wait_for(PEMANGKU, 1)
    assert (welcome.text or "").startswith("Selamat datang, Budi!")
    assert await stored(sessionmaker) == (1, 1)
    assert len(tg.texts(PEMANGKU)) == 1


async def test_a_malformed_body_is_refused(webhook: str) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{webhook}/telegram/webhook",
            content=b"not json",
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "overrides",
    [
        {"public_url": PUBLIC},
        {"telegram_webhook_secret": SECRET},
        {"public_url": PUBLIC, "telegram_webhook_secret": "has spaces"},
    ],
)
def test_webhook_mode_names_what_is_missing(tg: FakeTelegram, overrides: dict[str, Any]) -> None:
    settings = telegram_settings(tg, telegram_mode="webhook", **overrides)
    with pytest.raises(ConfigurationError, match="PEMANGKU_PUBLIC_URL"):
        TelegramChannel(settings, Dispatcher.__new__(Dispatcher))
