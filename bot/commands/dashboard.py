"""`pemangku dashboard-link --member ID|ALAMAT`: a one-time dashboard sign-in link for an operator."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.bahasa import Command
from bot.commands.support import fail, in_transaction, run
from bot.config import get_settings, public_base
from models.base import utcnow
from models.person import Identity, Member
from models.web_login import LINK_TTL, issue_link, login_url, member_scope


async def _find(session: AsyncSession, who: str) -> Member | None:
    if who.isdigit():
        return await session.get(Member, int(who))
    found: Member | None = await session.scalar(
        select(Member).join(Identity, Identity.member_id == Member.id).where(Identity.address == who).limit(1)
    )
    return found


async def link_for(session: AsyncSession, who: str, base: str) -> str | None:
    """A new link for a member (by id or chat address) with a dashboard role, else None."""
    member = await _find(session, who)
    if member is None or not member.active or member_scope(member) is None:
        return None
    return login_url(base, await issue_link(session, member, utcnow(), "cli"))


async def demo_links(url: str, addresses: list[str], base: str) -> list[tuple[str, str]]:
    """Links for the demo's console accounts that have a dashboard role."""

    async def work(session: AsyncSession) -> list[tuple[str, str]]:
        found = [(who, await link_for(session, who, base)) for who in addresses]
        return [(who, link) for who, link in found if link is not None]

    return await in_transaction(work, url)


def register(app: typer.Typer) -> None:
    """Add the `dashboard-link` command."""

    @app.command("dashboard-link", cls=Command)
    def dashboard_link(
        member: Annotated[str, typer.Option("--member", help="ID atau alamat anggota", metavar="ID")],
    ) -> None:
        """Cetak tautan masuk dasbor sekali pakai (berlaku 10 menit) untuk petugas, camat atau kabupaten."""
        base = public_base(get_settings())

        async def work(session: AsyncSession) -> str | None:
            return await link_for(session, member.strip(), base)

        link = run(work)
        if link is None:
            fail(f"anggota {member} tidak ada, tidak aktif, atau perannya tidak memakai dasbor")
        minutes = int(LINK_TTL.total_seconds() // 60)
        typer.echo(f"Tautan masuk dasbor (sekali pakai, berlaku {minutes} menit):")
        typer.echo(link)
