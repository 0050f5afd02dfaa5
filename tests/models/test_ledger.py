"""The ledger rules on a real database: recording, susulan, corrections, NIHIL, close and reopen."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.event import Citizenship, Event, EventKind, Sex
from models.ledger import LedgerError, correct_event, record_event, submit_report
from models.months import close_months, reopen_month
from models.period import ReportStatus, UnitSnapshot
from models.person_input import PersonInput
from models.recap import compute_b3
from models.region import Unit
from tests.factories import TRIMULYO, seed_pekon

NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)


def baby(sex: Sex = Sex.P) -> PersonInput:
    return PersonInput(name="  Siti   Aminah ", sex=sex, birth_place="Trimulyo", birth_date=date(2026, 11, 3))


async def record_birth(session: AsyncSession, unit: Unit, sex: Sex = Sex.P, now: datetime = NOW) -> Event:
    """A birth on 3 November, reported through the console."""
    return await record_event(
        session,
        unit=unit,
        kind=EventKind.LAHIR,
        persons=[baby(sex)],
        event_date=date(2026, 11, 3),
        reporter_id=None,
        channel="console",
        now=now,
    )


async def test_birth_counts_in_its_month_and_keeps_b3_identities(session: AsyncSession) -> None:
    units = await seed_pekon(session)
    event = await record_birth(session, units[0])
    await session.commit()
    assert event.period == NOV and not event.susulan and event.persons[0].name == "Siti Aminah"
    table = await compute_b3(session, TRIMULYO, NOV)
    row = table.rows[0]
    assert row.figures["lahir_wni_p"] == 1
    assert row.figures["akhir_wni_p"] == row.figures["awal_wni_p"] + 1
    assert row.figures["akhir_anggota"] == row.figures["awal_anggota"] + 1
    cols = row.columns()
    assert len(cols) == 33
    assert cols[2] + cols[3] + cols[4] + cols[5] == cols[8] == cols[6] + cols[7]
    assert cols[25] + cols[26] + cols[27] + cols[28] == cols[31] == cols[29] + cols[30]


async def test_close_freezes_and_next_month_opens_with_closing(session: AsyncSession) -> None:
    units = await seed_pekon(session)
    await record_event(
        session,
        unit=units[1],
        kind=EventKind.MENINGGAL,
        persons=[PersonInput(name="Pak Darmo", sex=Sex.L, is_head=True)],
        event_date=date(2026, 11, 5),
        reporter_id=None,
        channel="console",
        now=NOW,
    )
    await session.commit()
    assert await close_months(session, NOV, [TRIMULYO], now=LATER) == 1
    await session.commit()
    closed = await compute_b3(session, TRIMULYO, NOV)
    assert closed.closed and closed.revision == 1
    opened = await compute_b3(session, TRIMULYO, DEC)
    for a, b in zip(closed.rows, opened.rows, strict=True):
        assert [a.figures[f"akhir_{g}"] for g in ("wni_l", "wni_p", "kk", "anggota")] == [
            b.figures[f"awal_{g}"] for g in ("wni_l", "wni_p", "kk", "anggota")
        ]
    # a second close does nothing
    assert await close_months(session, NOV, [TRIMULYO], now=LATER) == 0
    # a late death of November lands in December as susulan; November stays byte-identical
    late = await record_event(
        session,
        unit=units[1],
        kind=EventKind.MENINGGAL,
        persons=[PersonInput(name="Mbah Karto", sex=Sex.L)],
        event_date=date(2026, 11, 28),
        reporter_id=None,
        channel="console",
        now=LATER,
    )
    await session.commit()
    assert late.period == DEC and late.susulan
    again = await compute_b3(session, TRIMULYO, NOV)
    assert [r.columns() for r in again.rows] == [r.columns() for r in closed.rows]
    assert "susulan" in (await compute_b3(session, TRIMULYO, DEC)).rows[1].keterangan


async def test_event_that_would_go_negative_is_refused(session: AsyncSession) -> None:
    units = await seed_pekon(session)
    wna = PersonInput(name="John", sex=Sex.L, citizenship=Citizenship.WNA)
    with pytest.raises(LedgerError) as err:
        await record_event(
            session,
            unit=units[0],
            kind=EventKind.PINDAH,
            persons=[wna],
            event_date=date(2026, 11, 5),
            reporter_id=None,
            channel="console",
            now=NOW,
        )
    assert err.value.code == "negative"
    assert await session.scalar(select(func.count(Event.id))) == 0


async def test_correction_appends_and_nets_out(session: AsyncSession) -> None:
    units = await seed_pekon(session)
    original = await record_birth(session, units[0], Sex.L)
    fixed = await correct_event(
        session,
        original=original,
        unit=units[0],
        persons=[baby(Sex.P)],
        reason="salah jenis kelamin",
        actor_id=None,
        channel="console",
        now=NOW,
    )
    await session.commit()
    row = (await compute_b3(session, TRIMULYO, NOV)).rows[0]
    assert (row.figures["lahir_wni_l"], row.figures["lahir_wni_p"]) == (0, 1)
    assert fixed.correction_of_id == original.id
    assert await session.scalar(select(func.count(Event.id))) == 2
    with pytest.raises(LedgerError):
        await correct_event(
            session,
            original=fixed,
            unit=units[1],
            persons=None,
            reason="x",
            actor_id=None,
            channel="console",
            now=NOW,
        )


async def test_nihil_then_event_becomes_submitted(session: AsyncSession) -> None:
    units = await seed_pekon(session)
    await submit_report(
        session,
        unit=units[2],
        period=NOV,
        status=ReportStatus.NIHIL,
        member_id=None,
        channel="console",
        deadline_day=5,
        now=NOW,
    )
    await session.commit()
    event = await record_birth(session, units[2])
    await session.commit()
    assert event.after_submit
    table = await compute_b3(session, TRIMULYO, NOV)
    assert table.rows[2].keterangan == ("submitted",)
    assert table.rows[0].keterangan == ("missing",)
    with pytest.raises(LedgerError) as err:
        await submit_report(
            session,
            unit=units[2],
            period=NOV,
            status=ReportStatus.NIHIL,
            member_id=None,
            channel="console",
            deadline_day=5,
            now=NOW,
        )
    assert err.value.code == "nihil_with_events"


async def test_reopen_makes_a_new_revision(session: AsyncSession) -> None:
    units = await seed_pekon(session)
    await close_months(session, NOV, [TRIMULYO], now=LATER)
    await session.commit()
    await reopen_month(
        session,
        pekon_kode=TRIMULYO,
        period=NOV,
        actor_id=None,
        channel="console",
        reason="kelahiran terlewat",
        now=LATER,
    )
    await record_birth(session, units[0], now=LATER)
    await close_months(session, NOV, [TRIMULYO], now=datetime(2026, 12, 11, tzinfo=UTC))
    await session.commit()
    table = await compute_b3(session, TRIMULYO, NOV)
    assert table.revision == 2 and table.rows[0].figures["lahir_wni_p"] == 1
    assert await session.scalar(select(func.count(UnitSnapshot.id))) == 8
