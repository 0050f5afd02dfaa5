"""The lists' version per scope (models.dashboard_cache lists_version), on the page served by the
same running server: a refresh of the matches or a decision in one pekon moves its Daftar Bantuan
and its kecamatan's findings column and recomputes nothing of another kecamatan; an import in
another kecamatan moves them too, since a NIK standing in a list of another pekon is a finding."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from models.beneficiary import BeneficiaryMatch, MatchStatus
from models.beneficiary_match import decide, refresh_matches
from models.dashboard_cache import FigureCache
from models.region import Pekon
from tests.models.dashboard_world import KEC, OTHER, A
from tests.reconcile.seed import import_rows
from tests.reconcile.world import ListRow
from tests.web.conftest import NOW, Site
from tests.web.test_beneficiary import DEAD, _lists
from tests.web.test_fresh_figures import CountedFigures
from tests.web.test_signin import sign_in

OTHER_KEC = OTHER[:8]
PAGES = {KEC: f"/dasbor/kecamatan/{KEC}", A: f"/dasbor/bantuan/{A}",
         OTHER_KEC: f"/dasbor/kecamatan/{OTHER_KEC}", OTHER: f"/dasbor/bantuan/{OTHER}"}  # fmt: skip
ELSEWHERE = "Lain (BPNT)"  # pekon OTHER's name and the program of its list


@pytest.fixture
def figures() -> FigureCache:
    return CountedFigures()


async def _shown(client: httpx.AsyncClient) -> dict[str, str]:
    pages = {scope: await client.get(page) for scope, page in PAGES.items()}
    assert {scope: answer.status_code for scope, answer in pages.items()} == dict.fromkeys(PAGES, 200)
    return {scope: answer.text for scope, answer in pages.items()}


async def test_an_import_elsewhere_moves_the_findings_a_decision_moves_its_pekon_only(
    site: Site, figures: CountedFigures
) -> None:
    async with site.sessionmaker() as session:
        await _lists(session, refresh=False)  # deaths in the ledger, Sukamaju's PKH list not yet matched
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("dinas"))
        shown = await _shown(client)
        assert await _shown(client) == shown and ELSEWHERE not in shown[A]  # kept
        async with site.sessionmaker() as session:  # Sukardi's NIK on a list of another kecamatan
            pekon = await session.get(Pekon, OTHER)
            assert pekon is not None
            await import_rows(session, pekon, [ListRow(None, "Sukardi", DEAD, None, "L")], program="BPNT")
        assert ELSEWHERE in (await _shown(client))[A]

        async def refresh() -> None:
            async with site.sessionmaker() as session:
                assert await refresh_matches(session, A) == 2
                await session.commit()

        async def decision() -> None:
            async with site.sessionmaker() as session:
                pending = await session.scalar(
                    select(BeneficiaryMatch).where(BeneficiaryMatch.status == MatchStatus.PENDING)
                )
                assert pending is not None
                assert await decide(session, pending, confirm=True, member_id=None, channel="web", now=NOW)
                await session.commit()

        for change in (refresh, decision):
            before, seen = figures.computed.copy(), await _shown(client)
            await change()
            after = await _shown(client)
            moved = {scope: figures.computed[scope] - before[scope] for scope in PAGES}
            assert moved[KEC] > 0 and moved[A] > 0 and after[A] != seen[A], (change.__name__, moved)
            assert moved[OTHER_KEC] == 0 and moved[OTHER] == 0, (change.__name__, moved)
            assert after[OTHER_KEC] == seen[OTHER_KEC] and after[OTHER] == seen[OTHER]
