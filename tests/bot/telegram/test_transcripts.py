"""Conversation transcripts run unchanged over Telegram: the stale-button ones (issue 11 item 1)
and the birth reports, with the real PTB application, the outbox worker and the fake Bot API."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.person import Channel, Role
from tests.bot.telegram.transcripts import TelegramChat, TelegramWorld, telegram_world
from tests.factories import TRIMULYO, add_member, seed_pekon
from tests.handlers import test_birth, test_stale_choices
from tests.handlers.conftest import OTHER_PEKON, World
from tests.handlers.transcript import Clock

MODULES: list[ModuleType] = [test_stale_choices, test_birth]
CONSOLE_ADDRESS = {"test_birth__cancel_at_any_point_saves_nothing"}  # looks "budi" up by address


@dataclass
class TelegramTranscriptWorld(World):
    """The conversations' World, every person on Telegram."""

    telegram: TelegramWorld | None = None
    users: dict[str, int] | None = None

    def chat(self, who: str) -> TelegramChat:  # type: ignore[override]
        """A chat as `who` over Telegram."""
        assert self.telegram is not None and self.users is not None
        return TelegramChat(self.telegram, who, self.users[who], clock=self.clock)


@pytest.fixture
async def world(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[TelegramTranscriptWorld]:
    """The same people as tests/handlers/conftest.py's world, with Telegram user ids."""
    ids = itertools.count(7001)
    users: dict[str, int] = {}
    clock = Clock()

    async def person(name: str, role: Role, **scope: Any) -> Any:
        users[name] = next(ids)
        address = str(users[name])
        return await add_member(session, name.title(), role, channel=Channel.TELEGRAM, address=address, **scope)

    units = await seed_pekon(session, units=3)
    others = await seed_pekon(session, kode=OTHER_PEKON, nama="Sukajaya", units=2)
    pemangku = [
        await person(name, Role.PEMANGKU, unit=unit)
        for name, unit in zip(("budi", "sari", "joko"), units, strict=True)
    ]
    await person("ops", Role.STAFF, pekon_kode=TRIMULYO)
    await person("camat", Role.CAMAT, kecamatan_kode=TRIMULYO[:8])
    await person("lain", Role.PEMANGKU, unit=others[0])
    await person("ops-lain", Role.STAFF, pekon_kode=OTHER_PEKON)
    await session.rollback()  # SQLite: the test's reads must not hold the write lock
    async with telegram_world(sessionmaker, clock) as tg:
        yield TelegramTranscriptWorld(sessionmaker, clock, units, others, pemangku, tg, users)


def _collect(modules: list[ModuleType]) -> dict[str, Callable[..., Any]]:
    """Every test function of the modules, named test_<module>__<test>."""
    found = {}
    for module in modules:
        short = module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
        for name, function in vars(module).items():
            collected = f"test_{short}__{name.removeprefix('test_')}"
            if name.startswith("test_") and callable(function) and collected not in CONSOLE_ADDRESS:
                found[collected] = function
    return found


globals().update(_collect(MODULES))
