"""Daftar Bantuan is kept in process while the ledger and the lists stand (models.dashboard_cache
lists_version): the page a staff member reads must move the moment an import, a refresh of the
matches (what a month close runs), a confirm/reject decision or a deletion is committed, each with
the ledger standing still, on the page served by the same running server."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from jobs.month_close import refresh_listed_pekon
from models.audit import AuditEntry
from models.beneficiary import BeneficiaryMatch, MatchStatus
from models.beneficiary_import import delete_lists
from models.beneficiary_match import decide
from models.region import Pekon
from tests.models.dashboard_world import A
from tests.reconcile.seed import import_rows
from tests.reconcile.world import ListRow
from tests.web.conftest import NOW, Site
from tests.web.test_beneficiary import DEAD, _lists, signed_in


async def _page(client: httpx.AsyncClient) -> str:
    answer = await client.get(f"/dasbor/bantuan/{A}")
    assert answer.status_code == 200
    return answer.text


async def test_the_kept_page_moves_with_an_import_a_refresh_a_decision_and_a_deletion(site: Site) -> None:
    async with site.sessionmaker() as session:
        await _lists(session, refresh=False)  # deaths in the ledger, a PKH list not yet matched
    async with httpx.AsyncClient(base_url=site.url) as client:
        await signed_in(site, client, "ratna")
        before = await _page(client)
        assert before == await _page(client) and "PBI-JK" not in before  # served again
        async with site.sessionmaker() as session:
            pekon = await session.get(Pekon, A)
            assert pekon is not None
            await import_rows(session, pekon, [ListRow(None, "Sukardi", DEAD, None, "L")], program="PBI-JK")
        imported = await _page(client)
        assert "PBI-JK" in imported and "Alm. Sukardi" not in imported and "Perlu dicek" not in imported
        async with site.sessionmaker() as session:
            assert await refresh_listed_pekon(session) >= 2  # what the close job runs after closing
            await session.commit()
        refreshed = await _page(client)
        assert "Alm. Sukardi" in refreshed and "Perlu dicek (1)" in refreshed
        async with site.sessionmaker() as session:
            match = await session.scalar(
                select(BeneficiaryMatch).where(BeneficiaryMatch.status == MatchStatus.PENDING)
            )
            assert match is not None  # decided in chat ("cek 1"), not on this page
            assert await decide(session, match, confirm=False, member_id=None, channel="console", now=NOW)
            await session.commit()
        assert "Perlu dicek" not in await _page(client)
        async with site.sessionmaker() as session:
            assert await delete_lists(session, A, "PBI-JK", actor="operator") == 1
            await session.commit()
        deleted = await _page(client)
        assert "PBI-JK" not in deleted and "PKH" in deleted
    async with site.sessionmaker() as session:
        views = await session.scalars(select(AuditEntry).where(AuditEntry.action == "list.view"))
        assert len(list(views)) == 6  # every view audited, kept or not
