"""DASBOR in chat: a kabupaten user invited like the others gets a link; a pemangku gets none."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from sqlalchemy import select

from bot.channels.console import converse
from bot.config import Settings
from models.invites import create_invite
from models.person import Role
from models.web_login import WebLink
from tests.web.conftest import LINK, NOW, Site
from tests.web.test_signin import sign_in


async def typed(site: Site, who: str, *lines: str) -> str:
    """What the bot printed back to `who` in the console."""
    printed: list[str] = []
    settings = Settings(database_url=site.db_url, public_url=site.url)

    async def feed() -> AsyncIterator[str]:
        for line in lines:
            yield line

    await converse(site.sessionmaker, settings, who, feed(), printed.append, clock=lambda: NOW)
    return "\n".join(printed)


async def test_a_kabupaten_user_registers_and_signs_in_from_the_chat(site: Site) -> None:
    async with site.sessionmaker() as session:
        invite = await create_invite(
            session, Role.KABUPATEN, kabupaten_kode="18.04", name="Bu Dinas", now=NOW
        )
        await session.commit()
    said = await typed(site, "bu-dinas", f"DAFTAR {invite.code}", "/dasbor")
    found = LINK.search(said)
    assert found is not None and "berlaku 10 menit, sekali pakai" in said
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, found[0])
        page = await client.get("/dasbor", follow_redirects=True)
    assert page.url.path == "/dasbor/kabupaten/18.04" and "Kecamatan" in page.text


async def test_a_pemangku_gets_no_link(site: Site) -> None:
    said = await typed(site, "pem-a0", "DASBOR")
    assert LINK.search(said) is None
    async with site.sessionmaker() as session:
        assert list(await session.scalars(select(WebLink.id))) == []
