"""The grids, the trend and the roll-up are kept in process while the ledger stands still
(models.dashboard_cache): what a camat sees must move the moment a report, an event, a close or a
reopen is committed, on the page served by the same running server."""

from __future__ import annotations

import csv
import io
from datetime import date

import httpx
from sqlalchemy import select

from models.event import EventKind, Sex
from models.ledger import PersonInput, record_event, submit_report
from models.months import close_months, reopen_month
from models.period import ReportStatus, UnitReport
from models.person import Role
from models.region import Unit
from tests.factories import add_member
from tests.models.dashboard_world import DEADLINE_DAY, DEC, JAN, KEC, A, at
from tests.web.conftest import NOW, Site
from tests.web.test_signin import sign_in


async def _january_of_a(client: httpx.AsyncClient) -> str:
    """Sukamaju's January cell in the grid's CSV (the open month: "n dari 4 unit sudah lapor")."""
    answer = await client.get(f"/dasbor/unduh/{KEC}/kelengkapan.csv")
    rows = {row[0]: row for row in csv.reader(io.StringIO(answer.text))}
    return rows[A][-1]


async def _quiet_unit(site: Site) -> Unit:
    """A unit of Sukamaju that has not reported January."""
    async with site.sessionmaker() as session:
        reported = select(UnitReport.unit_id).where(UnitReport.period == JAN)
        found = await session.scalar(
            select(Unit).where(Unit.pekon_kode == A, Unit.id.not_in(reported)).order_by(Unit.id)
        )
    assert found is not None
    return found


async def test_the_grid_moves_with_a_report_a_close_and_a_reopen(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("camat"))
        before = await _january_of_a(client)
        assert before == await _january_of_a(client) and "unit sudah lapor" in before  # served again
        done = int(before.split()[0])
        async with site.sessionmaker() as session:
            unit = await session.get(Unit, (await _quiet_unit(site)).id)
            assert unit is not None
            await submit_report(session, unit=unit, period=JAN, status=ReportStatus.SUBMITTED, member_id=None,
                                channel="console", deadline_day=DEADLINE_DAY, now=NOW)  # fmt: skip
            await session.commit()
        assert await _january_of_a(client) == f"{done + 1} dari 4 unit sudah lapor"
        async with site.sessionmaker() as session:
            await close_months(session, DEC, [A], now=NOW)
            await close_months(session, JAN, [A], now=NOW)
            await session.commit()
        closed = await _january_of_a(client)
        assert "unit sudah lapor" not in closed  # a closed month says what came, not "so far"
        async with site.sessionmaker() as session:
            await reopen_month(session, pekon_kode=A, period=JAN, actor_id=None, channel="console",
                               reason="salah", now=NOW)  # fmt: skip
            await session.commit()
        assert await _january_of_a(client) == f"{done + 1} dari 4 unit sudah lapor"


async def test_the_trend_moves_with_an_event(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("camat"))
        before = (await client.get(f"/dasbor/tren/{KEC}")).text
        assert (await client.get(f"/dasbor/tren/{KEC}")).text == before
        rollup = (await client.get(f"/dasbor/angka/{KEC}?bulan=2027-01")).text
        unit = await _quiet_unit(site)
        async with site.sessionmaker() as session:
            born = [PersonInput("Bayi Baru", Sex.P)]
            await record_event(session, unit=unit, kind=EventKind.LAHIR, persons=born,
                               event_date=date(2027, 1, 18), reporter_id=None, channel="console",
                               now=at(date(2027, 1, 19)))  # fmt: skip
            await session.commit()
        after = (await client.get(f"/dasbor/tren/{KEC}")).text
        rollup_after = (await client.get(f"/dasbor/angka/{KEC}?bulan=2027-01")).text
    assert after != before and rollup_after != rollup


async def test_the_pekon_page_moves_with_a_report_a_close_and_a_new_pemangku(site: Site) -> None:
    """Its units' reports and its history are kept with the ledger; its pemangku are read each time."""
    page = f"/dasbor/pekon/{A}?bulan=2027-01"
    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("camat"))
        before = (await client.get(page)).text
        assert before == (await client.get(page)).text and "Belum pernah ditutup" in before
        unit = await _quiet_unit(site)
        async with site.sessionmaker() as session:
            await add_member(session, "Pak Komang Baru", Role.PEMANGKU, unit=await session.get(Unit, unit.id))
        assert "Pak Komang Baru" in (await client.get(page)).text  # no ledger move, still shown
        missing = before.count("Belum lapor")
        async with site.sessionmaker() as session:
            reporting = await session.get(Unit, unit.id)
            assert reporting is not None
            sent = ReportStatus.SUBMITTED
            await submit_report(session, unit=reporting, period=JAN, status=sent, member_id=None,
                                channel="console", deadline_day=DEADLINE_DAY, now=NOW)  # fmt: skip
            await session.commit()
        assert (await client.get(page)).text.count("Belum lapor") == missing - 1
        async with site.sessionmaker() as session:
            await close_months(session, DEC, [A], now=NOW)
            await close_months(session, JAN, [A], now=NOW)
            await session.commit()
        closed = (await client.get(page)).text
    assert "Ditutup (revisi 1)" in closed and "Belum pernah ditutup" not in closed
