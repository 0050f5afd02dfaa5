"""The demo's console transcript: a new pemangku registers with an invite code, reports a birth
question by question, then a family moving out in one typed line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.console import Write, converse
from bot.config import Settings
from models.invites import create_invite, format_code
from models.person import Role
from models.region import Unit

DEMO_WHO = "rini"
DEMO_NAME = "Rini Anggraini"


def demo_lines(code: str) -> list[str]:
    """Registration, a birth with one wrong answer and the summary confirmed, then an express line."""
    return [
        f"DAFTAR {format_code(code)}",
        "Lapor Lahir",
        "Aditya Pratama",
        "laki",  # read as L
        "32-11-2026",  # a wrong date, explained with an example
        "kemarin",
        "Puskesmas Gedung Surian",
        "Sri Wahyuni",
        "Bambang",
        "-",
        "1",
        "simpan",
        "PINDAH KELUARGA kemarin ke Bandar Lampung, Joko L KK, Sumi P, Bayu L",
        "simpan",
    ]


async def _lines(lines: list[str]) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def demo_transcript(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, unit_kode: str, write: Write
) -> None:
    """Invite a pemangku for the unit, then print the conversation as the console shows it."""
    async with sessionmaker() as session, session.begin():
        unit = await session.scalar(select(Unit).where(Unit.kode == unit_kode))
        assert unit is not None
        invite = await create_invite(
            session,
            Role.PEMANGKU,
            unit_id=unit.id,
            name=DEMO_NAME,
            ttl=timedelta(days=settings.invite_ttl_days),
        )
    await converse(sessionmaker, settings, DEMO_WHO, _lines(demo_lines(invite.code)), write, echo=True)
