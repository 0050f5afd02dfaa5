"""Conversations over Telegram: the real PTB application polling the fake Bot API server."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.person import Identity
from models.region import Unit
from tests.bot.telegram.conftest import PEMANGKU, Running, invite_code
from tests.fakes.telegram_api import FakeTelegram


async def test_registration_by_deep_link(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    code = await invite_code(sessionmaker, unit=units[0])
    tg.say(PEMANGKU, f"/start {code}")
    [welcome] = await tg.wait_for(PEMANGKU, 1)
    assert welcome.text is not None and welcome.text.startswith("Selamat datang, Budi!")
    assert ("Lapor Lahir", "lahir") in welcome.buttons
    async with sessionmaker() as session:
        identity = await session.scalar(select(Identity).where(Identity.address == str(PEMANGKU)))
    assert identity is not None and identity.channel == "telegram"
    assert identity.member.unit_id == units[0].id
    assert [c["command"] for c in tg.commands][:2] == ["menu", "lahir"]
