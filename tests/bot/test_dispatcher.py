"""The dispatcher: one transaction per message, duplicates dropped, concurrent turns serialised."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import IncomingMessage
from handlers.core import Turn
from handlers.texts import conversation_words, error_words, registration_words
from models.conversation import Conversation
from models.inbound import ProcessedMessage
from models.invites import create_invite
from models.outbox import IN_REPLY, OutboxMessage, coalesce
from models.person import Channel, Identity, Role
from tests.factories import seed_pekon
from tests.handlers.transcript import START, Chat, Clock, make_dispatcher


async def _invite(session: AsyncSession) -> str:
    units = await seed_pekon(session, units=2)
    invite = await create_invite(session, Role.PEMANGKU, unit_id=units[0].id, name="Budi", now=START)
    await session.commit()
    return invite.code


def _msg(text: str, external_id: str, sender: str = "budi") -> IncomingMessage:
    return IncomingMessage(
        channel=Channel.CONSOLE, sender_id=sender, external_id=external_id, received_at=START, text=text
    )


async def test_registration_queues_replies_and_marks_inbound(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    code = await _invite(session)
    woke: list[int] = []
    dispatcher = make_dispatcher(sessionmaker)
    dispatcher._on_queued = lambda: woke.append(1)
    replies = await dispatcher.dispatch(_msg(f"DAFTAR {code}", "m1"))
    assert "Selamat datang, Budi" in replies[0].text
    async with sessionmaker() as s:
        rows = list(await s.scalars(select(OutboxMessage)))
        identity = await s.scalar(select(Identity).where(Identity.address == "budi"))
    joined = coalesce([r.to_payload() for r in replies])  # one turn's replies, as few messages as fit
    assert [r.payload for r in rows] == [{**p, IN_REPLY: True} for p in joined]
    assert rows[0].channel == "console" and rows[0].address == "budi" and rows[0].member_id is not None
    assert identity is not None and identity.last_inbound_at == START
    assert woke == [1]


async def test_duplicate_delivery_is_processed_once(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    code = await _invite(session)
    dispatcher = make_dispatcher(sessionmaker)
    first, second = await asyncio.gather(
        dispatcher.dispatch(_msg(f"DAFTAR {code}", "same")),
        dispatcher.dispatch(_msg(f"DAFTAR {code}", "same")),
    )
    assert sorted([len(first), len(second)]) == [0, 1]
    assert await dispatcher.dispatch(_msg(f"DAFTAR {code}", "same")) == []
    async with sessionmaker() as s:
        assert await s.scalar(select(func.count(OutboxMessage.id))) == 1
        assert await s.scalar(select(func.count(ProcessedMessage.id))) == 1


async def test_unregistered_sender_learns_only_how_to_register(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    chat = Chat(make_dispatcher(sessionmaker), "stranger")
    for line in ("menu", "1", "Lapor Lahir", "rekap", "status", "/start"):
        answer = await chat.say(line)
        assert answer in (
            registration_words.UNREGISTERED.format(
                village="pekon", account=registration_words.ACCOUNT_WORDS["console"]
            ),
            registration_words.REGISTER_NEED_CODE,
        )


async def test_handler_error_rolls_back_and_answers_kindly(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    code = await _invite(session)
    dispatcher = make_dispatcher(sessionmaker)

    async def broken(turn: object) -> list[object]:
        raise ValueError("secret 1804150101900001 Budi")

    await dispatcher.dispatch(_msg(f"DAFTAR {code}", "m1"))
    monkeypatch.setattr("bot.dispatcher.handle", broken)
    with caplog.at_level(logging.ERROR):
        replies = await dispatcher.dispatch(_msg("menu", "m2"))
    assert [r.text for r in replies] == [error_words.INTERNAL_ERROR]
    assert "1804150101900001" not in caplog.text and "Budi" not in caplog.text
    assert "ValueError" in caplog.text
    assert await dispatcher.dispatch(_msg("menu", "m2")) == []


async def test_concurrent_messages_of_one_person_keep_state_consistent(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    code = await _invite(session)
    dispatcher = make_dispatcher(sessionmaker)
    await dispatcher.dispatch(_msg(f"DAFTAR {code}", "reg"))

    async def counting(turn: Turn) -> list[object]:
        seen = int(turn.state.data.get("n", 0))
        await asyncio.sleep(0.01)  # widen the race window
        turn.state.go("count", "x", n=seen + 1)
        return []

    monkeypatch.setattr("bot.dispatcher.handle", counting)
    await asyncio.gather(*(dispatcher.dispatch(_msg("x", f"c{i}")) for i in range(10)))
    async with sessionmaker() as s:
        conv = await s.scalar(select(Conversation).where(Conversation.address == "budi"))
    assert conv is not None and conv.data == {"n": 10}


async def test_a_new_dispatcher_continues_where_the_old_one_stopped(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    code = await _invite(session)
    clock = Clock()
    await Chat(make_dispatcher(sessionmaker, clock), "budi", clock=clock).say(f"DAFTAR {code}")
    clock.advance(hours=1)
    answer = await Chat(make_dispatcher(sessionmaker, clock), "budi", clock=clock).say("menu")
    assert conversation_words.MENU_PEMANGKU["lahir"] in answer
    assert START + timedelta(hours=1) == clock.now
