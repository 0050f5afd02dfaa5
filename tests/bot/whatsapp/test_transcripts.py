"""The conversations' own transcript tests, run unchanged over WhatsApp.

Their test functions are collected here again, with a `world` whose chats are WhatsApp numbers
talking through the signed webhook, the dispatcher, the outbox worker and the fake Graph API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.person import Channel, Role
from tests.bot.whatsapp.harness import WhatsAppWorld, whatsapp_world
from tests.bot.whatsapp.transcripts import Numbers, WhatsAppChat
from tests.factories import TRIMULYO, add_member, seed_pekon
from tests.handlers import (
    test_birth,
    test_corrections,
    test_death_and_moves,
    test_duplicates,
    test_monthly,
    test_registration,
    test_staff,
    test_stale_choices,
    test_words,
)
from tests.handlers.conftest import OTHER_PEKON, World
from tests.handlers.transcript import Clock

MODULES: list[ModuleType] = [
    test_birth,
    test_death_and_moves,
    test_duplicates,
    test_monthly,
    test_registration,
    test_corrections,
    test_staff,
    test_stale_choices,
    test_words,
]


@dataclass
class WhatsAppTranscriptWorld(World):
    """The conversations' World, every person on WhatsApp."""

    whatsapp: WhatsAppWorld | None = None
    numbers: Numbers | None = None

    def chat(self, who: str) -> WhatsAppChat:  # type: ignore[override]
        """A chat as `who` over WhatsApp."""
        assert self.whatsapp is not None and self.numbers is not None
        return WhatsAppChat(self.whatsapp, who, self.numbers(who), clock=self.clock)


@pytest.fixture
async def world(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[WhatsAppTranscriptWorld]:
    """The same people as tests/handlers/conftest.py's world, with WhatsApp numbers."""
    numbers, clock = Numbers(), Clock()

    async def person(name: str, role: Role, **scope: Any) -> Any:
        return await add_member(
            session, name.title(), role, channel=Channel.WHATSAPP, address=numbers(name), **scope
        )

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
    async with whatsapp_world(sessionmaker, clock=clock) as wa:
        yield WhatsAppTranscriptWorld(sessionmaker, clock, units, others, pemangku, wa, numbers)
        # A test's reads through `session` hold SQLite's write lock until it ends: end it first,
        # or stopping the worker and the webhook would wait for it.
        await session.rollback()


# Transcripts that look a person up by their console address ("budi"): on WhatsApp the address
# is the number, so these check the console, not the conversation.
CONSOLE_ADDRESS = {
    "test_birth__cancel_at_any_point_saves_nothing",
    "test_monthly__nihil_after_confirmation_then_a_late_event_turns_it_into_a_submission",
    "test_registration__daftar_binds_the_sender_and_shows_the_menu",
    "test_staff__staff_ask_for_phones_and_only_an_own_contact_is_kept",
    "test_words__invite_in_chat_gives_the_deep_link_and_warns_of_a_present_pemangku",
}


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
