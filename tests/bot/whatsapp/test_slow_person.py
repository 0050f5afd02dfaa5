"""One slow person holds up nobody else: while a staff's list file hangs on the fake Graph API's
media download, bodies that came after it are processed: another person is answered, the staff's
own later message waits behind the file. Once the file comes, each is answered once, in order, and
every body is marked processed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.inbound import InboundPayload
from models.invites import create_invite, format_code
from models.person import Role
from tests.bot.upload_files import GOOD_CSV, stored_lists
from tests.bot.whatsapp.harness import WhatsAppPhone, WhatsAppWorld, whatsapp_world
from tests.factories import TRIMULYO, seed_pekon


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        async with sessionmaker() as session:
            await seed_pekon(session, baseline_period=date(2026, 11, 1))
        yield w


async def _staff(world: WhatsAppWorld) -> WhatsAppPhone:
    async with world.sessionmaker() as session:
        invite = await create_invite(session, Role.STAFF, pekon_kode=TRIMULYO, name="Ratna")
        await session.commit()
    phone = world.phone("6281100000001")
    assert "Selamat datang" in await phone.say(f"DAFTAR {format_code(invite.code)}")
    return phone


async def _answered(world: WhatsAppWorld, wa_id: str, count: int) -> None:
    async with asyncio.timeout(10):
        while len(world.graph.sent_to(wa_id)) < count:
            world.worker.wake()
            await asyncio.sleep(0.02)


async def _unprocessed(world: WhatsAppWorld) -> int:
    async with world.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(InboundPayload).where(InboundPayload.processed_at.is_(None))
        )
    return int(count or 0)


async def test_a_slow_download_holds_up_no_other_person_and_keeps_its_own_order(world: WhatsAppWorld) -> None:
    staff = await _staff(world)
    stranger = world.phone("6281299999999", "Tamu")
    gate = world.graph.download_gate = asyncio.Event()  # the platform sends the file's bytes only when told
    try:
        await _while_held(world, staff, stranger)
    finally:
        gate.set()
    await world.settle()
    replies = staff.read()
    assert len(replies) == 2 and "Impor sekarang?" in replies[0]  # the file's answer first, once each
    assert stranger.read() == [] and world.graph.downloads == 1
    assert await _unprocessed(world) == 0 and await stored_lists(world.sessionmaker) == []


async def _while_held(world: WhatsAppWorld, staff: WhatsAppPhone, stranger: WhatsAppPhone) -> None:
    document = {"id": world.graph.receive_media(GOOD_CSV), "filename": "pkh.csv", "mime_type": "text/csv"}
    await world.post(staff.body("document", type="document", document=document | {"caption": "PKH"}))
    await asyncio.wait_for(world.graph.download_asked.wait(), 10)
    await world.post(staff.body("text", type="text", text={"body": "status"}))  # behind the file
    await world.post(stranger.body("text", type="text", text={"body": "halo"}))
    await _answered(world, stranger.wa_id, 1)  # answered while the download hangs
    assert "DAFTAR" in stranger.read()[0]
    await asyncio.sleep(0.3)
    assert staff.read() == [] and world.graph.downloads == 0  # nothing overtook the file
    assert await _unprocessed(world) == 2  # the file's body and the one behind it
