"""Webhook mode: the project's web server receives Telegram's POSTs, checking the secret token."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram_bot import ConfigurationError, TelegramChannel
from bot.dispatcher import Dispatcher
from handlers.texts import conversation_words, error_words
from models.conversation import Conversation
from models.inbound import ProcessedMessage
from models.person import Identity
from models.region import Unit
from tests.bot.logtrap import trapped_logs
from tests.bot.rawhttp import RawConnection, head
from tests.bot.telegram.conftest import PEMANGKU, invite_code, telegram_settings, webhook_bot
from tests.fakes.telegram_api import FakeTelegram

SECRET = "s3cret_Token-42"
PUBLIC = "https://bot.example.id"


@pytest.fixture
async def webhook(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, units: list[Unit]
) -> AsyncIterator[str]:
    """The bot in webhook mode behind the project's web server; the base URL to post to."""
    async with webhook_bot(sessionmaker, tg, SECRET, PUBLIC) as base:
        yield base


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
    assert tg.webhook["allowed_updates"] == ["message", "edited_message", "callback_query", "my_chat_member"]
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


def _message(**fields: Any) -> dict[str, Any]:
    """A private message from PEMANGKU, fields replaced."""
    sender = {"id": PEMANGKU, "is_bot": False, "first_name": "Budi"}
    chat = {"id": PEMANGKU, "type": "private"}
    return {"message_id": 7, "date": 1795400000, "chat": chat, "from": sender, "text": "halo", **fields}


def _user(user_id: object) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "B"}


# Issue 12 item 4's bodies, and wrong types PTB would have trusted; all with the right secret.
HOSTILE: dict[str, bytes | dict[str, Any]] = {
    "a JSON array": b"[1, 2]",
    "a JSON string": b'"x"',
    "null": b"null",
    "not JSON": b"not json",
    "nested 5,000 deep": b"[" * 5000 + b"]" * 5000,
    "a message that is a string": {"update_id": 5, "message": "x"},
    "an update id that is a string": {"update_id": "5", "message": _message()},
    "a text that is a list": {"update_id": 5, "message": _message(text=["a"])},
    "a user id that is a string": {"update_id": 5, "message": _message(**{"from": _user("x")})},
    "a date out of range": {"update_id": 5, "message": _message(date=10**20)},
    "a user id of 71 digits": {"update_id": 5, "message": _message(**{"from": _user(10**70)})},
}  # fmt: skip


@pytest.mark.parametrize("shape", sorted(HOSTILE))
async def test_a_bad_update_is_acknowledged_and_dropped_without_a_traceback(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, webhook: str, shape: str
) -> None:
    body = HOSTILE[shape]
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    with trapped_logs() as logs:
        async with httpx.AsyncClient() as client:
            answers = [
                (await client.post(f"{webhook}/telegram/webhook", content=raw, headers=headers)).status_code
                for _ in range(2)  # the same keep-alive connection serves the next request
            ]
    assert answers == [200, 200]
    assert await stored(sessionmaker) == (0, 0)
    assert tg.chats == {}
    assert logs.problems() == []


async def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(webhook: str) -> None:
    conn = await RawConnection.open(webhook)
    secret = f"X-Telegram-Bot-Api-Secret-Token: {SECRET}"
    await conn.send(head("/telegram/webhook", secret, "Content-Length: 5000000") + b'{"update_id": 5')
    assert await conn.status() == 413
    conn.close()


async def _answers_to(tg: FakeTelegram, webhook: str, count: int, **fields: Any) -> list[str]:
    before = len(tg.texts(PEMANGKU))
    raw = json.dumps({"update_id": 9, "message": _message(**fields)}).encode()  # "\ud800" escaped
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient() as client:
        assert (await client.post(f"{webhook}/telegram/webhook", content=raw, headers=headers)).is_success
    await tg.wait_for(PEMANGKU, before + count)
    return tg.texts(PEMANGKU)[before:]


async def test_long_names_and_odd_text_are_made_safe_at_the_edge(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, webhook: str, units: list[Unit]
) -> None:
    code = await invite_code(sessionmaker, unit=units[0])
    person = {"id": PEMANGKU, "is_bot": False, "first_name": "B" * 100, "last_name": "\ud800" + "S" * 100}
    [welcome] = await _answers_to(tg, webhook, 1, text=f"/start {code}", **{"from": person})
    assert welcome.startswith("Selamat datang, Budi!")
    async with sessionmaker() as session:
        name = await session.scalar(select(Identity.display_name))
    assert name is not None and len(name) == 120 and "\ud800" not in name
    [menu] = await _answers_to(tg, webhook, 1, message_id=8, text="men\ud800u\x07")
    assert conversation_words.MENU_PROMPT in menu
    [refused] = await _answers_to(tg, webhook, 1, message_id=9, text="lahir\x00")  # with the menu
    assert refused.startswith(error_words.UNSUPPORTED) and conversation_words.MENU_PROMPT in refused
    contact = {"phone_number": "9" * 30, "first_name": "B", "user_id": PEMANGKU}
    [not_a_phone] = await _answers_to(tg, webhook, 1, message_id=10, contact=contact, text=None)
    assert not_a_phone.startswith(error_words.UNSUPPORTED) and conversation_words.MENU_PROMPT in not_a_phone


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
