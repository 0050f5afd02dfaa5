"""Daftar Bantuan in the browser: the camat follows the grid's count to a pekon's findings; staff
press "Ya, orang sama" on a probable match; both pages fit a phone (photographed at 360 and 1280 px
into docs/screenshots when PEMANGKU_SCREENSHOTS names that folder)."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Browser

from tests.models.dashboard_world import A
from tests.web.conftest import Site
from tests.web.test_beneficiary import listed  # noqa: F401 (the fixture)
from tests.web.test_browser import MAX_PAGE_BYTES, STATIC_BYTES, WIDTHS, browser, signed_in  # noqa: F401


async def test_the_count_leads_to_the_findings_staff_confirm_and_it_fits_a_phone(
    listed: Site,  # noqa: F811
    browser: Browser,  # noqa: F811
    tmp_path: Path,
    db_url: str,
) -> None:
    page = await signed_in(browser, listed, "camat")
    await page.get_by_title("Temuan daftar bantuan Sukamaju").click()
    await page.wait_for_url(f"**/dasbor/bantuan/{A}")
    assert "Alm. Sukardi" in await page.locator("table.findings").first.inner_text()
    await page.context.close()
    page = await signed_in(browser, listed, "ratna")
    await page.get_by_role("link", name="Daftar Bantuan").click()
    await page.get_by_role("button", name="Ya, orang sama").click()
    await page.locator("#hasil").wait_for()
    assert "adalah orang yang sama" in await page.locator("#hasil").inner_text()
    await page.context.close()
    folder = Path(os.environ.get("PEMANGKU_SCREENSHOTS", tmp_path))
    for width in WIDTHS:
        page = await signed_in(browser, listed, "camat", width)
        for name, path in (
            ("kelengkapan-bantuan", "/dasbor/kecamatan/18.04.15"),
            ("daftar-bantuan", f"/dasbor/bantuan/{A}"),
        ):
            response = await page.goto(listed.url + path)
            assert response is not None and response.status == 200
            assert len(await response.body()) + STATIC_BYTES < MAX_PAGE_BYTES
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, width, overflow)
            if db_url.startswith("sqlite") and name == "daftar-bantuan":
                await page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        await page.context.close()
