"""The real PTB application, dispatcher and outbox worker against the fake Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram_bot import TelegramChannel
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.main import file_fetchers
from bot.messages import FileFetcher
from bot.outbox import OutboxWorker
from bot.web import WebServer, build_web_app
from models.invites import create_invite
from models.person import Role
from models.region import Unit
from tests.factories import TRIMULYO, seed_pekon
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_wire import Sent
from tests.handlers.transcript import Clock

PEMANGKU = 5001  # Telegram user ids of the people in these tests
STAFF = 5002


def telegram_settings(fake: FakeTelegram, **overrides: Any) -> Settings:
    """Settings pointing the bot at the fake server, with fast limits for tests."""
    values: dict[str, Any] = {
        "database_url": "sqlite://",
        "telegram_token": fake.token,
        "telegram_base_url": fake.base_url,
        "telegram_base_file_url": fake.base_file_url,
        "telegram_rate_per_second": 500.0,
        "telegram_chat_rate_per_second": 0.0,
    }
    return Settings(**(values | overrides))


@dataclass
class Running:
    """One running bot process: channel, dispatcher, outbox worker."""

    channel: TelegramChannel
    dispatcher: Dispatcher
    worker: OutboxWorker
    task: asyncio.Task[None]

    async def stop(self) -> None:
        """A clean shutdown, in the order `pemangku run` uses on SIGTERM."""
        await self.worker.stop()
        await self.task
        await self.channel.stop()


async def start_bot(
    sessionmaker: async_sessionmaker[AsyncSession],
    fake: FakeTelegram,
    clock: Clock | None = None,
    lease_seconds: float = 30.0,
    **overrides: Any,
) -> Running:
    """Wire and start what `pemangku run` starts, on the test database and the fake server."""
    settings = telegram_settings(fake, **overrides)
    worker = OutboxWorker(sessionmaker, settings, poll_seconds=0.1, lease_seconds=lease_seconds)
    files: dict[str, FileFetcher] = {}
    dispatcher = Dispatcher(
        sessionmaker, settings, clock=clock or Clock(), on_queued=worker.wake, handoff=worker, files=files
    )
    channel = TelegramChannel(settings, dispatcher, poll_timeout=1, sessionmaker=sessionmaker)
    files.update(file_fetchers(settings, [channel]))
    worker.add_sender(channel.sender)
    task = asyncio.create_task(worker.run())
    await channel.start()
    return Running(channel, dispatcher, worker, task)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API server."""
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def units(sessionmaker: async_sessionmaker[AsyncSession]) -> list[Unit]:
    """Pekon Trimulyo with four units."""
    async with sessionmaker() as session:
        return await seed_pekon(session)


async def invite_code(
    sessionmaker: async_sessionmaker[AsyncSession], role: Role = Role.PEMANGKU, unit: Unit | None = None
) -> str:
    """A fresh invite code (pemangku of `unit`, or staff of Trimulyo)."""
    async with sessionmaker() as session, session.begin():
        if role == Role.PEMANGKU:
            assert unit is not None
            invite = await create_invite(session, role, unit_id=unit.id, name="Budi")
        else:
            invite = await create_invite(session, role, pekon_kode=TRIMULYO, name="Sari")
        return invite.code


@pytest.fixture
async def bot(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, units: list[Unit]
) -> AsyncIterator[Running]:
    """The bot running in polling mode."""
    running = await start_bot(sessionmaker, tg)
    yield running
    await running.stop()


async def register(
    sessionmaker: async_sessionmaker[AsyncSession],
    fake: FakeTelegram,
    user_id: int,
    role: Role = Role.PEMANGKU,
    unit: Unit | None = None,
) -> Sent:
    """Register a Telegram user through the deep link; the welcome message with the menu."""
    code = await invite_code(sessionmaker, role, unit)
    before = len(fake.chats.get(user_id, []))
    fake.say(user_id, f"/start {code}")
    return (await fake.wait_for(user_id, before + 1))[-1]


@pytest.fixture
async def world(session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[Any]:
    """tests/handlers' world (same people), everyone on Telegram: for transcripts run over Telegram."""
    from tests.bot.telegram.transcripts import transcript_world  # it imports this module

    async for world in transcript_world(session, sessionmaker):
        yield world


@asynccontextmanager
async def webhook_bot(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, secret: str, public_url: str
) -> AsyncIterator[str]:
    """The bot in webhook mode behind the project's web server; yields the server's base URL."""
    settings = telegram_settings(
        tg, telegram_mode="webhook", telegram_webhook_secret=secret, public_url=public_url
    )
    worker = OutboxWorker(sessionmaker, settings, poll_seconds=0.05)
    files: dict[str, FileFetcher] = {}
    dispatcher = Dispatcher(
        sessionmaker, settings, clock=Clock(), on_queued=worker.wake, handoff=worker, files=files
    )
    channel = TelegramChannel(settings, dispatcher, sessionmaker=sessionmaker)  # as `pemangku run`
    files.update(file_fetchers(settings, [channel]))
    worker.add_sender(channel.sender)
    web = WebServer(build_web_app(channel.routes), "127.0.0.1", 0)
    await web.start()
    await channel.start()
    task = asyncio.create_task(worker.run())
    try:
        yield f"http://127.0.0.1:{web.port}"
    finally:
        await worker.stop()
        await task
        await channel.stop()
        await web.stop()
