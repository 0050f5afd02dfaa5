"""Restarts: in the middle of a conversation, and a clean stop or a killed process in the middle
of a delivery burst."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import OutgoingMessage
from handlers.texts import conversation_words, registration_words
from models.conversation import Conversation
from models.outbox import OutboxMessage, OutboxStatus, enqueue
from models.region import Unit
from tests.bot.multiproc_world import free_port
from tests.bot.telegram.conftest import PEMANGKU, register, start_bot
from tests.fakes.telegram_api import FakeTelegram

CHATS = range(7000, 7060)


async def eventually(condition: Callable[[], bool], within: float = 15.0) -> None:
    """Wait until the condition holds."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_a_restart_in_the_middle_of_a_conversation(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, units: list[Unit]
) -> None:
    first = await start_bot(sessionmaker, tg)
    welcome = await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    tg.press(PEMANGKU, welcome, "lahir")
    await tg.wait_for(PEMANGKU, 2)
    await asyncio.sleep(0.3)
    asked = len(tg.texts(PEMANGKU))
    await first.stop()

    second = await start_bot(sessionmaker, tg)  # a new process: nothing of the first in memory
    tg.say(PEMANGKU, "Putri Ayu Lestari")
    replies = await tg.wait_for(PEMANGKU, asked + 1)
    await second.stop()
    answer = replies[asked].text or ""
    assert answer not in (conversation_words.NOT_UNDERSTOOD, conversation_words.MENU_PROMPT)
    async with sessionmaker() as session:
        conversation = await session.scalar(select(Conversation).where(Conversation.address == str(PEMANGKU)))
    assert conversation is not None and conversation.flow == "report"
    assert "Putri Ayu Lestari" in str(conversation.data)


async def _burst(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session, session.begin():
        for chat in CHATS:
            payload = OutgoingMessage(text=f"Pengingat untuk {chat}").to_payload()
            enqueue(session, channel="telegram", address=str(chat), payload=payload)


def _delivered(tg: FakeTelegram) -> int:
    return sum(len(tg.chats.get(chat, [])) for chat in CHATS)


async def test_a_restart_in_the_middle_of_a_delivery_burst(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram
) -> None:
    tg.latency = 0.01
    await _burst(sessionmaker)
    first = await start_bot(sessionmaker, tg, telegram_rate_per_second=100)
    await eventually(lambda: _delivered(tg) >= 15)
    await first.stop()  # SIGTERM: sends in flight finish and are recorded
    stopped_at = _delivered(tg)
    assert stopped_at < len(CHATS)

    second = await start_bot(sessionmaker, tg, telegram_rate_per_second=100)
    await eventually(lambda: _delivered(tg) >= len(CHATS))
    await asyncio.sleep(0.3)
    await second.stop()
    assert all(tg.texts(chat) == [f"Pengingat untuk {chat}"] for chat in CHATS)  # once each
    async with sessionmaker() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}


async def _run_bot(db_url: str, tg: FakeTelegram, log: Path) -> asyncio.subprocess.Process:
    """`python -m bot run` in its own process, on the test database and the fake server."""
    env = os.environ | {
        "PEMANGKU_DATABASE_URL": db_url,
        "PEMANGKU_TELEGRAM_TOKEN": tg.token,
        "PEMANGKU_TELEGRAM_BASE_URL": tg.base_url,
        "PEMANGKU_TELEGRAM_BASE_FILE_URL": tg.base_url.replace("/bot", "/file/bot"),
        "PEMANGKU_TELEGRAM_RATE_PER_SECOND": "100",
        "PEMANGKU_TELEGRAM_CHAT_RATE_PER_SECOND": "0",
        "PEMANGKU_OUTBOX_LEASE_SECONDS": "1",
        # `run` always serves HTTP (the dashboard, /healthz): not on 8080, which another run may hold.
        "PEMANGKU_HTTP_HOST": "127.0.0.1",
        "PEMANGKU_HTTP_PORT": str(free_port()),
    }
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, stdout=out, stderr=out
        )
    _STARTED.append(process)
    return process


_STARTED: list[asyncio.subprocess.Process] = []


@pytest.fixture(autouse=True)
async def _no_bot_left_running() -> AsyncIterator[None]:
    """A failed test must not leave a `bot run` behind: it would keep the poller role on the test
    database and fail later tests."""
    yield
    while _STARTED:
        process = _STARTED.pop()
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_a_killed_process_loses_no_message_of_a_delivery_burst(
    sessionmaker: async_sessionmaker[AsyncSession], db_url: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    tg.latency = 0.05
    await _burst(sessionmaker)
    first = await _run_bot(db_url, tg, tmp_path / "bot.log")
    await eventually(lambda: _delivered(tg) >= 15, within=60)
    first.kill()  # SIGKILL: no clean-up at all, the sends in flight never learn their outcome
    await first.wait()
    await asyncio.sleep(4 * tg.latency)  # requests that reached the server before the kill land
    assert _delivered(tg) < len(CHATS)
    reached = {chat for chat in CHATS if tg.chats.get(chat)}
    async with sessionmaker() as session:
        recorded = select(OutboxMessage.address).where(OutboxMessage.status == OutboxStatus.SENT)
        unconfirmed = reached - {int(address) for address in await session.scalars(recorded)}

    second = await _run_bot(db_url, tg, tmp_path / "bot.log")
    await eventually(lambda: all(tg.chats.get(chat) for chat in CHATS), within=60)
    await asyncio.sleep(0.3)
    second.terminate()
    assert await second.wait() == 0, (tmp_path / "bot.log").read_text()
    # Telegram may have delivered a send whose answer the dead process never recorded: only those
    # (the sends in flight at the moment of the kill) can arrive twice, and never a third time.
    twice = {chat for chat in CHATS if len(tg.chats[chat]) > 1}
    assert twice <= unconfirmed
    assert all(len(tg.chats[chat]) <= 2 for chat in CHATS)
    async with sessionmaker() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}


async def test_a_killed_process_loses_no_incoming_message(
    sessionmaker: async_sessionmaker[AsyncSession], db_url: str, tg: FakeTelegram, tmp_path: Path
) -> None:
    """Polling confirms an update to Telegram only after it is stored: a SIGKILL while a batch is
    being handled loses none of it (PTB's own Updater confirmed whole batches on fetch)."""
    people = range(8000, 8150)
    for person in people:
        tg.say(person, "halo")
    first = await _run_bot(db_url, tg, tmp_path / "bot.log")
    await eventually(lambda: sum(bool(tg.chats.get(p)) for p in people) >= 10, within=60)
    first.kill()
    await first.wait()
    assert sum(bool(tg.chats.get(p)) for p in people) < len(people)

    second = await _run_bot(db_url, tg, tmp_path / "bot.log")
    await eventually(lambda: all(tg.chats.get(p) for p in people), within=90)
    second.terminate()
    assert await second.wait() == 0, (tmp_path / "bot.log").read_text()
    unregistered = registration_words.UNREGISTERED.format(
        village="pekon", account=registration_words.ACCOUNT_WORDS["telegram"]
    )
    assert all(tg.texts(p)[0] == unregistered and len(tg.chats[p]) <= 2 for p in people)
