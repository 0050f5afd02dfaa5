"""Heads of family by sex: the baseline's optional split, carried by the B.3 statement and the snapshots."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.baseline_import import BASELINE_COLUMNS, BASELINE_OPTIONAL, import_baselines
from models.csvfile import CsvRow, ImportRejected, read_csv
from models.event import EventKind, Sex
from models.ledger import record_event
from models.months import close_months
from models.period import Baseline, UnitSnapshot
from models.person_input import PersonInput
from models.recap import compute_b3
from models.region import Unit
from tests.factories import TRIMULYO, seed_pekon

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
NOW = datetime(2026, 10, 20, 3, tzinfo=UTC)


async def _fresh_units(session: AsyncSession) -> None:
    await seed_pekon(session, units=2)
    for b in await session.scalars(select(Baseline)):
        await session.delete(b)
    await session.commit()


def _rows(body: str) -> list[CsvRow]:
    header = "unit,bulan,wna_l,wna_p,wni_l,wni_p,kk,anggota,kk_l,kk_p\n"
    return read_csv((header + body).encode(), BASELINE_COLUMNS, BASELINE_OPTIONAL)


async def test_split_is_carried_through_events_and_closes(session: AsyncSession) -> None:
    await _fresh_units(session)
    await import_baselines(
        session,
        _rows(f"{TRIMULYO}-01,2026-10,0,0,100,100,60,140,50,10\n{TRIMULYO}-02,2026-10,0,0,5,5,3,7,,\n"),
    )
    await session.commit()
    unit = (await compute_b3(session, TRIMULYO, OCT)).rows[0]
    assert unit.heads == {"awal_kk_l": 50, "awal_kk_p": 10, "akhir_kk_l": 50, "akhir_kk_p": 10}
    units = list(await session.scalars(select(Baseline.unit_id).order_by(Baseline.unit_id)))
    first = await session.get(Unit, units[0])
    assert first is not None
    moves = [
        (EventKind.MENINGGAL, [PersonInput("Karto", Sex.L, is_head=True)]),
        (EventKind.DATANG, [PersonInput("Sari", Sex.P, is_head=True), PersonInput("Ayu", Sex.P)]),
        (EventKind.PINDAH, [PersonInput("Wati", Sex.P)]),  # not a head: KK split unchanged
    ]
    for kind, people in moves:
        await record_event(
            session,
            unit=first,
            kind=kind,
            persons=people,
            event_date=date(2026, 10, 15),
            reporter_id=None,
            channel="console",
            now=NOW,
        )
    await session.commit()
    await close_months(session, OCT, [TRIMULYO], now=datetime(2026, 11, 12, tzinfo=UTC))
    await session.commit()
    october = await compute_b3(session, TRIMULYO, OCT)
    assert october.closed
    assert october.rows[0].heads == {"awal_kk_l": 50, "awal_kk_p": 10, "akhir_kk_l": 49, "akhir_kk_p": 11}
    # a baseline without the split stays unknown, and so does the total
    assert october.rows[1].heads == dict.fromkeys(october.rows[1].heads)
    assert october.total.heads["akhir_kk_p"] is None
    snap = await session.scalar(select(UnitSnapshot).where(UnitSnapshot.unit_id == first.id))
    assert snap is not None and (snap.akhir_kk_l, snap.akhir_kk_p) == (49, 11)
    # the next month opens with the closing split (read from the snapshot, not the baseline)
    november = await compute_b3(session, TRIMULYO, NOV)
    assert november.rows[0].heads["awal_kk_l"] == 49 and november.rows[0].heads["akhir_kk_p"] == 11
    # akhir_kk = kk_l + kk_p wherever the split is known
    assert october.rows[0].figures["akhir_kk"] == 49 + 11


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("-01,2026-10,0,0,100,100,60,140,50,\n", "head_sex_partial"),
        ("-01,2026-10,0,0,100,100,60,140,50,11\n", "head_sex_disagree"),
        ("-01,2026-10,0,0,100,100,60,140,50,x\n", "not_a_count"),
    ],
)
async def test_bad_split_is_refused(session: AsyncSession, body: str, code: str) -> None:
    await _fresh_units(session)
    with pytest.raises(ImportRejected) as refused:
        await import_baselines(session, _rows(TRIMULYO + body))
    assert [p.code for p in refused.value.problems] == [code]
