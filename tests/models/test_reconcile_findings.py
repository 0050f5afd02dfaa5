"""Findings of a pekon's lists: died and moved (with receipt, B.2 row, reporter), duplicates within
a list and across pekon, invalid NIKs, units never reported; and the dashboard's count per pekon."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.beneficiary_findings import FindingKind, findings_count_by_pekon, pekon_findings
from models.beneficiary_match import refresh_matches
from models.event import EventKind, Sex
from models.ledger import correct_event, record_event
from models.person import Role
from models.person_input import PersonInput
from models.region import Pekon
from tests.factories import TRIMULYO, add_member, seed_pekon
from tests.reconcile.seed import NOW, import_rows
from tests.reconcile.world import ListRow

OTHER = "18.04.15.2005"
DEAD, GONE, BOTH = "1804150304500007", "1804154506700003", "1804151111800005"


async def test_every_kind_of_finding(session: AsyncSession) -> None:
    units = await seed_pekon(session, units=3)
    await seed_pekon(session, kode=OTHER, nama="Wonosari")
    slamet = await add_member(session, "Slamet", Role.PEMANGKU, unit=units[0])
    for kind, name, sex, nik in (
        (EventKind.MENINGGAL, "Sukardi", Sex.L, DEAD),
        (EventKind.PINDAH, "Rina", Sex.P, GONE),
    ):
        await record_event(
            session,
            unit=units[0],
            kind=kind,
            persons=[PersonInput(name=name, sex=sex, nik=nik)],
            event_date=date(2026, 10, 9),
            reporter_id=slamet.id,
            channel="console",
            now=NOW,
        )
    wrong = await record_event(
        session,
        unit=units[1],
        kind=EventKind.MENINGGAL,
        persons=[PersonInput(name="Joko", sex=Sex.L, nik=BOTH)],
        event_date=date(2026, 10, 9),
        reporter_id=None,
        channel="console",
        now=NOW,
    )
    await correct_event(
        session,
        original=wrong,
        unit=units[1],
        persons=None,
        reason="salah orang",
        actor_id=None,
        channel="console",
        now=NOW,
    )
    await session.commit()
    trimulyo, wonosari = await session.get(Pekon, TRIMULYO), await session.get(Pekon, OTHER)
    assert trimulyo is not None and wonosari is not None
    rows = [
        ListRow(None, "ALM. SUKARDI", DEAD, None, "L"),
        ListRow(None, "Rina", GONE, None, "P"),
        ListRow(None, "Joko", BOTH, None, "L"),  # his death was cancelled: no finding
        ListRow(None, "Joko", BOTH, None, "L"),
        ListRow(None, "Tanpa NIK", None, None, None),
    ]
    await import_rows(session, trimulyo, rows)
    await import_rows(session, wonosari, [ListRow(None, "Joko", BOTH, None, "L")], program="PBI-JK")
    await refresh_matches(session, TRIMULYO)
    found = await pekon_findings(session, TRIMULYO)
    summary = [(f.kind, f.name, f.line, f.receipt is not None, f.b2_no, f.reporter, f.detail) for f in found]
    assert summary == [
        (FindingKind.MENINGGAL, "Alm. Sukardi", 2, True, 1, "Slamet", "certain"),
        (FindingKind.PINDAH, "Rina", 3, True, 2, "Slamet", "certain"),
        (FindingKind.GANDA, "Joko", 5, False, None, None, "4"),
        (FindingKind.GANDA_PEKON, "Joko", 4, False, None, None, "Wonosari (PBI-JK)"),
        (FindingKind.GANDA_PEKON, "Joko", 5, False, None, None, "Wonosari (PBI-JK)"),
        (FindingKind.NIK, "Tanpa Nik", 6, False, None, None, ""),
    ]
    counts = await findings_count_by_pekon(session, [TRIMULYO, OTHER, "18.04.15.2006"])
    assert counts == {TRIMULYO: 6, OTHER: 1, "18.04.15.2006": 0}
