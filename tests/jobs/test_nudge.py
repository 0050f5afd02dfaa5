""" "Kirim pengingat" from the dashboard: queued through the outbox with the reminder's template,
never in the quiet hours, once per unit per WIB day (the ladder's step of the day counts), audited."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.context import JobContext, Schedule
from jobs.nudge import NudgeOutcome, send_reminders_now
from jobs.reminders import run_reminders
from models.audit import AuditEntry
from models.ledger import submit_report
from models.months import close_months
from models.outbox import OutboxMessage
from models.period import ReportStatus
from models.person import Channel, Role
from models.region import Unit
from tests.factories import TRIMULYO, add_member, seed_pekon
from tests.jobs.helpers import wib

NOV = date(2026, 11, 1)
SCHEDULE = Schedule()  # deadline 5 December for November; quiet 21-07 WIB; ladder -3,-1,0,+1,+3
N = NudgeOutcome


async def world(session: AsyncSession) -> tuple[list[Unit], int]:
    """Four units: 1 has reported, 2 and 3 have a pemangku (3 on WhatsApp), 4 has none; a camat."""
    units = await seed_pekon(session)
    await add_member(session, "Pak Ketut", Role.PEMANGKU, unit=units[0])
    await add_member(session, "Bu Sari", Role.PEMANGKU, unit=units[1])
    wa = Channel.WHATSAPP
    await add_member(session, "Pak Made", Role.PEMANGKU, unit=units[2], channel=wa, address="62812")
    camat = await add_member(session, "Camat", Role.CAMAT, kecamatan_kode=TRIMULYO[:8])
    await submit_report(
        session,
        unit=units[0],
        period=NOV,
        status=ReportStatus.NIHIL,
        member_id=None,
        channel="console",
        deadline_day=5,
        now=wib(date(2026, 12, 2), 9),
    )
    await session.commit()
    return units, camat.id


Outcome = tuple[str, NudgeOutcome, tuple[str, ...]]


async def press(
    session: AsyncSession, actor: int, day: date, hour: int = 10, **scope: object
) -> list[Outcome]:
    results = await send_reminders_now(
        session,
        SCHEDULE,
        period=NOV,
        actor_member_id=actor,
        now=wib(day, hour),
        **scope,  # type: ignore[arg-type]
    )
    await session.commit()
    return [(r.unit_nama, r.outcome, r.recipients) for r in results]


async def outbox(session: AsyncSession) -> list[OutboxMessage]:
    return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_late_units_are_reminded_once_a_day(session: AsyncSession) -> None:
    _, camat = await world(session)
    assert await press(session, camat, date(2026, 12, 7), kecamatan_kode=TRIMULYO[:8]) == [
        ("Pemangku 2", N.SENT, ("Bu Sari",)),
        ("Pemangku 3", N.SENT, ("Pak Made",)),
        ("Pemangku 4", N.NO_PEMANGKU, ()),
    ]
    rows = await outbox(session)
    assert [(r.address, r.channel) for r in rows] == [("bu-sari", "console"), ("62812", "whatsapp")]
    assert "terlambat 2 hari" in rows[0].payload["text"]
    # outside WhatsApp's 24-hour window the channel sends this approved template instead
    assert rows[1].payload["template"] == {
        "name": "pengingat_laporan",
        "params": ["Pak Made", "Pemangku 3", "November 2026"],
    }
    again = await press(session, camat, date(2026, 12, 7), 15, pekon_kode=TRIMULYO)
    assert [o for _, o, _ in again] == [N.ALREADY_TODAY, N.ALREADY_TODAY, N.NO_PEMANGKU]
    assert len(await outbox(session)) == 2
    next_day = await press(session, camat, date(2026, 12, 9), pekon_kode=TRIMULYO)
    assert [o for _, o, _ in next_day] == [N.SENT, N.SENT, N.NO_PEMANGKU]
    audits = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "reminder.manual")))
    assert len(audits) == 9 and {a.actor_member_id for a in audits} == {camat}
    assert {a.channel for a in audits} == {"web"}


async def test_the_ladder_step_of_the_day_counts(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    _, camat = await world(session)
    assert await run_reminders(JobContext(sessionmaker, SCHEDULE), wib(date(2026, 12, 8), 8)) == 2  # step +3
    results = await press(session, camat, date(2026, 12, 8), pekon_kode=TRIMULYO)
    assert [o for _, o, _ in results] == [N.ALREADY_TODAY, N.ALREADY_TODAY, N.NO_PEMANGKU]


async def test_quiet_hours_closed_month_and_a_chosen_unit(session: AsyncSession) -> None:
    units, camat = await world(session)
    quiet = await press(session, camat, date(2026, 12, 7), 22, pekon_kode=TRIMULYO)
    assert [o for _, o, _ in quiet] == [N.QUIET_HOURS] * 3 and await outbox(session) == []
    chosen = await press(session, camat, date(2026, 12, 7), pekon_kode=TRIMULYO, unit_ids={units[0].id})
    assert chosen == [("Pemangku 1", N.REPORTED, ())]
    await close_months(session, NOV, [TRIMULYO], now=wib(date(2026, 12, 12)))
    await session.commit()
    closed = await press(session, camat, date(2026, 12, 13), pekon_kode=TRIMULYO)
    assert [o for _, o, _ in closed] == [N.MONTH_CLOSED] * 3 and await outbox(session) == []
