"""A person blocks the bot, or unblocks it: Telegram's `my_chat_member` update (subscribed to in
allowed_updates; the fake Bot API hands out only the kinds asked for) marks them unreachable at
once, as a 403 would (staff told once, no send wasted on them), and reachable again."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import OutgoingMessage
from models.outbox import enqueue_for_member
from models.person import Identity, Role
from models.region import Unit
from tests.bot.telegram.conftest import PEMANGKU, STAFF, Running, invite_code, register, webhook_bot
from tests.bot.telegram.test_webhook import post
from tests.fakes.telegram_api import FakeTelegram

SECRET = "s3cret_Token-42"


async def reachable(sessionmaker: async_sessionmaker[AsyncSession], user: int = PEMANGKU) -> bool:
    async with sessionmaker() as session:
        identity = await session.scalar(select(Identity).where(Identity.address == str(user)))
    assert identity is not None
    return identity.reachable


async def until_reachable(sessionmaker: async_sessionmaker[AsyncSession], wanted: bool) -> None:
    deadline = time.monotonic() + 10
    while await reachable(sessionmaker) != wanted:
        assert time.monotonic() < deadline, f"the identity never became reachable={wanted}"
        await asyncio.sleep(0.05)


async def remind(sessionmaker: async_sessionmaker[AsyncSession], bot: Running, text: str) -> int:
    """A message to the pemangku as the jobs queue one (reachable identities only); rows queued."""
    async with sessionmaker() as session, session.begin():
        identity = await session.scalar(select(Identity).where(Identity.address == str(PEMANGKU)))
        assert identity is not None
        rows = await enqueue_for_member(session, identity.member_id, OutgoingMessage(text).to_payload())
    bot.worker.wake()
    return len(rows)


async def test_blocking_marks_unreachable_and_tells_the_staff_once(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    await register(sessionmaker, tg, STAFF, Role.STAFF)
    await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    staff_before, sends_before = len(tg.texts(STAFF)), tg.count("sendMessage")
    blocked = tg.block(PEMANGKU)
    await until_reachable(sessionmaker, False)
    [notice] = (await tg.wait_for(STAFF, staff_before + 1))[staff_before:]
    assert "Budi" in (notice.text or "") and "diblokir" in (notice.text or "")
    tg.replay(blocked)  # delivered again: nobody is told twice
    assert await remind(sessionmaker, bot, "Pengingat laporan") == 0  # no send wasted
    await asyncio.sleep(0.3)
    assert tg.count("sendMessage") == sends_before + 1  # the staff's notice only
    assert len(tg.texts(STAFF)) == staff_before + 1


async def test_unblocking_makes_the_person_reachable_again(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    tg.block(PEMANGKU)
    await until_reachable(sessionmaker, False)
    tg.block(PEMANGKU, blocked=False)
    await until_reachable(sessionmaker, True)
    before = len(tg.texts(PEMANGKU))
    assert await remind(sessionmaker, bot, "Pengingat laporan") == 1
    assert (await tg.wait_for(PEMANGKU, before + 1))[-1].text == "Pengingat laporan"


async def test_blocking_over_the_webhook(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, units: list[Unit]
) -> None:
    async with webhook_bot(sessionmaker, tg, SECRET, "https://bot.example.id") as url:
        code = await invite_code(sessionmaker, unit=units[0])
        assert (await post(url, tg.say(PEMANGKU, f"/start {code}"), SECRET)).status_code == 200
        assert (await post(url, tg.block(PEMANGKU), SECRET)).status_code == 200
        assert await reachable(sessionmaker) is False
        assert (await post(url, tg.block(PEMANGKU, blocked=False), SECRET)).status_code == 200
        assert await reachable(sessionmaker) is True
        assert "my_chat_member" in tg.webhook["allowed_updates"]
