"""Field test over WhatsApp, round two: people with more than one task, one number."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.invites import create_invite, format_code
from models.person import Identity, Invite, Role
from models.region import Unit
from tests.bot.whatsapp.harness import WhatsAppWorld, whatsapp_world
from tests.bot.whatsapp.test_conversations import registered
from tests.factories import TRIMULYO


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        yield w


@pytest.mark.parametrize("role", [Role.PEMANGKU, Role.STAFF], ids=["second unit", "also staff"])
async def test_a_second_code_from_a_registered_number_says_what_the_number_is_for(
    world: WhatsAppWorld, role: Role
) -> None:
    """Sutrisno is pemangku of Pemangku 1 and is also given Pemangku 2 (or the pekon's staff code).
    Before: "Nomor WhatsApp ini sudah terdaftar. Ketik MENU", and he believed he now reported for
    both; every report went to Pemangku 1. Now he learns what the number is for and that the code
    was not used (it still works from another number); nothing changes."""
    phone = await registered(world)
    async with world.sessionmaker() as session:
        second = await session.scalar(select(Unit).where(Unit.nama == "Pemangku 2"))
        assert second is not None
        scope = {"unit_id": second.id} if role == Role.PEMANGKU else {"pekon_kode": TRIMULYO}
        invite = await create_invite(session, role, name="Sutrisno", **scope)
        await session.commit()
    answer = await phone.say(f"DAFTAR {format_code(invite.code)}")
    assert "Nomor WhatsApp ini sudah terdaftar atas nama Sutrisno" in answer
    assert "Anda terdaftar untuk Pemangku 1, pekon Trimulyo" in answer
    assert "kode tadi tidak saya pakai" in answer and "nomor lain" in answer
    async with world.sessionmaker() as session:
        used = await session.scalar(select(Invite.used_at).where(Invite.id == invite.id))
        [identity] = list(await session.scalars(select(Identity)))
        assert used is None and identity.member.unit is not None
        assert identity.member.unit.nama == "Pemangku 1"
