"""Sign-in and scope over real HTTP: one-time links (reused, expired), the session cookie, CSRF on
every POST, and a URL outside the scope (404 and an audit entry)."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select, update

from models.audit import AuditEntry
from models.web_login import WebLink
from tests.web.conftest import NOW, Site


async def sign_in(client: httpx.AsyncClient, link: str) -> httpx.Response:
    """Open the link page and press Masuk, as a browser does."""
    page = await client.get(link)
    assert page.status_code == 200 and "Masuk" in page.text
    token = link.rsplit("/", 1)[1]
    csrf = client.cookies["pemangku_masuk"]
    return await client.post("/dasbor/masuk", data={"token": token, "csrf": csrf})


async def test_a_link_opens_a_session_once(site: Site) -> None:
    link = await site.chat_link("camat")
    async with httpx.AsyncClient(base_url=site.url) as client:
        opened = await sign_in(client, link)
        assert opened.status_code == 303 and opened.headers["location"] == "/dasbor"
        cookie = opened.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=43200" in cookie
        home = await client.get("/dasbor", follow_redirects=True)
        assert home.status_code == 200 and "Kelengkapan laporan" in home.text
    async with httpx.AsyncClient(base_url=site.url) as other:
        again = await sign_in(other, link)
        assert again.status_code == 410 and "tidak bisa dipakai lagi" in again.text
        assert (await other.get("/dasbor/kecamatan/18.04.15")).status_code == 401


async def test_an_expired_link_opens_nothing(site: Site) -> None:
    link = await site.chat_link("camat")
    async with site.sessionmaker() as session:
        await session.execute(update(WebLink).values(expires_at=NOW - timedelta(seconds=1)))  # 10 min later
        await session.commit()
    async with httpx.AsyncClient(base_url=site.url) as client:
        assert (await sign_in(client, link)).status_code == 410


async def test_the_link_is_stored_hashed(site: Site) -> None:
    link = await site.chat_link("ratna")
    async with site.sessionmaker() as session:
        stored = list(await session.scalars(select(WebLink.token_hash)))
    assert len(stored) == 1 and link.rsplit("/", 1)[1] not in stored[0]


async def test_posts_without_the_csrf_token_are_refused(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("camat"))
        refused = await client.post("/dasbor/tindak/18.04.15", data={"unit": "1"})
        assert refused.status_code == 403 and "ditolak" in refused.text
        assert (await client.post("/dasbor/keluar", data={"csrf": "salah"})).status_code == 403
        # the sign-in form's own token: a POST without the cookie's value is refused too
        link = await site.chat_link("camat")
        await client.get(link)
        bare = await client.post("/dasbor/masuk", data={"token": link.rsplit("/", 1)[1]})
        assert bare.status_code == 403


async def test_another_kecamatan_is_not_found_and_audited(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("camat"))
        for path in ("/dasbor/kecamatan/18.04.16", "/dasbor/pekon/18.04.16.2001", "/dasbor/kabupaten/18.04",
                     "/dasbor/unduh/18.04.16.2001/2026-10.xlsx"):  # fmt: skip
            assert (await client.get(path)).status_code == 404, path
    async with site.sessionmaker() as session:
        refused = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "web.out_of_scope"))
        )
    assert [e.after["path"] for e in refused if e.after] == [
        "/dasbor/kecamatan/18.04.16", "/dasbor/pekon/18.04.16.2001", "/dasbor/kabupaten/18.04",
        "/dasbor/unduh/18.04.16.2001/2026-10.xlsx",
    ]  # fmt: skip


async def test_keluar_ends_the_session(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("ratna"))
        page = await client.get("/dasbor", follow_redirects=True)
        assert "Sekdes Ratna" in page.text
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        cookie = client.cookies["pemangku_sesi"]
        assert (await client.post("/dasbor/keluar", data={"csrf": csrf})).status_code == 200
        client.cookies.set("pemangku_sesi", cookie)  # an old cookie opens nothing any more
        assert (await client.get("/dasbor/pekon/18.04.15.2001")).status_code == 401


async def test_staff_see_only_their_pekon_and_kabupaten_their_kecamatan(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("ratna"))
        assert (await client.get("/dasbor/pekon/18.04.15.2001")).status_code == 200
        assert (await client.get("/dasbor/pekon/18.04.15.2002")).status_code == 404
        assert (await client.get("/dasbor/kecamatan/18.04.15")).status_code == 404
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("dinas"))
        home = await client.get("/dasbor", follow_redirects=True)
        assert home.status_code == 200 and "Kabupaten" in home.text
        assert (await client.get("/dasbor/kecamatan/18.04.16")).status_code == 200
        files = await client.get("/dasbor/unduh/18.04")
        assert "/dasbor/unduh/18.04.16" in files.text and "kelengkapan.csv" in files.text
        grid = await client.get("/dasbor/unduh/18.04/kelengkapan.csv")
        assert grid.headers["content-type"].startswith("text/csv") and "18.04.15," in grid.text
