"""The many-month forms of the chat's and books' functions (one statement for a grid or a trend)
give, month by month, what the one-month forms give; SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.base import add_months
from models.completeness import (
    KecamatanCompleteness,
    kecamatan_completeness_months,
    pekon_completeness,
    pekon_completeness_months,
)
from models.recap import compute_b3
from models.recap_totals import pekon_totals_months
from tests.models.dashboard_world import DEC, JAN, KEC, NOV, OCT, OTHER, A, B, C, build, reopen_and_reclose

MONTHS = (add_months(OCT, -1), OCT, NOV, DEC, JAN)  # September: before anyone's start


async def test_completeness_of_many_months_is_each_months(session: AsyncSession) -> None:
    await reopen_and_reclose(session, await build(session))
    for scope in ({"kecamatan_kode": KEC}, {"kabupaten_kode": "18.04"}, {}):
        found = await pekon_completeness_months(session, MONTHS, **scope)
        assert list(found) == list(MONTHS)
        for period in MONTHS:
            assert found[period] == await pekon_completeness(session, period, **scope)
    found = await pekon_completeness_months(session, MONTHS, KEC)
    a_nov = next(c for c in found[NOV] if c.pekon_kode == A)
    assert (a_nov.units, a_nov.closed, a_nov.revision) == (4, True, 2)  # reopened and closed again
    tanjung = {p: next(c for c in found[p] if c.pekon_kode == C) for p in MONTHS}
    assert [tanjung[p].units for p in MONTHS] == [0, 0, 0, 2, 2]  # a pekon before its start: no units
    assert [c.units for c in found[add_months(OCT, -1)]] == [0, 0, 0]
    assert await pekon_completeness_months(session, [], KEC) == {}


async def test_totals_of_many_months_are_the_books(session: AsyncSession) -> None:
    await reopen_and_reclose(session, await build(session))
    kodes = [A, B, C, OTHER]
    found = await pekon_totals_months(session, kodes, MONTHS)  # closed (snapshots) and open (live)
    assert list(found) == list(MONTHS) and found[add_months(OCT, -1)] == {}
    for period in MONTHS[1:]:
        expected = {}
        for kode in kodes:
            table = await compute_b3(session, kode, period)
            if table.rows:
                expected[kode] = table.total.figures
        assert found[period] == expected
    assert C not in found[NOV] and C in found[DEC]


async def test_kecamatan_completeness_sums_its_pekon(session: AsyncSession) -> None:
    await reopen_and_reclose(session, await build(session))
    pekon = await pekon_completeness_months(session, MONTHS, kabupaten_kode="18.04")
    found = await kecamatan_completeness_months(session, MONTHS, "18.04")
    for period in MONTHS:
        expected = []
        for kode in sorted({c.kecamatan_kode for c in pekon[period]}):
            counts = [c for c in pekon[period] if c.kecamatan_kode == kode]
            units, submitted = sum(c.units for c in counts), sum(c.submitted for c in counts)
            nihil, late = sum(c.nihil for c in counts), sum(c.late for c in counts)
            closed = all(c.closed for c in counts if c.units)
            expected.append(KecamatanCompleteness(kode, units, submitted, nihil, late, closed))
        assert found[period] == expected
    assert [c.closed for c in found[DEC]] == [False, False] and [c.closed for c in found[NOV]] == [True, True]
