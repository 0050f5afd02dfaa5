"""The rows behind every B.3 number add up to it: every movement column, every pekon and unit, every
month (closed, reopened and re-closed, open), the kecamatan roll-up; over several seeded histories
with susulan reports and corrections, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from models.b3_rows import B3Table
from models.dashboard import NUMBER_COLUMNS, column_parts, number_rows
from models.recap import compute_b3
from tests.models.dashboard_world import DEC, JAN, KEC, NOV, OCT, A, build, reopen_and_reclose

PERIODS = (OCT, NOV, DEC, JAN)


def figure(table: B3Table, column: str, unit_kode: str | None) -> int:
    kind, groups = column_parts(column)
    rows = [r for r in table.rows if r.unit_kode == unit_kode] if unit_kode else [table.total]
    return sum(r.figures[f"{kind}_{g}"] for r in rows for g in groups)


@pytest.mark.parametrize("seed", [1, 2])
async def test_every_number_is_the_signed_count_of_its_rows(session: AsyncSession, seed: int) -> None:
    units = await build(session, seed)
    await reopen_and_reclose(session, units)
    nonzero = checked = 0
    for period in PERIODS:
        roll_up = {c: 0 for c in NUMBER_COLUMNS}
        for kode, pekon_units in units.items():
            table = await compute_b3(session, kode, period)
            for column in NUMBER_COLUMNS:
                # every column of the total row; a unit's row by kind (its groups are the same sum)
                unit_rows = [] if "_" in column else [u.kode for u in pekon_units]
                for unit_kode in [None, *unit_rows]:
                    rows = await number_rows(session, period, column, pekon_kode=kode, unit_kode=unit_kode)
                    assert rows.figure == figure(table, column, unit_kode)
                    assert rows.signed_count == rows.figure, (kode, period, column, unit_kode)
                    assert all(line.unit_kode == unit_kode for line in rows.lines if unit_kode)
                    checked += 1
                    nonzero += bool(rows.lines)
                if kode.startswith(KEC):
                    roll_up[column] += figure(table, column, None)
        for column in NUMBER_COLUMNS:
            rows = await number_rows(session, period, column, kecamatan_kode=KEC)
            assert rows.figure == roll_up[column] == rows.signed_count
            assert {line.pekon_kode[:8] for line in rows.lines} <= {KEC}
    assert checked > 300 and nonzero > 50  # the histories are not empty


async def test_rows_carry_what_the_page_shows(session: AsyncSession) -> None:
    units = await build(session, 1)
    await reopen_and_reclose(session, units)
    rows = await number_rows(session, NOV, "lahir_wni_l", pekon_kode=A)
    late = [line for line in rows.lines if line.name == "Bayi Susul"]
    assert len(late) == 1 and late[0].receipt.startswith("L-") and late[0].unit_nama == "Pemangku 1"
    assert late[0].event_date.isoformat() == "2026-11-30" and late[0].reported_at.month == 1
    all_rows = [
        line
        for period in PERIODS
        for column in ("lahir", "meninggal", "datang", "pindah")
        for line in (await number_rows(session, period, column, kecamatan_kode=KEC)).lines
    ]
    assert any(line.susulan for line in all_rows)
    reversed_lines = [line for line in all_rows if line.sign < 0]
    assert reversed_lines and all(line.corrects and line.reason == "salah ketik" for line in reversed_lines)


async def test_unknown_column_or_scope_is_refused(session: AsyncSession) -> None:
    with pytest.raises(ValueError):
        await number_rows(session, NOV, "awal_kk", pekon_kode=A)
    with pytest.raises(ValueError):
        await number_rows(session, NOV, "lahir", pekon_kode=A, kecamatan_kode=KEC)
    with pytest.raises(ValueError):
        await number_rows(session, NOV, "lahir", kecamatan_kode=KEC, unit_kode=f"{A}-01")
