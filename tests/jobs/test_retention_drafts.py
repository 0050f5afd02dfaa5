"""The retention pass and drafts (SQLite and PostgreSQL, injected clock): a draft left past the
draft TTL is blanked as its expiry would reset it, the person then hears that it expired, and a
turn running at the same moment is neither undone nor confused."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Channel
from handlers.core import Turn
from handlers.router import handle
from handlers.texts import conversation_words
from jobs.context import JobContext, Schedule
from jobs.retention import run_retention
from models.conversation import Conversation
from models.event import Event
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Role
from models.retention_outbox import keyboards
from tests.factories import add_member, seed_pekon
from tests.handlers.transcript import Chat, Clock, make_dispatcher

NIK = "1804150101900001"
EXPRESS = f"DATANG Andi L kemarin dari Liwa NIK {NIK}"  # a draft waiting for "simpan", NIK and all


async def _chat(session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]) -> Chat:
    units = await seed_pekon(session, units=1)
    await add_member(session, "Budi", Role.PEMANGKU, unit=units[0], channel=Channel.TELEGRAM, address="budi")
    clock = Clock()
    return Chat(make_dispatcher(sessionmaker, clock), "budi", channel=Channel.TELEGRAM, clock=clock)


async def _conversation(sessionmaker: async_sessionmaker[AsyncSession]) -> Conversation:
    async with sessionmaker() as s:
        conv = await s.scalar(select(Conversation).where(Conversation.address == "budi"))
    assert conv is not None
    return conv


async def _retention(chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    assert chat.clock is not None
    return await run_retention(JobContext(sessionmaker, Schedule()), chat.clock())


async def _events(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as s:
        return len(list(await s.scalars(select(Event.id))))


async def test_a_draft_left_49_hours_is_blanked_and_the_person_hears_it_expired(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat = await _chat(session, sessionmaker)
    assert "************0001" in await chat.say(EXPRESS)
    before = await _conversation(sessionmaker)
    assert NIK in str(before.data) and before.keyboard is not None
    assert chat.clock is not None
    chat.clock.advance(hours=49)
    assert await _retention(chat, sessionmaker) >= 1
    after = await _conversation(sessionmaker)
    assert (after.flow, after.step, after.data, after.keyboard) == (before.flow, None, {}, None)
    assert (after.updated_at, after.version) == (before.updated_at, before.version + 1)
    async with sessionmaker() as s:  # nothing keeps its keyboard's row whole any more
        assert before.keyboard["row"] not in await keyboards(s)
    answer = await chat.say("simpan")
    assert answer.startswith(conversation_words.DRAFT_EXPIRED.format(hours=48))
    assert conversation_words.MENU_PEMANGKU["nihil"] in answer
    assert [m.edit for m in chat.last] == [None]  # no keyboard left to take away
    final = await _conversation(sessionmaker)
    assert (final.flow, final.step, final.data) == (None, None, {})
    assert await _events(sessionmaker) == 0


async def test_a_draft_left_47_hours_is_kept_whole(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat = await _chat(session, sessionmaker)
    await chat.say(EXPRESS)
    before = await _conversation(sessionmaker)
    assert chat.clock is not None
    chat.clock.advance(hours=47)
    assert await _retention(chat, sessionmaker) == 0
    after = await _conversation(sessionmaker)
    assert (after.step, after.data, after.keyboard, after.version) == (
        before.step,
        before.data,
        before.keyboard,
        before.version,
    )
    assert not (await chat.say("simpan")).startswith(conversation_words.DRAFT_EXPIRED.format(hours=48))
    assert await _events(sessionmaker) == 1


async def test_the_menu_keyboard_of_a_person_between_drafts_is_not_touched(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat = await _chat(session, sessionmaker)
    await chat.say("menu")
    before = await _conversation(sessionmaker)
    assert before.flow is None and before.keyboard is not None
    assert chat.clock is not None
    chat.clock.advance(days=3)
    assert await _retention(chat, sessionmaker) == 0
    assert (await _conversation(sessionmaker)).keyboard == before.keyboard


async def test_a_turn_racing_the_blank_is_neither_undone_nor_confused(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The turn holds the conversation while the pass runs: the pass waits for it (PostgreSQL's
    row lock, SQLite's write lock) and then finds a fresh conversation, which it leaves alone."""
    chat = await _chat(session, sessionmaker)
    await chat.say(EXPRESS)
    assert chat.clock is not None
    chat.clock.advance(hours=49)
    inside, release = asyncio.Event(), asyncio.Event()

    async def paused(turn: Turn) -> Any:
        inside.set()
        await release.wait()
        return await handle(turn)

    monkeypatch.setattr("bot.dispatcher.handle", paused)
    turn = asyncio.create_task(chat.say("simpan"))
    await inside.wait()
    blanking = asyncio.create_task(_retention(chat, sessionmaker))
    await asyncio.sleep(0.2)  # the pass is now waiting for the turn's lock
    release.set()
    answer = await turn
    assert await blanking == 0
    assert answer.startswith(conversation_words.DRAFT_EXPIRED.format(hours=48))
    conv = await _conversation(sessionmaker)
    assert (conv.flow, conv.step, conv.data, conv.updated_at) == (None, None, {}, chat.clock())
    assert conv.keyboard is not None  # the menu just sent: the turn's keyboard, not blanked
    async with sessionmaker() as s:
        row = await s.get_one(OutboxMessage, conv.keyboard["row"])
    assert row.status == OutboxStatus.PENDING and row.payload != {}
    monkeypatch.setattr("bot.dispatcher.handle", handle)
    assert conversation_words.MENU_PEMANGKU["nihil"] in await chat.say("menu")
