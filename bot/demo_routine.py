"""The demo's month routine, on a simulated clock through the sample month's reporting window:
the scheduled passes remind the pemangku who have not reported, escalate to the staff and the
camat, the pemangku answer reminders through the console (one NIHIL, one late report), the month
closes by itself, and the staff's chat summary and the B.2/B.3 files are delivered (printed, and
written to the output directory)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.console import ConsoleSender, Write, converse
from bot.commands.jobs import schedule_from_settings
from bot.config import Settings
from bot.db import make_engine, make_sessionmaker
from bot.outbox import OutboxWorker
from handlers.texts import operator_words
from jobs.context import JobContext, day_label, month_label
from jobs.scheduler import run_pass
from models.base import WIB
from models.outbox import StoredDocument
from models.period import UnitReport
from models.person import Identity, Member

DEMO_OUTPUT = Path("demo-output")
MORNING = time(7)


@dataclass(frozen=True)
class Answer:
    """A pemangku who answers a reminder through the console, if his unit has still not reported."""

    who: str  # console address
    after_deadline: int  # the reminder's day, in days after the deadline
    lines: tuple[str, ...]


ANSWERS = (
    # Yusuf (Pemangku Marga Mulya, no events) answers the first reminder with NIHIL; he is skipped
    # when the demo's sample month already holds his NIHIL (bot/demo.py seed_reports).
    Answer("yusuf", -3, ("nihil", "ya")),
    # Sudarto (Pemangku Tanjung Sari) waits until he is late, then sends his month.
    Answer("darto", 1, ("kirim", "ya")),
)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, WIB).astimezone(UTC)


def _same(at: datetime) -> datetime:
    return at


async def _lines(lines: tuple[str, ...]) -> AsyncIterator[str]:
    for line in lines:
        yield line


def routine_days(settings: Settings, period: date) -> list[date]:
    """The mornings on which something is due: reminder steps, escalations, the close."""
    schedule = schedule_from_settings(settings)
    deadline = schedule.deadline(period)
    offsets = {
        *settings.reminder_offsets_days,
        settings.escalate_staff_after_days,
        settings.escalate_camat_after_days,
    }
    return sorted({deadline + timedelta(days=o) for o in offsets} | {schedule.close_day(period)})


async def stored_files(
    sessionmaker: async_sessionmaker[AsyncSession], period: date
) -> list[tuple[str, bytes]]:
    """The files the month's deliveries stored (pekon recap and kecamatan roll-up), oldest first."""
    async with sessionmaker() as session:
        documents = await session.scalars(
            select(StoredDocument)
            .where(StoredDocument.filename.contains(f"_{period:%Y-%m}_"))
            .order_by(StoredDocument.id)
        )
        return [(d.filename, d.content) for d in documents]


def save_files(files: list[tuple[str, bytes]], out: Path) -> list[Path]:
    """Write files into `out` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files:
        (out / name).write_bytes(content)
    return [out / name for name, _ in files]


async def demo_routine(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    period: date,
    write: Write,
) -> list[tuple[str, bytes]]:
    """Walk the reporting window of `period` morning by morning; returns the files delivered."""
    ctx = JobContext(sessionmaker, schedule_from_settings(settings))
    deadline = ctx.schedule.deadline(period)
    printer = OutboxWorker(sessionmaker, settings, [ConsoleSender("", write)])
    for day in routine_days(settings, period):
        now = _at(day, MORNING)
        write(operator_words.DEMO_MORNING.format(tanggal=day_label(day)))
        await run_pass("all", ctx, now)
        await printer.flush()
        for answer in ANSWERS:
            if day == deadline + timedelta(days=answer.after_deadline):
                await _answer(sessionmaker, settings, answer, period, _at(day, time(9)), write)
    return await stored_files(sessionmaker, period)


async def _not_reported(sessionmaker: async_sessionmaker[AsyncSession], who: str, period: date) -> str | None:
    """The member's name when the unit behind this console address has not reported `period`."""
    async with sessionmaker() as session:
        member = await session.scalar(
            select(Member).join(Identity, Identity.member_id == Member.id).where(Identity.address == who)
        )
        if member is None or member.unit_id is None:
            return None
        report = await session.scalar(
            select(UnitReport.id).where(UnitReport.unit_id == member.unit_id, UnitReport.period == period)
        )
        return member.name if report is None else None


async def _answer(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    answer: Answer,
    period: date,
    at: datetime,
    write: Write,
) -> None:
    name = await _not_reported(sessionmaker, answer.who, period)
    if name is None:
        return
    write(operator_words.DEMO_ANSWERS.format(name=name))
    clock = functools.partial(_same, at)
    await converse(sessionmaker, settings, answer.who, _lines(answer.lines), write, echo=True, clock=clock)


async def routine_demo(url: str, settings: Settings, period: date) -> tuple[str, list[tuple[str, bytes]]]:
    """The routine on the database at `url`, as printed text, and the files it delivered."""
    engine = make_engine(url)
    printed = [operator_words.DEMO_ROUTINE_TITLE.format(bulan=month_label(period))]
    try:
        files = await demo_routine(make_sessionmaker(engine), settings, period, printed.append)
    finally:
        await engine.dispose()
    return "\n".join(printed), files


def print_routine(url: str, settings: Settings, period: date, out: Path, echo: Write) -> None:
    """Run the routine, print it, and write the delivered files into `out` (for `pemangku demo`)."""
    text, files = asyncio.run(routine_demo(url, settings, period))
    echo("")
    echo(text)
    echo("")
    echo(operator_words.DEMO_FILES.format(folder=out.resolve()))
    for path in save_files(files, out):
        echo(f"  {path}")
