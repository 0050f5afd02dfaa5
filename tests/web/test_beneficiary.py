"""Daftar Bantuan over real HTTP: the count per pekon on the kecamatan grid, a pekon's findings
(names, masked NIKs, event date, receipt, B.2 line, pemangku; audited), the Usulan Perbaikan files
(the bytes of jobs.documents.usulan), and staff confirming a probable match (CSRF, audited, once)."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.documents.usulan import load_usulan, usulan_pdf, usulan_xlsx
from jobs.month_close import refresh_listed_pekon
from models.audit import AuditEntry
from models.beneficiary import BeneficiaryMatch, MatchStatus
from models.beneficiary_findings import findings_count_by_pekon
from models.beneficiary_match import refresh_matches
from models.event import EventKind, Sex
from models.ledger import record_event
from models.person import Member
from models.person_input import PersonInput
from models.region import Pekon, Unit
from tests.models.dashboard_world import TODAY, A, at
from tests.reconcile.seed import import_rows
from tests.reconcile.world import ListRow
from tests.web.conftest import Site
from tests.web.test_signin import sign_in

DEAD = "1804150304500007"  # Sukardi, in the ledger and on the PKH list


async def _lists(session: AsyncSession, *, refresh: bool = True) -> None:
    """Two deaths reported in January by Pemangku A0 (one with a NIK, one without), and a PKH list
    of Sukamaju with both people (the second a probable match) and a row without a NIK."""
    unit = (await session.scalars(select(Unit).where(Unit.pekon_kode == A).order_by(Unit.id))).first()
    reporter = await session.scalar(select(Member.id).where(Member.name == "Pemangku A0"))
    assert unit is not None
    for name, sex, nik in (("Sukardi", Sex.L, DEAD), ("Wagiyem Sastro", Sex.P, None)):
        person = PersonInput(name, sex, nik=nik)
        day, now = date(2027, 1, 6), at(date(2027, 1, 7))
        await record_event(session, unit=unit, kind=EventKind.MENINGGAL, persons=[person],
                           reporter_id=reporter, event_date=day, channel="console", now=now)  # fmt: skip
    await session.commit()
    pekon = await session.get(Pekon, A)
    assert pekon is not None
    rows = [
        ListRow(None, "ALM. SUKARDI", DEAD, None, "L"),
        ListRow(None, "Hj. Wagiyem Sastro", None, None, "P"),
        ListRow(None, "Tanpa NIK", None, None, None),
    ]
    await import_rows(session, pekon, rows)
    if refresh:
        await refresh_matches(session, A)
    await session.commit()


@pytest.fixture
async def listed(site: Site) -> Site:
    """The dashboard world with Sukamaju's PKH list."""
    async with site.sessionmaker() as session:
        await _lists(session)
    return site


async def signed_in(site: Site, client: httpx.AsyncClient, who: str) -> str:
    """A session for `who`; its CSRF token (from the page's Keluar form)."""
    assert (await sign_in(client, await site.chat_link(who))).status_code == 303
    home = await client.get("/dasbor", follow_redirects=True)
    return home.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


async def _audit(site: Site, action: str) -> list[AuditEntry]:
    async with site.sessionmaker() as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def test_the_grid_counts_and_the_camat_reads_the_findings(listed: Site) -> None:
    async with listed.sessionmaker() as session:
        counts = await findings_count_by_pekon(session, [A])
    async with httpx.AsyncClient(base_url=listed.url) as client:
        await signed_in(listed, client, "camat")
        grid = await client.get("/dasbor/kecamatan/18.04.15")
        assert f'title="Temuan daftar bantuan Sukamaju">{counts[A]}</a>' in grid.text and counts[A] >= 2
        assert 'title="Temuan daftar bantuan Sindangpagar">0</a>' in grid.text
        page = await client.get(f"/dasbor/bantuan/{A}")
    assert page.status_code == 200 and "Daftar Bantuan" in page.text
    died = page.text.split("PENERIMA YANG MENINGGAL", 1)[1].split("</table>", 1)[0]
    assert "Alm. Sukardi" in died and "************0007" in died and DEAD not in page.text
    assert "06-01-2027" in died and "Pemangku A0" in died and "NIK sama" in died
    blank = page.text.split("NIK KOSONG ATAU TIDAK SAH", 1)[1].split("</table>", 1)[0]
    assert "Tanpa" in blank and "NIK kosong" in blank
    # the probable match is shown, but only the pekon's staff decide it
    assert "Perlu dicek (1)" in page.text and "Wagiyem Sastro" in page.text
    assert 'value="sama"' not in page.text and "Hanya staf pekon" in page.text
    views = await _audit(listed, "list.view")
    assert [(v.channel, v.entity_id) for v in views] == [("web", A)]


