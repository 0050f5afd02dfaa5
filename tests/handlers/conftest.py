"""A small world for conversation tests: one pekon with units, a pemangku per unit, staff, camat."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.person import Member, Role
from models.region import Unit
from tests.factories import TRIMULYO, add_member, seed_pekon
from tests.handlers.transcript import Chat, Clock, make_dispatcher

OTHER_PEKON = "18.04.15.2005"


@dataclass
class World:
    """The seeded people and a way to talk as each of them."""

    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    units: list[Unit]
    other_units: list[Unit]
    pemangku: list[Member]

    def chat(self, who: str) -> Chat:
        """A chat as `who` through a fresh dispatcher on the same database (like a restart)."""
        return Chat(make_dispatcher(self.sessionmaker, self.clock), who, clock=self.clock)


@pytest.fixture
async def world(session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    """Trimulyo with 3 units (pemangku "budi", "sari", "joko"), staff "ops", camat "camat",
    and a second pekon with its own pemangku "lain" and staff "ops-lain"."""
    units = await seed_pekon(session, units=3)
    others = await seed_pekon(session, kode=OTHER_PEKON, nama="Sukajaya", units=2)
    pemangku = [
        await add_member(session, name.title(), Role.PEMANGKU, unit=unit, address=name)
        for name, unit in zip(("budi", "sari", "joko"), units, strict=True)
    ]
    await add_member(session, "Ops", Role.STAFF, pekon_kode=TRIMULYO, address="ops")
    await add_member(session, "Camat", Role.CAMAT, kecamatan_kode=TRIMULYO[:8], address="camat")
    await add_member(session, "Lain", Role.PEMANGKU, unit=others[0], address="lain")
    await add_member(session, "Ops Lain", Role.STAFF, pekon_kode=OTHER_PEKON, address="ops-lain")
    return World(sessionmaker, Clock(), units, others, pemangku)
