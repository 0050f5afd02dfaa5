"""The grids, the trend and the roll-up are kept in process while their part of the ledger stands
(models.dashboard_cache): what a camat or the kabupaten sees must move the moment a report, an
event, a close, a reopen or a new unit is committed, on the page served by the same running server,
and the figures of another kecamatan are not recomputed for it."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.dashboard_cache import FigureCache
from models.event import EventKind, Sex
from models.ledger import record_event, submit_report
from models.months import close_months, reopen_month
from models.period import Baseline, ReportStatus, UnitReport
from models.person import Identity, Role
from models.person_input import PersonInput
from models.region import Unit
from tests.factories import add_member
from tests.models.dashboard_world import DEADLINE_DAY, DEC, JAN, KEC, OTHER, A, at
from tests.web.conftest import NOW, Site
from tests.web.test_signin import sign_in

KAB, OTHER_KEC = KEC[:5], OTHER[:8]


@dataclass
class CountedFigures(FigureCache):
    """The server's kept figures, counting what is computed per scope."""

    computed: Counter[str] = field(default_factory=Counter)

    async def get(
        self,
        session: AsyncSession,
        key: Hashable,
        compute: Callable[[], Awaitable[Any]],
        *,
        scope: str,
        events: bool = True,
    ) -> Any:
        async def counted() -> Any:
            self.computed[scope] += 1
            return await compute()

        return await super().get(session, key, counted, scope=scope, events=events)


@pytest.fixture
def figures() -> FigureCache:
    return CountedFigures()


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


async def _report(site: Site, unit_id: int) -> None:
    """The unit sends January's report, committed."""
    async with site.sessionmaker() as session:
        reporting = await session.get(Unit, unit_id)
        assert reporting is not None
        sent = ReportStatus.SUBMITTED
        await submit_report(session, unit=reporting, period=JAN, status=sent, member_id=None,
                            channel="console", deadline_day=DEADLINE_DAY, now=NOW)  # fmt: skip
        await session.commit()


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
        await _report(site, unit.id)
        assert (await client.get(page)).text.count("Belum lapor") == missing - 1
        async with site.sessionmaker() as session:
            await close_months(session, DEC, [A], now=NOW)
            await close_months(session, JAN, [A], now=NOW)
            await session.commit()
        closed = (await client.get(page)).text
    assert "Ditutup (revisi 1)" in closed and "Belum pernah ditutup" not in closed


async def test_the_kept_pekon_page_is_each_viewers_own(site: Site) -> None:
    """One pekon and month, kept once: the camat's page leads back to the kecamatan and names the
    camat, the staff's stays in the pekon and names the staff; a pemangku's channel that stops being
    reachable (no ledger move) leaves the page at once."""
    page = f"/dasbor/pekon/{A}?bulan=2027-01"
    async with httpx.AsyncClient(base_url=site.url) as camat, httpx.AsyncClient(base_url=site.url) as staff:
        await sign_in(camat, await site.chat_link("camat"))
        await sign_in(staff, await site.chat_link("ratna"))
        seen_by_camat, seen_by_staff = (await camat.get(page)).text, (await staff.get(page)).text
        assert f'href="/dasbor/kecamatan/{KEC}"' in seen_by_camat and "Camat Hendra" in seen_by_camat
        assert "/dasbor/kecamatan/" not in seen_by_staff and f'href="/dasbor/bantuan/{A}"' in seen_by_staff
        assert "Sekdes Ratna" in seen_by_staff and "Camat Hendra" not in seen_by_staff
        assert (await camat.get(page)).text == seen_by_camat  # kept: the same bytes again
        assert "Pemangku A0 <small>(console)</small>" in seen_by_staff
        async with site.sessionmaker() as session:
            found = await session.scalar(select(Identity).where(Identity.address == "pem-a0"))
            assert found is not None
            found.reachable = False
            await session.commit()
        assert "Pemangku A0 <small>(tanpa kanal)</small>" in (await staff.get(page)).text


async def _kecamatan_row(client: httpx.AsyncClient) -> list[str]:
    """The kecamatan's row in the kabupaten's grid (CSV)."""
    answer = await client.get(f"/dasbor/unduh/{KAB}/kelengkapan.csv")
    return {row[0]: row for row in csv.reader(io.StringIO(answer.text))}[KEC]


async def test_a_change_in_a_kecamatan_moves_it_and_the_kabupaten_not_another(
    site: Site, figures: CountedFigures
) -> None:
    """Seen by the kabupaten: each page of kecamatan A, of B and of the kabupaten, after each change."""
    pages = [f"/dasbor/kecamatan/{KEC}", f"/dasbor/tren/{KEC}", f"/dasbor/kecamatan/{OTHER_KEC}",
             f"/dasbor/tren/{OTHER_KEC}", f"/dasbor/kabupaten/{KAB}", f"/dasbor/tahun/{KAB}"]  # fmt: skip
    unit = await _quiet_unit(site)

    async def report() -> None:
        await _report(site, unit.id)

    async def event() -> None:
        async with site.sessionmaker() as session:
            await record_event(session, unit=unit, kind=EventKind.LAHIR, persons=[PersonInput("Bayi", Sex.P)],
                               event_date=date(2027, 1, 18), reporter_id=None, channel="console",
                               now=at(date(2027, 1, 19)))  # fmt: skip
            await session.commit()

    async def close() -> None:
        async with site.sessionmaker() as session:
            await close_months(session, DEC, [A], now=NOW)
            await session.commit()

    async def reopen() -> None:
        async with site.sessionmaker() as session:
            await reopen_month(session, pekon_kode=A, period=DEC, actor_id=None, channel="console",
                               reason="salah", now=NOW)  # fmt: skip
            await session.commit()

    async def new_unit() -> None:
        async with site.sessionmaker() as session:
            added = Unit(kode=f"{A}-09", pekon_kode=A, seq=9, nama="Pemangku 9", nama_norm="pemangku 9")
            session.add(added)
            await session.flush()
            zero = dict.fromkeys(("wna_l", "wna_p", "wni_l", "wni_p", "kk", "anggota"), 0)
            session.add(Baseline(unit_id=added.id, period=JAN, **zero))
            await session.commit()

    async with httpx.AsyncClient(base_url=site.url) as client:
        await sign_in(client, await site.chat_link("dinas"))
        for page in pages:
            assert (await client.get(page)).status_code == 200
        shown = await _kecamatan_row(client)
        for change in (report, event, close, reopen, new_unit):
            before = figures.computed.copy()
            await change()
            for page in pages:
                assert (await client.get(page)).status_code == 200
            moved = {scope: figures.computed[scope] - before[scope] for scope in (KEC, OTHER_KEC, KAB)}
            assert moved[KEC] > 0 and moved[KAB] > 0 and moved[OTHER_KEC] == 0, (change.__name__, moved)
            if change is report:  # what the kabupaten sees moved with it
                assert await _kecamatan_row(client) != shown
