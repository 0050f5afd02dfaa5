"""Beneficiary list files staff send in chat, and what the database holds after (both channels)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.audit import AuditEntry
from models.beneficiary import Beneficiary, BeneficiaryList

GOOD_CSV = (
    b"NIK;NAMA;TGL LAHIR;JK;DUSUN;KETERANGAN\n"
    b"1804154403500001;Sukardi Wijaya;04-03-1950;L;Pemangku 1;lansia\n"
    b";Suharti;;P;Pemangku 2;\n"
    b"1804150101800002;Joko Susilo;01-01-1980;L;Pemangku 3;\n"
)
BAD_CSV = (  # line 3: a birth date that cannot be read
    b"NIK;NAMA;TGL LAHIR;JK\n1804154403500001;Sukardi Wijaya;04-03-1950;L\n;Suharti;31-02-1950;P\n"
)


async def stored_lists(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[str, int, str]]:
    """(program, rows, source) of every list version stored."""
    async with sessionmaker() as session:
        found = await session.execute(
            select(BeneficiaryList.program, BeneficiaryList.rows, BeneficiaryList.source).order_by(
                BeneficiaryList.id
            )
        )
        return [(program, rows, source) for program, rows, source in found]


async def stored_rows(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """How many beneficiary rows the database holds."""
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Beneficiary)) or 0)


async def import_audits(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[str, int | None]]:
    """(channel, actor) of every list import audited."""
    async with sessionmaker() as session:
        found = await session.execute(
            select(AuditEntry.channel, AuditEntry.actor_member_id).where(
                AuditEntry.action == "beneficiary_list.import"
            )
        )
        return [(channel, actor) for channel, actor in found]
