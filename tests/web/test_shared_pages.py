"""The grids, the roll-up and the trend are rendered once per scope and shown to every viewer of it
(bot.web.pages.kept_page): each viewer must still see their own name and their own CSRF token in the
header, escaped, and never another viewer's."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select, update

from models.person import Member
from models.web_login import WebSession
from tests.models.dashboard_world import KEC
from tests.web.conftest import Site
from tests.web.test_signin import sign_in

SHARED = [f"/dasbor/kecamatan/{KEC}", f"/dasbor/kecamatan/{KEC}?belum=1",
          f"/dasbor/angka/{KEC}?bulan=2026-12",
          f"/dasbor/tren/{KEC}"]  # fmt: skip
ODD_NAME = 'Dinas <b>PMD</b> & "Kab"'
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def _csrf_of(site: Site, name: str) -> str:
    async with site.sessionmaker() as session:
        found = await session.scalar(
            select(WebSession.csrf).join(Member, Member.id == WebSession.member_id).where(Member.name == name)
        )
    assert found is not None
    return found


def _header(page: str) -> str:
    return page.split("</header>")[0]


@pytest.mark.parametrize("path", SHARED)
async def test_each_viewer_sees_their_own_header_on_a_shared_page(site: Site, path: str) -> None:
    async with site.sessionmaker() as session:  # the kabupaten user sees the kecamatan's pages too
        await session.execute(update(Member).where(Member.name == "Dinas PMD").values(name=ODD_NAME))
        await session.commit()
    camat_link, dinas_link = await site.chat_link("camat"), await site.chat_link("dinas")
    async with httpx.AsyncClient(base_url=site.url) as camat, httpx.AsyncClient(base_url=site.url) as dinas:
        await sign_in(camat, camat_link)
        await sign_in(dinas, dinas_link)
        seen_by_camat, seen_by_dinas = (await camat.get(path)).text, (await dinas.get(path)).text
        camat_csrf, dinas_csrf = await _csrf_of(site, "Camat Hendra"), await _csrf_of(site, ODD_NAME)
        assert camat_csrf != dinas_csrf
        assert CSRF.findall(_header(seen_by_camat)) == [camat_csrf]
        assert CSRF.findall(_header(seen_by_dinas)) == [dinas_csrf]
        assert "Camat Hendra" in _header(seen_by_camat) and "Dinas" not in _header(seen_by_camat)
        assert "Dinas &lt;b&gt;PMD&lt;/b&gt; &amp; &#34;Kab&#34;" in _header(seen_by_dinas)
        assert "Camat Hendra" not in _header(seen_by_dinas) and "<b>PMD" not in seen_by_dinas
        assert "<!--pemangku" not in seen_by_camat + seen_by_dinas
        assert seen_by_camat.split("</header>")[1] == seen_by_dinas.split("</header>")[1]  # one page, shared
        # the token in the header is the one that signs out
        assert (await dinas.post("/dasbor/keluar", data={"csrf": dinas_csrf})).status_code in (200, 303)
        assert (await dinas.get(path)).status_code == 401
        assert (await camat.get(path)).status_code == 200


async def test_the_kabupaten_page_carries_its_viewer(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as dinas:
        await sign_in(dinas, await site.chat_link("dinas"))
        pages = [(await dinas.get(f"/dasbor/kabupaten/{KEC[:5]}")).text for _ in range(2)]
    csrf = await _csrf_of(site, "Dinas PMD")
    assert [CSRF.findall(_header(p)) for p in pages] == [[csrf], [csrf]]
    assert all("Dinas PMD" in _header(p) and "<!--pemangku" not in p for p in pages)
