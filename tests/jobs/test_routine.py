"""The monthly routine walked with a controllable clock through November 2026 and December:
reminders, quiet hours, stop on submission, escalation, close, delivery, reopen; nothing twice."""

from __future__ import annotations

import asyncio
import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import make_engine, make_sessionmaker
from bot.messages import OutgoingMessage
from jobs.context import JobContext, Schedule
from jobs.scheduler import PASSES
from models.base import WIB
from models.months import close_months, reopen_month
from models.outbox import OutboxMessage, StoredDocument
from models.period import MonthStatus, PekonMonth, ReportStatus
from tests.factories import TRIMULYO, seed_pekon
from tests.jobs.helpers import DEC, JAN, NOV, World, make_world, wib


def date_(month: int, day: int) -> date:
    """A day of 2026."""
    return date(2026, month, day)


def steps_of(world: World, member: int, period: str = "2026-11") -> list[tuple[str, str]]:
    """(step, WIB time) of the reminders that went to a pemangku."""
    member_id = world.pemangku[member].id
    return [
        (s.key.split(":")[2], f"{s.at.astimezone(WIB):%m-%d %H:%M}")
        for s in world.keyed(f"remind:{period}:", lambda s: s.row.member_id == member_id)
    ]


async def test_a_month_and_the_next(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    world = await make_world(sessionmaker)
    await world.walk(wib(date_(11, 28), 1), wib(date_(12, 1), 22))
    await world.report(1, ReportStatus.NIHIL, wib(date_(12, 1), 23))  # before any reminder
    await world.walk(wib(date_(12, 2), 1), wib(date_(12, 3), 7))
    await world.report(0, ReportStatus.SUBMITTED, wib(date_(12, 3), 9))
    await world.walk(wib(date_(12, 3), 10), wib(date_(12, 7), 7))
    await world.report(2, ReportStatus.SUBMITTED, wib(date_(12, 7), 9))  # late
    await world.walk(wib(date_(12, 7), 10), wib(date_(12, 14), 22))

    # the ladder: -3, -1, 0, +1, +3 at 07:00 WIB (00:00 is quiet), stopping once the unit reports
    assert steps_of(world, 0) == [("-3", "12-02 07:00")]
    assert steps_of(world, 1) == []
    assert steps_of(world, 2) == [
        ("-3", "12-02 07:00"),
        ("-1", "12-04 07:00"),
        ("+0", "12-05 07:00"),
        ("+1", "12-06 07:00"),
    ]
    assert [step for step, _ in steps_of(world, 3)] == ["-3", "-1", "+0", "+1", "+3"]
    assert all(7 <= s.at.astimezone(WIB).hour < 21 for s in world.sent)

    reminder = OutgoingMessage.from_payload(world.keyed("remind:2026-11:+3")[0].row.payload)
    assert "Pemangku 4" in reminder.text and "November 2026" in reminder.text
    assert [c.id for c in reminder.choices] == ["q0:kirim", "q0:nihil"]  # the question the person is at
    assert reminder.template is not None and reminder.template.params == (
        "Pak Pemangku 4",
        "Pemangku 4",
        "November 2026",
    )

    # escalation: staff the day after the deadline (3 identities), the camat three days after
    staff_rows = world.keyed("escalate-staff:18.04.15.2004:2026-11")
    assert {(s.row.channel, s.row.address) for s in staff_rows} == {
        ("console", "bu-sekdes"),
        ("telegram", "7001"),
        ("console", "pak-operator"),
    }
    assert {f"{s.at.astimezone(WIB):%m-%d %H}" for s in staff_rows} == {"12-06 07"}
    text = staff_rows[0].row.payload["text"]
    assert "Pemangku 3: Pak Pemangku 3" in text and "Pemangku 4: Pak Pemangku 4" in text
    assert "Pemangku 1" not in text
    camat_rows = world.keyed("escalate-camat:18.04.15:2026-11")
    assert len(camat_rows) == 1 and camat_rows[0].at == wib(date_(12, 8), 7)
    assert "Trimulyo: 3/4 lengkap (2 kirim, 1 nihil, 1 belum)" in camat_rows[0].row.payload["text"]

    # the close on the 12th (00:00 WIB) and the delivery at 07:00: summary and both files to every identity
    async with sessionmaker() as session:
        # October, before the baselines, was never closed, nor delivered
        assert await session.scalar(select(PekonMonth).where(PekonMonth.period < NOV)) is None
        month = await session.scalar(select(PekonMonth).where(PekonMonth.period == NOV))
        assert month is not None and month.status == MonthStatus.CLOSED and month.revision == 1
        assert month.closed_at == wib(date_(12, 12), 1)
    delivered = world.keyed("recap:18.04.15.2004:2026-11:r1:")
    assert len(delivered) == 9 and {s.at for s in delivered} == {wib(date_(12, 12), 7)}
    per_identity = {(s.row.channel, s.row.address) for s in delivered}
    assert len(per_identity) == 3
    files = sorted(s.row.payload["document"]["filename"] for s in delivered if "document" in s.row.payload)
    assert files == sorted(["B2-B3_18.04.15.2004_2026-11_r1.pdf", "B2-B3_18.04.15.2004_2026-11_r1.xlsx"] * 3)
    summary = next(
        s
        for s in delivered
        if s.key.endswith(":summary:m" + str(world.staff[1].id) + ":console:pak-operator")
    )
    assert "2 pemangku kirim, 1 NIHIL, 1 tidak lapor" in summary.row.payload["text"]
    rollup = world.keyed("rollup:Rekap-Kecamatan_18.04.15_2026-11_v1")
    assert len(rollup) == 3 and all(s.row.member_id == world.camat.id for s in rollup)

    # the next month: nobody reported December, so everyone is reminded, then it closes on 12 January
    await world.walk(wib(date_(12, 15), 1), wib(JAN + timedelta(days=12), 10), timedelta(hours=6))
    for unit in range(4):
        assert [step for step, _ in steps_of(world, unit, "2027-12")] == []
        assert [step for step, _ in steps_of(world, unit, "2026-12")] == ["-3", "-1", "+0", "+1", "+3"]
    assert len(world.keyed("recap:18.04.15.2004:2026-12:r1:")) == 9

    # nothing was ever queued twice
    async with sessionmaker() as session:
        keys = list(await session.scalars(select(OutboxMessage.dedupe_key)))
    assert len(keys) == len(set(keys)) == len(world.sent)


async def test_catch_up_after_an_outage_sends_one_message(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await make_world(sessionmaker)
    await world.walk(wib(date_(12, 1), 7), wib(date_(12, 1), 22))
    # the bot is down from 2 to 7 December; steps -3, -1, 0 and +1 were missed
    await world.tick(wib(date_(12, 7), 9))
    for unit in range(4):
        assert steps_of(world, unit) == [("+1", "12-07 09:00")]
    assert len(world.keyed("escalate-staff:")) == 3  # the staff escalation catches up once too
    await world.walk(wib(date_(12, 7), 10), wib(date_(12, 9), 22))
    assert [step for step, _ in steps_of(world, 0)] == ["+1", "+3"]


async def test_quiet_hours_defer_to_the_morning(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    world = await make_world(sessionmaker)
    await world.tick(wib(date_(12, 1), 8))
    for hour in (21, 23):
        assert await world.tick(wib(date_(12, 2), hour)) == 0
    for hour in (0, 3, 6):
        assert await world.tick(wib(date_(12, 3), hour)) == 0
    assert await world.tick(wib(date_(12, 3), 7)) == 4  # the -3 step, for every pemangku, once


async def test_reopen_makes_a_new_revision_delivered_again(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await make_world(sessionmaker)
    await world.walk(wib(date_(12, 12), 1), wib(date_(12, 12), 10))
    assert len(world.keyed("recap:18.04.15.2004:2026-11:r1:")) == 9
    async with sessionmaker() as session:
        await reopen_month(
            session,
            pekon_kode=TRIMULYO,
            period=NOV,
            actor_id=world.staff[0].id,
            channel="console",
            reason="salah",
            now=wib(date_(12, 13), 9),
        )
        await session.commit()
    await world.walk(wib(date_(12, 12), 13), wib(date_(12, 14), 10))
    async with sessionmaker() as session:  # the automatic close leaves a reopened month to the staff
        month = await session.scalar(select(PekonMonth).where(PekonMonth.period == NOV))
        assert month is not None and month.status == MonthStatus.OPEN
    await world.report(3, ReportStatus.NIHIL, wib(date_(12, 14), 11))
    async with sessionmaker() as session:  # "tutup bulan"
        await close_months(session, NOV, [TRIMULYO], actor_id=world.staff[0].id, channel="console")
        await session.commit()
    await world.walk(wib(date_(12, 14), 13), wib(date_(12, 15), 10))
    revised = world.keyed("recap:18.04.15.2004:2026-11:r2:")
    assert len(revised) == 9
    assert "revisi 2" in revised[0].row.payload["text"]
    assert len(world.keyed("rollup:Rekap-Kecamatan_18.04.15_2026-11_v2")) == 3
    async with sessionmaker() as session:
        names = set(await session.scalars(select(StoredDocument.filename)))
    assert {"B2-B3_18.04.15.2004_2026-11_r1.pdf", "B2-B3_18.04.15.2004_2026-11_r2.pdf"} <= names
    assert DEC  # December stays open all along


async def test_a_pekon_that_starts_later_neither_closes_nor_blocks(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await make_world(sessionmaker)
    async with sessionmaker() as session:
        await seed_pekon(session, kode="18.04.15.2005", nama="Sukamaju", baseline_period=DEC)
    await world.tick(wib(date_(12, 8), 7))
    camat = world.keyed("escalate-camat:18.04.15:2026-11")[0].row.payload["text"]
    assert "Trimulyo" in camat and "Sukamaju" not in camat
    await world.tick(wib(date_(12, 12), 7))
    rollup = world.keyed("rollup:Rekap-Kecamatan_18.04.15_2026-11_v1")
    assert len(rollup) == 3
    # the notice and the table agree: the pekon without units in November is in neither
    notice = rollup[0].row.payload["text"]
    assert "sudah ditutup di semua pekon Kecamatan Gedung Surian" in notice and "(1 pekon)" in notice
    async with sessionmaker() as session:
        closed = set(await session.scalars(select(PekonMonth.pekon_kode).where(PekonMonth.period == NOV)))
        table = await session.scalar(
            select(StoredDocument.content).where(StoredDocument.filename.like("Rekap-Kecamatan%.xlsx"))
        )
    assert closed == {TRIMULYO}
    assert table is not None
    cells = [c.value for row in load_workbook(io.BytesIO(table)).active.iter_rows() for c in row]
    assert "Trimulyo" in cells and "Sukamaju" not in cells and "terbuka" not in cells


async def test_a_pass_run_by_two_processes_at_once_is_done_once(
    sessionmaker: async_sessionmaker[AsyncSession], db_url: str
) -> None:
    """The scheduler and an operator's `pemangku jobs run` at the same moment: one waits for the
    other, then finds nothing left to do (each has its own engine, as two processes would)."""
    world = await make_world(sessionmaker)
    other_engine = make_engine(db_url)
    other = JobContext(make_sessionmaker(other_engine), Schedule())
    try:
        for name, now in [
            ("reminders", wib(date_(12, 2), 8)),
            ("escalation", wib(date_(12, 9), 8)),
            ("close", wib(date_(12, 12), 8)),
            ("delivery", wib(date_(12, 12), 8)),
        ]:
            done = await asyncio.gather(PASSES[name](world.ctx, now), PASSES[name](other, now))
            assert min(done) == 0 and max(done) > 0, (name, done)
    finally:
        await other_engine.dispose()
    async with sessionmaker() as session:
        keys = list(await session.scalars(select(OutboxMessage.dedupe_key)))
        names = list(await session.scalars(select(StoredDocument.filename)))
    assert len(keys) == len(set(keys)) and len([k for k in keys if k and k.startswith("recap:")]) == 9
    assert sorted(names) == sorted(set(names)) and len(names) == 4  # the pekon's two, the roll-up's two
