"""The rates above the Kelengkapan grid are the grid's own cells summed (one computation): what the
camat and the kabupaten read on the page is what the models count, for every month of the grid
and for a month older than it."""

from __future__ import annotations

import re
from datetime import date

import httpx

from models.dashboard_grid import ReportingRate, kabupaten_rates, kecamatan_rates
from tests.models.dashboard_world import DEC, JAN, KEC
from tests.web.conftest import Site
from tests.web.test_signin import sign_in

RATE = re.compile(
    r"<b>([^<]+), [^<]+</b>\s*<span>Tingkat pelaporan <strong>[^<]+</strong> \((\d+) dari (\d+)\)</span>\s*"
    r"<span>Tepat waktu <strong>[^<]+</strong> \((\d+) dari \d+\)</span>"
)


def shown(page: str) -> list[tuple[str, int, int, int]]:
    """(name, received, expected, on time) of each rate on the page, in order."""
    return [(n, int(r), int(e), int(o)) for n, r, e, o in RATE.findall(page)]


def counted(rate: ReportingRate) -> tuple[str, int, int, int]:
    return rate.nama, rate.received, rate.expected, rate.on_time


async def test_the_kecamatan_rates_are_its_cells_summed(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("camat"))
        for period in (date(2026, 11, 1), DEC, JAN, date(2025, 6, 1)):  # the last is older than the grid
            page = (await client.get(f"/dasbor/kecamatan/{KEC}?bulan={period:%Y-%m}")).text
            async with site.sessionmaker() as session:
                expected = await kecamatan_rates(session, KEC, period)
            assert shown(page) == [counted(expected)], period
        november = (await client.get(f"/dasbor/kecamatan/{KEC}?bulan=2026-11")).text
    assert shown(page)[0][1:] == (0, 0, 0)  # nothing was expected before the world began
    # counted by hand (tests/models/test_dashboard_grid.py): 7 expected, 6 received, 5 by the deadline
    assert shown(november)[0][1:] == (6, 7, 5)


async def test_the_kabupaten_rates_are_its_kecamatan_rows(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("dinas"))
        page = (await client.get(f"/dasbor/kabupaten/{KEC[:5]}?bulan={DEC:%Y-%m}")).text
    async with site.sessionmaker() as session:
        rates = await kabupaten_rates(session, KEC[:5], DEC)
    on_page = shown(page)
    assert on_page == [counted(rates.total), *(counted(r) for r in rates.kecamatan)]
    assert len(on_page) == 3 and on_page[0][2] == on_page[1][2] + on_page[2][2] > 0
