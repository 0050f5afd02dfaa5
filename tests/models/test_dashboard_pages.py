"""The pekon page's data and the trend, on the small kabupaten, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.b3_rows import GROUPS
from models.dashboard import HistoryKind, UnitState, kecamatan_trend, late_units, pekon_page
from models.person import Channel, Role
from models.recap import compute_b3
from tests.factories import add_member
from tests.models.dashboard_world import (
    DEADLINE_DAY,
    DEC,
    JAN,
    KEC,
    NOV,
    OCT,
    A,
    B,
    C,
    build,
    reopen_and_reclose,
)


async def test_pekon_page_shows_units_pemangku_and_history(session: AsyncSession) -> None:
    units = await build(session)
    made = units[A][0]
    await add_member(session, "Pak Made", Role.PEMANGKU, unit=made, channel=Channel.WHATSAPP, address="62811")
    await reopen_and_reclose(session, units)
    page = await pekon_page(session, A, NOV, deadline_day=DEADLINE_DAY)
    assert (page.pekon_nama, page.kecamatan_nama) == ("Sukamaju", "Gedung Surian")
    assert (page.closed, page.revision) == (True, 2)
    assert page.deadline.isoformat() == "2026-12-05"
    assert [(u.nama, u.state, u.late) for u in page.units] == [
        ("Pemangku 1", UnitState.SUBMITTED, False),
        ("Pemangku 2", UnitState.SUBMITTED, False),
        ("Pemangku 3", UnitState.SUBMITTED, False),
        ("Pemangku 4", UnitState.SUBMITTED, True),
    ]
    first = page.units[0]
    assert [(p.name, p.channels) for p in first.pemangku] == [("Pak Made", ("whatsapp",))]
    assert first.last_report_at is not None and first.last_report_at.month == 1  # the late birth
    assert page.b3 == await compute_b3(session, A, NOV)
    history = [(h.kind, h.revision, h.actor_name, h.reason) for h in page.history]
    assert history == [
        (HistoryKind.CLOSED, 1, None, None),  # by the schedule
        (HistoryKind.REOPENED, 1, "Sekdes Rini", "salah hitung"),
        (HistoryKind.CLOSED, 2, "Sekdes Rini", None),
    ]
    times = [h.at for h in page.history]
    assert times == sorted(times) and times[1].date() == date(2027, 1, 9)  # the reopen at its own clock


async def test_pekon_page_of_an_open_month_with_missing_units(session: AsyncSession) -> None:
    await build(session)
    page = await pekon_page(session, B, DEC, deadline_day=DEADLINE_DAY)
    assert not page.closed and page.history == ()
    assert [u.state for u in page.units] == [UnitState.SUBMITTED, UnitState.SUBMITTED, UnitState.MISSING]
    assert page.units[2].reported_at is None


async def test_late_units_of_a_kecamatan_are_the_pekon_pages_missing_units(session: AsyncSession) -> None:
    units = await build(session)
    await add_member(session, "Pak Wayan", Role.PEMANGKU, unit=units[B][2])
    await add_member(session, "Bu Sari", Role.PEMANGKU, unit=units[B][2])
    await session.commit()
    late = await late_units(session, KEC, DEC)  # one query for every pekon of the kecamatan
    expected = []
    for kode in (A, B, C):
        page = await pekon_page(session, kode, DEC, deadline_day=DEADLINE_DAY)
        expected += [
            (page.pekon_nama, u.unit_id, u.nama, tuple(p.name for p in u.pemangku))
            for u in page.units
            if u.state == UnitState.MISSING
        ]
    assert [(u.pekon_nama, u.unit_id, u.unit_nama, u.pemangku) for u in late] == expected
    assert ("Sindangpagar", units[B][2].id, "Pemangku 3", ("Pak Wayan", "Bu Sari")) in expected
    assert len(expected) == 4  # A's two, B's one, C's one (the other kecamatan is not in scope)
    assert [u.unit_id for u in await late_units(session, B, DEC)] == [units[B][2].id]
    assert await late_units(session, KEC, NOV) == []  # closed: nothing left to remind
    assert len(await late_units(session, KEC, JAN)) == 9  # nobody has reported the running month


async def test_trend_reads_the_books(session: AsyncSession) -> None:
    await build(session)
    trend = await kecamatan_trend(session, KEC, JAN, months=4)
    assert trend.months == (OCT, NOV, DEC, JAN)
    assert [s.kode for s in trend.pekon] == [A, B, C]
    tanjung = trend.pekon[2]
    assert tanjung.points[0] is None and tanjung.points[1] is None and tanjung.points[2] is not None
    for series in trend.pekon:
        for point in series.points:
            if point is None:
                continue
            total = (await compute_b3(session, series.kode, point.period)).total
            assert point.population == total.akhir_jiwa and point.kk == total.figures["akhir_kk"]
            assert point.births == sum(total.figures[f"lahir_{g}"] for g in GROUPS)
            assert point.closed == (point.period in (OCT, NOV))
    for index, point in enumerate(trend.total.points):
        assert point is not None
        parts = [p for s in trend.pekon if (p := s.points[index]) is not None]
        assert point.population == sum(p.population for p in parts)
        assert point.moves_out == sum(p.moves_out for p in parts)
    # a closing is the next month's opening: the population moves only by the month's movements
    oct_, nov = trend.pekon[0].points[0], trend.pekon[0].points[1]
    assert oct_ is not None and nov is not None
    change = nov.births + nov.moves_in - nov.deaths - nov.moves_out
    assert nov.population == oct_.population + change
