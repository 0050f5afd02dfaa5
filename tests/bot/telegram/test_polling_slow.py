"""Polling mode: a list file on a slow link holds up nobody else. While the staff's download hangs
on the fake Bot API, another person is answered; the staff's later message waits behind the
file (each chat's order kept); once the file comes, each is answered once, in order."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.inbound import ProcessedMessage
from models.person import Role
from models.region import Unit
from tests.bot.telegram.conftest import STAFF, Running, register
from tests.bot.upload_files import GOOD_CSV
from tests.fakes.telegram_api import FakeTelegram

STRANGER = 7777


async def test_a_slow_download_holds_up_no_other_chat_and_keeps_its_own_order(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    await register(sessionmaker, tg, STAFF, Role.STAFF)
    welcomed = len(tg.chats[STAFF])
    tg.download_gate = asyncio.Event()  # the platform sends the file's bytes only when told
    tg.send_document(STAFF, "pkh.csv", GOOD_CSV, caption="PKH")
    await asyncio.wait_for(tg.download_asked.wait(), 10)
    tg.say(STAFF, "status")  # behind the file, in the same chat
    tg.say(STRANGER, "halo")
    await tg.wait_for(STRANGER, 1)  # answered while the download hangs
    assert "DAFTAR" in tg.texts(STRANGER)[0]
    await asyncio.sleep(0.3)
    assert tg.downloads == 0 and len(tg.chats[STAFF]) == welcomed  # nothing overtook the file
    tg.download_gate.set()
    replies = await tg.wait_for(STAFF, welcomed + 2)
    assert "Impor sekarang?" in (replies[welcomed].text or "")  # the file's answer first
    await asyncio.sleep(0.5)
    assert len(tg.chats[STAFF]) == welcomed + 2 and len(tg.chats[STRANGER]) == 1  # each once
    assert tg.downloads_started == 1
    async with sessionmaker() as session:
        handled = await session.scalar(
            select(func.count()).select_from(ProcessedMessage).where(ProcessedMessage.handled_at.is_not(None))
        )
    assert handled == 4  # /start, the file, "status", "halo"
