"""The outbox's per-chat pace: bulk sends burst then keep the rate; a person's replies never wait."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import OutgoingMessage
from bot.outbox_pace import ChatBuckets
from models.outbox import enqueue_replies
from tests.bot.outbox_helpers import FakeSender, worker_for


def test_bulk_sends_to_one_chat_burst_then_keep_the_sustained_rate() -> None:
    chats = ChatBuckets(burst=2, rate=5.0)  # seconds on an injected clock
    assert [chats.take("1", 0.0) for _ in range(4)] == [0.0, 0.0, 0.2, pytest.approx(0.4)]
    assert chats.take("2", 0.0) == 0.0  # another chat has its own allowance
    assert chats.take("1", 0.4) == pytest.approx(0.2)  # the promised sends are still owed
    assert [chats.take("1", 10.0) for _ in range(3)] == [0.0, 0.0, pytest.approx(0.2)]  # refilled, burst only
    assert chats.take("1", 10.0, wait=False) == 0.0  # a reply never waits
    assert ChatBuckets(burst=1, rate=0.0).take("1", 0.0) == 0.0  # rate 0: no per-chat limit


async def test_replies_to_a_person_go_out_at_once_whatever_the_chat_pace(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        for n in range(4):  # four turns of a person typing quickly, one reply each
            payload = OutgoingMessage(text=f"jawaban {n}").to_payload()
            await enqueue_replies(session, channel="telegram", address="1", payloads=[payload])
    sender = FakeSender()
    await worker_for(sessionmaker, sender, telegram_chat_burst=1, telegram_chat_rate_per_second=0.1).flush()
    times = sender.times["1"]
    assert sender.texts("1") == [f"jawaban {n}" for n in range(4)]
    assert times[-1] - times[0] < 1.0  # a bulk send would have waited 10 s for each
