"""A list file on a slow link holds up nobody else: the bot (webhook mode, where each update is
handled as it comes) answers another person while the staff's download still hangs on the fake
Bot API, then previews and imports the file with one download in all."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.person import Role
from models.region import Unit
from tests.bot.telegram.conftest import STAFF, invite_code, webhook_bot
from tests.bot.upload_files import GOOD_CSV, stored_lists
from tests.fakes.telegram_api import FakeTelegram

SECRET = "s3cret_Token-42"
STRANGER = 7777


async def _post(base: str, update: dict[str, Any]) -> None:
    async with httpx.AsyncClient(timeout=60) as client:
        answer = await client.post(
            f"{base}/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert answer.status_code == 200


async def test_a_slow_download_holds_up_nobody_else_and_ya_downloads_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, units: list[Unit]
) -> None:
    async with webhook_bot(sessionmaker, tg, SECRET, "https://bot.example.id") as base:
        await _post(base, tg.say(STAFF, f"/start {await invite_code(sessionmaker, Role.STAFF)}"))
        welcomed = len(await tg.wait_for(STAFF, 1))
        tg.download_gate = asyncio.Event()  # the platform sends the file's bytes only when told
        upload = asyncio.create_task(_post(base, tg.send_document(STAFF, "pkh.csv", GOOD_CSV, caption="PKH")))
        await asyncio.wait_for(tg.download_asked.wait(), 10)
        await _post(base, tg.say(STRANGER, "halo"))
        await tg.wait_for(STRANGER, 1)  # answered while the download hangs
        assert "DAFTAR" in tg.texts(STRANGER)[0]
        assert tg.downloads == 0 and len(tg.chats[STAFF]) == welcomed  # the file still on its way
        tg.download_gate.set()
        await upload
        preview = (await tg.wait_for(STAFF, welcomed + 1))[-1]
        assert "Impor sekarang?" in (preview.text or "")
        data = next(d for label, d in preview.buttons if label == "Ya, impor")
        await _post(base, tg.press(STAFF, preview, data))
        done = (await tg.wait_for(STAFF, welcomed + 2))[-1]
        assert "Daftar PKH diimpor: 3 baris" in (done.text or "")
        assert await stored_lists(sessionmaker) == [("PKH", 3, "chat: pkh.csv")]
        assert tg.downloads_started == 1  # "Ya, impor" imported the kept bytes
