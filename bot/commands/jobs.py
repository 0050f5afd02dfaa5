"""`pemangku jobs run NAME [--at ISO-TIME]`: one scheduled pass by hand (idempotent, like the scheduler's)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

import typer

from bot.config import Settings, get_settings
from bot.db import make_engine, make_sessionmaker, normalise_url
from handlers import texts
from jobs.context import JobContext, Schedule
from jobs.scheduler import PASSES, run_pass
from models.base import WIB, utcnow

NAMES = [*PASSES, "all"]


def schedule_from_settings(settings: Settings) -> Schedule:
    """The jobs' schedule from the operator's settings."""
    return Schedule(
        deadline_day=settings.deadline_day,
        reminder_offsets_days=tuple(settings.reminder_offsets_days),
        escalate_staff_after_days=settings.escalate_staff_after_days,
        escalate_camat_after_days=settings.escalate_camat_after_days,
        close_after_deadline_days=settings.close_after_deadline_days,
        quiet_hours_start=settings.quiet_hours_start,
        quiet_hours_end=settings.quiet_hours_end,
        reminder_template=settings.whatsapp_reminder_template,
        notice_template=settings.whatsapp_notice_template,
        village_word=settings.village_word,
        timezone=settings.timezone,
    )


def parse_at(value: str | None) -> datetime:
    """An ISO time; without an offset it is read as WIB. None means now."""
    if value is None:
        return utcnow()
    at = datetime.fromisoformat(value)
    return at.replace(tzinfo=WIB) if at.tzinfo is None else at


async def run_named(name: str, at: datetime, settings: Settings) -> int:
    """Run a pass against the configured database."""
    engine = make_engine(normalise_url(settings.database_url))
    try:
        ctx = JobContext(make_sessionmaker(engine), schedule_from_settings(settings))
        return await run_pass(name, ctx, at)
    finally:
        await engine.dispose()


def register(app: typer.Typer) -> None:
    """Add the `jobs` group."""
    group = typer.Typer(
        help="Tugas terjadwal: pengingat, eskalasi, tutup bulan, kirim rekap.", no_args_is_help=True
    )

    @group.command("run")
    def jobs_run(
        name: Annotated[str, typer.Argument(help="close | delivery | reminders | escalation | all")],
        at: Annotated[str | None, typer.Option("--at", help="ISO time, e.g. 2026-12-06T08:00 (WIB)")] = None,
    ) -> None:
        """Run one pass now (or as if at --at); running it twice does no harm."""
        if name not in NAMES:
            typer.echo(texts.JOBS_UNKNOWN.format(name=name, names=", ".join(NAMES)), err=True)
            raise typer.Exit(2)
        when = parse_at(at)
        count = asyncio.run(run_named(name, when, get_settings()))
        typer.echo(texts.JOBS_RAN.format(name=name, count=count, at=f"{when.astimezone(WIB):%Y-%m-%d %H:%M}"))

    app.add_typer(group, name="jobs")
