"""The lists' version is per scope (models.dashboard_cache lists_version): an import of a list in
one pekon moves its pekon's Daftar Bantuan and its kecamatan's findings column, and recomputes
nothing of another kecamatan, on the page served by the same running server."""

from __future__ import annotations

import httpx
import pytest

from models.dashboard_cache import FigureCache
from models.region import Pekon
from tests.models.dashboard_world import KEC, OTHER, A
from tests.reconcile.seed import import_rows
from tests.reconcile.world import ListRow
from tests.web.conftest import Site
from tests.web.test_fresh_figures import CountedFigures
from tests.web.test_signin import sign_in

OTHER_KEC = OTHER[:8]
PAGES = {KEC: f"/dasbor/kecamatan/{KEC}", A: f"/dasbor/bantuan/{A}",
         OTHER_KEC: f"/dasbor/kecamatan/{OTHER_KEC}", OTHER: f"/dasbor/bantuan/{OTHER}"}  # fmt: skip


@pytest.fixture
def figures() -> FigureCache:
    return CountedFigures()


async def _shown(client: httpx.AsyncClient) -> dict[str, str]:
    pages = {scope: await client.get(page) for scope, page in PAGES.items()}
    assert {scope: answer.status_code for scope, answer in pages.items()} == dict.fromkeys(PAGES, 200)
    return {scope: answer.text for scope, answer in pages.items()}


async def test_an_import_in_one_pekon_recomputes_no_other_kecamatan(
    site: Site, figures: CountedFigures
) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("dinas"))
        shown = await _shown(client)
        assert await _shown(client) == shown  # kept
        before = figures.computed.copy()
        async with site.sessionmaker() as session:
            pekon = await session.get(Pekon, A)
            assert pekon is not None
            await import_rows(
                session, pekon, [ListRow(None, "Tanpa NIK", None, None, None)], program="PBI-JK"
            )
        after = await _shown(client)
        moved = {scope: figures.computed[scope] - before[scope] for scope in PAGES}
        assert moved[KEC] > 0 and moved[A] > 0, moved
        assert moved[OTHER_KEC] == 0 and moved[OTHER] == 0, moved
        assert "PBI-JK" in after[A] and "PBI-JK" not in shown[A]
        assert after[OTHER_KEC] == shown[OTHER_KEC] and after[OTHER] == shown[OTHER]
