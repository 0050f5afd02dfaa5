"""Restarts: in the middle of a conversation and in the middle of a delivery burst."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import OutgoingMessage
from handlers import texts
from models.conversation import Conversation
from models.outbox import OutboxMessage, OutboxStatus, enqueue
from models.region import Unit
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
    assert answer not in (texts.NOT_UNDERSTOOD, texts.MENU_PROMPT)
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


async def test_a_crash_in_the_middle_of_a_delivery_burst_loses_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram
) -> None:
    if sessionmaker.kw["bind"].dialect.name == "sqlite":
        # Killing the worker task in-process can leave its SQLite connection, and so the database
        # write lock, behind (a real crash ends the process and releases it): the next worker then
        # waits on the lock. PostgreSQL has no such file lock, so the simulation is honest there.
        pytest.skip("an in-process crash keeps the killed worker's SQLite write lock")
    tg.latency = 0.05
    await _burst(sessionmaker)
    first = await start_bot(sessionmaker, tg, lease_seconds=0.5, telegram_rate_per_second=100)
    await eventually(lambda: _delivered(tg) >= 15)
    first.task.cancel()  # killed: the sends in flight never learn their outcome
    await asyncio.gather(first.task, return_exceptions=True)
    await first.channel.stop()
    await asyncio.sleep(0.6)  # the interrupted rows' leases run out

    second = await start_bot(sessionmaker, tg, telegram_rate_per_second=100)
    await eventually(lambda: all(tg.chats.get(chat) for chat in CHATS))
    await asyncio.sleep(0.3)
    await second.stop()
    # Telegram may have delivered a send whose answer the dead process never read: only those
    # (at most the sends in flight at the moment of the crash: 10 at this rate) can arrive twice.
    twice = [chat for chat in CHATS if len(tg.chats[chat]) > 1]
    assert len(twice) <= 10
    async with sessionmaker() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}
