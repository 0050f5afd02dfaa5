"""The dashboard in a real browser (Debian's chromium driven by Playwright; no browser download):
sign in through a link typed for in the console, find a late pekon in the grid, open it, follow a
B.3 number to its rows, download a closed month's XLSX (the bytes of `pemangku recap --format
xlsx`), press "Kirim pengingat" and find the reminder in the outbox, edit the URL to another
kecamatan (404, audited). Every page is photographed at 360 and 1280 px (docs/screenshots when
PEMANGKU_SCREENSHOTS names that folder)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import _register_all, app
from bot.config import get_settings
from bot.web.dashboard import STATIC
from models.audit import AuditEntry
from models.outbox import OutboxMessage
from tests.web.conftest import CHROMIUM, Site

PAGES = {  # screenshot name -> path, as the camat sees them
    "kelengkapan": "/dasbor/kecamatan/18.04.15",
    "pekon": "/dasbor/pekon/18.04.15.2001?bulan=2026-11",
    "angka": "/dasbor/angka/18.04.15?bulan=2026-11",
    "angka-nama": "/dasbor/angka/18.04.15.2001/lahir?bulan=2026-11",
    "tren": "/dasbor/tren/18.04.15",
    "unduh": "/dasbor/unduh/18.04.15",
    "tindak-lanjut": "/dasbor/tindak/18.04.15",
    "tahun": "/dasbor/tahun/18.04.15",
}
WIDTHS = (360, 1280)
MAX_PAGE_BYTES = 100_000
STATIC_BYTES = sum(len(body) for body, _, _ in STATIC.values())


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless chromium from the system; CI installs it (.ci/run) and fails without it."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: apt-get install -y chromium")
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        await launched.close()


async def signed_in(browser: Browser, site: Site, who: str, width: int = 1280) -> Page:
    """A page signed in through a link from the chat."""
    context = await browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = await context.new_page()
    await page.goto(await site.chat_link(who))
    await page.get_by_role("button", name="Masuk").click()
    await page.wait_for_url("**/dasbor/**")
    return page


def recap_xlsx(db_url: str, out: Path) -> bytes:
    """What `pemangku recap --pekon 18.04.15.2001 --month 2026-10 --format xlsx` writes."""
    os.environ["PEMANGKU_DATABASE_URL"] = db_url
    get_settings.cache_clear()
    _register_all()
    try:
        args = [
            "recap",
            "--pekon",
            "18.04.15.2001",
            "--month",
            "2026-10",
            "--format",
            "xlsx",
            "--out",
            str(out),
        ]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    finally:
        del os.environ["PEMANGKU_DATABASE_URL"]
        get_settings.cache_clear()
    return out.read_bytes()


async def test_a_camat_follows_a_late_pekon_to_names_files_and_a_reminder(
    site: Site, browser: Browser, tmp_path: Path
) -> None:
    page = await signed_in(browser, site, "camat")
    assert await page.locator("h1").inner_text() == "Kelengkapan laporan · Kecamatan Gedung Surian"
    # December (the month being reported) is late for Sukamaju: two units never reported
    await page.get_by_role("link", name="Belum lapor saja").click()
    await page.get_by_text("Tampilkan semua").wait_for()  # htmx swapped the grid
    row = page.locator("table.grid tbody tr", has_text="Sukamaju")
    await row.locator("td.s-missing").last.wait_for()
    await row.get_by_role("link", name="Sukamaju").click()
    await page.wait_for_url("**/dasbor/pekon/18.04.15.2001?bulan=2026-12")
    assert "Belum lapor" in await page.locator("table").first.inner_text()
    # a closed month's B.3 number leads to the lines behind it
    await page.goto(site.url + "/dasbor/pekon/18.04.15.2001?bulan=2026-10")
    number = page.locator("table.b3 tr.total td a").first
    figure = await number.inner_text()
    await number.click()
    await page.wait_for_url("**/dasbor/angka/18.04.15.2001/**")
    assert (await page.locator("h1").inner_text()).endswith(f": {figure}")
    assert await page.locator("table.rows tbody tr").count() >= int(figure)
    # the closed month's XLSX is the file `pemangku recap` writes
    await page.get_by_role("link", name="Unduh").click()
    item = page.locator("ul.files li", has_text="Oktober 2026").first
    async with page.expect_download() as download_info:
        await item.get_by_role("link", name="XLSX").click()
    saved = Path(await (await download_info.value).path())
    downloaded = await asyncio.to_thread(saved.read_bytes)
    expected = await asyncio.to_thread(recap_xlsx, site.db_url, tmp_path / "cli.xlsx")
    assert downloaded == expected
    # Kirim pengingat: the reminder is in the outbox, to a pemangku of a late unit
    await page.get_by_role("link", name="Tindak lanjut").click()
    await page.get_by_role("button", name="Kirim pengingat").first.click()
    await page.locator("#hasil").wait_for()
    assert "Pengingat dikirim ke Pemangku A" in await page.locator("#hasil").inner_text()
    async with site.sessionmaker() as session:
        addresses = list(await session.scalars(select(OutboxMessage.address)))
    assert [a for a in addresses if a.startswith("pem-a")]
    # another kecamatan's URL: not found, and the attempt is in the audit log
    response = await page.goto(site.url + "/dasbor/kecamatan/18.04.16")
    assert response is not None and response.status == 404
    async with site.sessionmaker() as session:
        refused = await session.scalar(select(AuditEntry.id).where(AuditEntry.action == "web.out_of_scope"))
    assert refused is not None


async def test_every_page_fits_a_phone_and_weighs_under_100_kb(
    site: Site, browser: Browser, tmp_path: Path, db_url: str
) -> None:
    folder = Path(os.environ.get("PEMANGKU_SCREENSHOTS", tmp_path))
    for width in WIDTHS:
        page = await signed_in(browser, site, "camat", width)
        for name, path in PAGES.items():
            response = await page.goto(site.url + path)
            assert response is not None and response.status == 200, path
            total = len(await response.body()) + STATIC_BYTES  # before caching: the page, htmx and the CSS
            assert total < MAX_PAGE_BYTES, (path, total)
            # nothing wider than the screen but the scrolling tables
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, width, overflow)
            if db_url.startswith("sqlite"):
                await page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        await page.context.close()
