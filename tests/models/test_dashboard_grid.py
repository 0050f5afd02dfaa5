"""The completeness grid and the DHIS2 rates on a small kabupaten, SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.dashboard import (
    CellStatus,
    Grid,
    kabupaten_grid,
    kabupaten_rates,
    kecamatan_grid,
    kecamatan_rates,
)
from tests.models.dashboard_world import (
    DEADLINE_DAY,
    DEC,
    JAN,
    KEC,
    NOV,
    OCT,
    TODAY,
    A,
    B,
    C,
    build,
)

S = CellStatus


def statuses(grid: Grid) -> dict[str, list[str | None]]:
    return {r.kode: [c.status if c else None for c in r.cells] for r in grid.rows}


async def test_kecamatan_grid_says_each_pekon_month(session: AsyncSession) -> None:
    await build(session)
    grid = await kecamatan_grid(session, KEC, JAN, today=TODAY, deadline_day=DEADLINE_DAY)
    assert grid.months[-4:] == (OCT, NOV, DEC, JAN) and len(grid.months) == 12
    assert grid.nama == "Gedung Surian"
    assert {k: v[-4:] for k, v in statuses(grid).items()} == {
        A: [S.ON_TIME, S.LATE, S.MISSING, S.NOT_DUE],
        B: [S.NIHIL, S.MISSING, S.MISSING, S.NOT_DUE],
        C: [None, None, S.MISSING, S.NOT_DUE],  # Tanjung starts in December
    }
    assert all(c is None for row in grid.rows for c in row.cells[:-4])  # before anyone's start
    a_dec = grid.rows[0].cell(DEC)
    assert a_dec is not None and (a_dec.received, a_dec.units, a_dec.open, a_dec.due) == (2, 4, True, True)
    b_nov = grid.rows[1].cell(NOV)
    assert b_nov is not None and (b_nov.missing, b_nov.open) == (1, False)  # closed without a report
    assert [r.kode for r in grid.not_reported(NOV)] == [B]
    assert [r.kode for r in grid.not_reported(OCT)] == []


async def test_a_month_before_its_deadline_is_not_due_yet(session: AsyncSession) -> None:
    await build(session)
    grid = await kecamatan_grid(session, KEC, DEC, today=DEC.replace(month=12, day=20), deadline_day=5)
    # on 20 December, December's reports are not due; November's were (5 December)
    assert [row.cells[-1].status for row in grid.rows if row.cells[-1]] == [S.NOT_DUE] * 3


async def test_rates_follow_dhis2(session: AsyncSession) -> None:
    await build(session)
    nov = await kecamatan_rates(session, KEC, NOV)
    # Tanjung has no unit in November: 4 + 3 expected, 6 received, one of them after the deadline
    assert (nov.expected, nov.received, nov.on_time) == (7, 6, 5)
    assert nov.rate == 6 / 7 and nov.on_time_rate == 5 / 7
    jan = await kecamatan_rates(session, KEC, JAN)
    assert (jan.expected, jan.received, jan.rate) == (9, 0, 0.0)
    kab = await kabupaten_rates(session, "18.04", NOV)
    assert (kab.total.expected, kab.total.received, kab.total.on_time) == (9, 8, 7)
    per_kecamatan = [(r.kode, r.expected, r.received) for r in kab.kecamatan]
    assert per_kecamatan == [("18.04.15", 7, 6), ("18.04.16", 2, 2)]


async def test_kabupaten_grid_sums_its_kecamatan(session: AsyncSession) -> None:
    await build(session)
    grid = await kabupaten_grid(session, "18.04", JAN, today=TODAY, deadline_day=DEADLINE_DAY, months=4)
    assert grid.level == "kabupaten" and grid.nama == "Kabupaten Lampung Barat"
    assert statuses(grid) == {
        "18.04.15": [S.ON_TIME, S.MISSING, S.MISSING, S.NOT_DUE],
        "18.04.16": [S.ON_TIME, S.ON_TIME, S.ON_TIME, S.NOT_DUE],
    }
    kec_oct = grid.rows[0].cell(OCT)
    assert kec_oct is not None and (kec_oct.units, kec_oct.submitted, kec_oct.nihil) == (7, 4, 3)
