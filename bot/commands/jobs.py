"""`pemangku jobs run NAME [--at ISO-TIME]`: one scheduled pass by hand (idempotent, like the scheduler's)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from bot.commands import params
from bot.commands.bahasa import Command, new_group
from bot.config import Settings, get_settings
from bot.db import make_engine, make_sessionmaker, normalise_url
from handlers.texts import operator_words
from jobs.context import JobContext, Schedule
from jobs.scheduler import run_pass
from models.base import WIB, utcnow


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
        retention_days=settings.retention_days,
        draft_ttl_hours=settings.draft_ttl_hours,
    )


class PassName(StrEnum):
    """The passes `jobs run` can run, and `all`."""

    CLOSE = "close"
    DELIVERY = "delivery"
    REMINDERS = "reminders"
    ESCALATION = "escalation"
    RETENTION = "retention"
    INBOUND_DEAD = "inbound-dead"
    ALL = "all"


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
    group = new_group(
        "Tugas terjadwal: pengingat, eskalasi, tutup bulan, kirim rekap, hapus data lama, "
        "kabar pesan masuk yang gagal."
    )

    @group.command("run", cls=Command)
    def jobs_run(
        tugas: Annotated[
            PassName,
            typer.Argument(
                parser=params.choice(PassName),
                metavar="TUGAS",
                help="Tugas yang dijalankan",
                show_default=False,
            ),
        ],
        at: Annotated[
            datetime | None,
            typer.Option(
                "--at",
                parser=params.instant,
                metavar="WAKTU",
                help="Jalankan seolah-olah pada waktu ini (ISO, mis. 2026-12-06T08:00; tanpa zona = WIB)",
            ),
        ] = None,
    ) -> None:
        """Jalankan satu tugas sekarang (atau seolah-olah pada --at); dua kali pun tidak apa-apa."""
        when = at or utcnow()
        count = asyncio.run(run_named(tugas, when, get_settings()))
        typer.echo(
            operator_words.JOBS_RAN.format(
                name=tugas, count=count, at=f"{when.astimezone(WIB):%Y-%m-%d %H:%M}"
            )
        )

    app.add_typer(group, name="jobs")