async def test_a_get_writes_no_match_and_perbarui_refreshes(site: Site) -> None:
    async with site.sessionmaker() as session:
        await _lists(session, refresh=False)  # the deaths came after the list was matched
    async with httpx.AsyncClient(base_url=site.url) as client:
        csrf = await signed_in(site, client, "camat")
        page = await client.get(f"/dasbor/bantuan/{A}")
        assert page.status_code == 200 and "Alm. Sukardi" not in page.text and "Perlu dicek" not in page.text
        async with site.sessionmaker() as session:
            assert not list(await session.scalars(select(BeneficiaryMatch.id)))  # the GET wrote nothing
        fresh = await client.post(f"/dasbor/bantuan/{A}", data={"keputusan": "perbarui", "csrf": csrf})
    assert fresh.status_code == 200 and "dicocokkan ulang" in fresh.text
    assert "Alm. Sukardi" in fresh.text and "Perlu dicek (1)" in fresh.text


async def test_staff_confirm_a_match_once_with_csrf(listed: Site) -> None:
    async with httpx.AsyncClient(base_url=listed.url) as client:
        csrf = await signed_in(listed, client, "ratna")
        page = await client.get(f"/dasbor/bantuan/{A}")
        match = int(page.text.split('name="match" value="', 1)[1].split('"', 1)[0])
        form = {"match": str(match), "keputusan": "sama"}
        assert (await client.post(f"/dasbor/bantuan/{A}", data=form)).status_code == 403
        done = await client.post(f"/dasbor/bantuan/{A}", data={**form, "csrf": csrf})
        assert done.status_code == 200
        assert "Dicatat: Hj. Wagiyem Sastro di daftar PKH adalah orang yang sama" in done.text
        assert "Perlu dicek" not in done.text  # never asked again
        again = await client.post(f"/dasbor/bantuan/{A}", data={**form, "keputusan": "beda", "csrf": csrf})
        assert "sudah diputuskan sebelumnya" in again.text
        assert (
            await client.post("/dasbor/bantuan/18.04.15.2002", data={**form, "csrf": csrf})
        ).status_code == 404
    async with listed.sessionmaker() as session:
        stored = await session.get(BeneficiaryMatch, match)
        assert stored is not None and stored.status == MatchStatus.CONFIRMED
    confirmed = await _audit(listed, "beneficiary_match.confirm")
    assert [(e.channel, e.entity_id) for e in confirmed] == [("web", str(match))]


async def test_the_camat_may_not_decide_and_other_places_are_not_found(listed: Site) -> None:
    async with httpx.AsyncClient(base_url=listed.url) as client:
        csrf = await signed_in(listed, client, "camat")
        async with listed.sessionmaker() as session:
            match = await session.scalar(
                select(BeneficiaryMatch.id).where(BeneficiaryMatch.status == "pending")
            )
        data = {"match": str(match), "keputusan": "sama", "csrf": csrf}
        assert (await client.post(f"/dasbor/bantuan/{A}", data=data)).status_code == 404
        assert (
            await client.get("/dasbor/bantuan/18.04.15")
        ).status_code == 404  # a kecamatan has no list page
        assert (await client.get("/dasbor/bantuan/18.04.16.2001")).status_code == 404
        assert (await client.get(f"/dasbor/bantuan/{A}?program=%21%21")).status_code == 404
    refused = await _audit(listed, "web.out_of_scope")
    assert [e.after["path"] for e in refused if e.after] == ["/dasbor/bantuan/18.04.16.2001"]
    assert not await _audit(listed, "beneficiary_match.confirm")


async def test_the_usulan_files_are_the_documents(listed: Site) -> None:
    async with httpx.AsyncClient(base_url=listed.url) as client:
        await signed_in(listed, client, "ratna")
        files = {fmt: await client.get(f"/dasbor/bantuan/{A}/usulan.{fmt}") for fmt in ("xlsx", "pdf")}
        assert (await client.get(f"/dasbor/bantuan/{A}/usulan.csv")).status_code == 404
    async with listed.sessionmaker() as session:
        data = await load_usulan(session, A, None, today=TODAY)
    assert files["xlsx"].content == usulan_xlsx(data) and files["pdf"].content == usulan_pdf(data)
    name = files["pdf"].headers["content-disposition"]
    assert name == f'attachment; filename="Usulan-Perbaikan_{A}_semua_2027-01-20.pdf"'
    exports = await _audit(listed, "beneficiary_list.export")
    assert [(e.channel, e.after["format"] if e.after else None) for e in exports] == [
        ("web", "xlsx"),
        ("web", "pdf"),
    ]


async def test_a_month_close_refreshes_the_matches_the_page_reads(site: Site) -> None:
    async with site.sessionmaker() as session:
        await _lists(session, refresh=False)
        assert await refresh_listed_pekon(session) >= 2  # what the close job runs after closing
        await session.commit()
    async with httpx.AsyncClient(base_url=site.url) as client:
        await signed_in(site, client, "camat")
        page = await client.get(f"/dasbor/bantuan/{A}")
    assert "Alm. Sukardi" in page.text and "Perlu dicek (1)" in page.text
