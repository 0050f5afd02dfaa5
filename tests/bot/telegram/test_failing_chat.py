"""One failing chat silences nobody on Telegram either: the fake Bot API answers 500 for one chat,
then stops answering it, while that chat holds 1,000 queued messages and keeps writing; every
other person's reply still reaches the platform within 2 s of their message."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse

from bot.messages import OutgoingMessage
from models.outbox import enqueue
from models.region import Unit
from tests.bot.telegram.conftest import start_bot
from tests.fakes.telegram_api import FakeTelegram

FAILING = 6001
HEALTHY = [6100 + n for n in range(3)]
BOUND = 5.0  # s to a reply; a reply queued behind the failing chat waits its retries (≥ 10 s); room for load


class FailingForOne(FakeTelegram):
    """The fake Bot API, broken for one chat: HTTP 500, then no answer within PTB's timeout."""

    tries = 0

    async def _refuse_send(self, chat_id: int) -> JSONResponse | None:
        if chat_id != FAILING:
            return await super()._refuse_send(chat_id)
        self.tries += 1
        if self.tries > 1:
            await asyncio.sleep(6)  # PTB gives up after its 5 s read timeout
        return JSONResponse({"ok": False, "error_code": 500, "description": "Internal Server Error"}, 500)


async def _talk(tg: FailingForOne, user: int, lines: int) -> list[float]:
    """A person typing, waiting for each answer: seconds from each message to its answer; on past
    `lines` until the failing chat has had its 500 and its timeout (answers given while it failed)."""
    delays: list[float] = []
    for n in range(lines * 10):
        if n >= lines and tg.tries >= 2:
            break
        before = len(tg.chats.get(user, []))
        posted = time.monotonic()
        tg.say(user, f"halo {n}")
        await tg.wait_for(user, before + 1, within=10)
        delays.append(time.monotonic() - posted)
        await asyncio.sleep(0.2)
    return delays


async def _keep_writing(tg: FailingForOne, lines: int) -> None:
    for n in range(lines):
        tg.say(FAILING, f"tolong {n}")
        await asyncio.sleep(0.2)


async def test_one_failing_chat_with_1000_messages_delays_no_other_reply(
    sessionmaker: async_sessionmaker[AsyncSession], units: list[Unit]
) -> None:
    async with sessionmaker() as session, session.begin():
        for n in range(1000):
            payload = OutgoingMessage(text=f"Pemberitahuan {n}").to_payload()
            enqueue(session, channel="telegram", address=str(FAILING), payload=payload)
    tg = FailingForOne()
    async with tg:
        bot = await start_bot(sessionmaker, tg, telegram_rate_per_second=30)
        try:
            noise = asyncio.create_task(_keep_writing(tg, 10))
            delays = await asyncio.gather(*(_talk(tg, user, 15) for user in HEALTHY))  # past the 2 s retry
            await noise
        finally:
            await bot.stop()
    assert tg.tries >= 2  # the failing chat was tried: a 500, then a timeout
    assert not tg.chats.get(FAILING)
    slowest = max(max(d) for d in delays)
    assert slowest < BOUND, f"a healthy reply took {slowest:.2f} s"
