"""The late-delivery notice is queued in the turn's own transaction (issue 11's leftover): a crash
after the turn, before the body is marked processed, cannot lose it, and the body's
reprocessing does not send it twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels import whatsapp_store
from bot.inbound_store import retry_delay
from models.person import Channel, Role
from tests.bot.whatsapp.harness import AheadClock, WhatsAppWorld, whatsapp_world
from tests.factories import add_member, seed_pekon

WA_ID = "6281234567890"


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with sessionmaker() as session:
        units = await seed_pekon(session)
        await add_member(
            session, "Sutrisno", Role.PEMANGKU, unit=units[0], channel=Channel.WHATSAPP, address=WA_ID
        )
    async with whatsapp_world(sessionmaker, transport=AheadClock()) as w:
        yield w


async def test_a_crash_before_the_processed_mark_loses_no_late_notice(
    world: WhatsAppWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def crash(*_args: Any) -> None:
        raise ConnectionError("the process died here")

    late = world.phone(WA_ID).body("text", text={"body": "menu"})
    sent_at = world.clock() - timedelta(days=3)
    late["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = str(int(sent_at.timestamp()))
    with monkeypatch.context() as patched:
        patched.setattr(whatsapp_store, "mark_processed", crash)  # the turn commits, then the end
        assert (await world.post(late)).status_code == 200
        await world.settle()
    assert await world.webhook.recover() == 0  # the failed body waits its backoff
    assert isinstance(world.clock, AheadClock)
    world.clock.ahead = retry_delay(1)
    assert await world.webhook.recover() == 1  # the body was left unprocessed, and is taken again
    await world.settle()
    sent = world.graph.sent_to(WA_ID)
    assert [m["template"]["name"] for m in sent if m["type"] == "template"] == ["balasan_tertunda"]
    assert len(sent) == 1  # the answer itself is held until they write again
