"""The annual recap at every level: a kecamatan's rows are its pekon, a kabupaten's its kecamatan,
and every level's total is the same number; the profil's development figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models.annual import Level, annual_recap
from models.annual_change import change_percent, development
from models.base import add_months
from models.event import EventKind, Sex
from models.ledger import record_event
from models.months import close_months
from models.period import Baseline
from models.person_input import PersonInput
from tests.factories import TRIMULYO, seed_pekon

OTHER = "18.04.15.2005"
ELSEWHERE = "18.04.01.2001"  # another kecamatan of the same kabupaten
JANUARY = date(2026, 1, 1)


async def seed_year(session: AsyncSession, closed_months: int) -> None:
    """Three pekon in two kecamatan, KK split 60/10 per unit, one family moving in, months closed."""
    trimulyo = await seed_pekon(session, units=2, baseline_period=JANUARY)
    await seed_pekon(session, kode=OTHER, nama="Sidodadi", units=3, baseline_period=JANUARY)
    await seed_pekon(session, kode=ELSEWHERE, nama="Way Mengaku", units=1, baseline_period=JANUARY)
    await session.execute(update(Baseline).values(kk_l=60, kk_p=10))
    await session.commit()
    await record_event(
        session,
        unit=trimulyo[0],
        kind=EventKind.DATANG,
        persons=[PersonInput("Sari", Sex.P, is_head=True), PersonInput("Ayu", Sex.P)],
        event_date=date(2026, 3, 4),
        reporter_id=None,
        channel="console",
        now=datetime(2026, 3, 5, tzinfo=UTC),
    )
    await session.commit()
    for index in range(closed_months):
        month = add_months(JANUARY, index)
        await close_months(
            session, month, None, now=datetime(2026, 1, 1, tzinfo=UTC).replace(month=index + 1)
        )
        await session.commit()


async def test_levels_agree(session: AsyncSession) -> None:
    await seed_year(session, 12)
    pekon = await annual_recap(session, 2026, Level.PEKON, TRIMULYO)
    kecamatan = await annual_recap(session, 2026, Level.KECAMATAN, TRIMULYO[:8])
    kabupaten = await annual_recap(session, 2026, Level.KABUPATEN, TRIMULYO[:5])
    nation = await annual_recap(session, 2026, Level.NASIONAL)
    assert [r.nama for r in pekon.rows] == ["Pemangku 1", "Pemangku 2"]
    assert [r.nama for r in kecamatan.rows] == ["Trimulyo", "Sidodadi"]
    assert kabupaten.nama == "Kabupaten Lampung Barat"
    assert [r.kode for r in kabupaten.rows] == [ELSEWHERE[:8], TRIMULYO[:8]]
    assert kabupaten.rows[1].figures == kecamatan.total.figures
    assert kecamatan.rows[0].figures == pekon.total.figures
    assert kabupaten.total.figures == nation.total.figures
    assert sum(r.jiwa("akhir") for r in kecamatan.rows) + 239 == nation.total.jiwa("akhir")
    assert not pekon.provisional and pekon.total.moved("datang") == 2
    lines = {d.key: d for d in development(pekon.total)}
    assert (lines["jumlah"].last_year, lines["jumlah"].this_year) == (478, 480)
    assert (lines["kk_perempuan"].last_year, lines["kk_perempuan"].this_year) == (20, 21)
    assert lines["kk_perempuan"].change == 5.0


async def test_open_months_make_it_provisional(session: AsyncSession) -> None:
    await seed_year(session, 10)
    kecamatan = await annual_recap(session, 2026, Level.KECAMATAN, TRIMULYO[:8])
    assert kecamatan.provisional
    assert [(m.period.month, m.open, m.expected) for m in kecamatan.open_months] == [(11, 2, 2), (12, 2, 2)]
    assert kecamatan.rows[0].months == 10
    assert [m.nama for m in (await annual_recap(session, 2026, Level.PEKON, TRIMULYO)).missed] == [
        "Pemangku 1",
        "Pemangku 2",
    ]


async def test_unknown_place(session: AsyncSession) -> None:
    with pytest.raises(LookupError):
        await annual_recap(session, 2026, Level.PEKON, "18.04.15.2099")


def test_change_percent() -> None:
    assert change_percent(200, 210) == 5.0
    assert change_percent(3, 2) == -33.3
    assert change_percent(0, 5) is None and change_percent(None, 5) is None
