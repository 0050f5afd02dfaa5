"""One APScheduler (3.11) in the bot's process. Every job is an idempotent "do what is due and not yet
done" pass, run at start (catch-up after downtime) and then every few minutes; the durable facts live
in the project's tables, so a missed run, a restart or a second run does no harm."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from jobs.context import JobContext
from jobs.delivery import run_delivery
from jobs.escalation import run_escalation
from jobs.inbound_dead import run_inbound_dead
from jobs.month_close import run_month_close
from jobs.reminders import run_reminders
from jobs.retention import run_retention
from models.base import utcnow

log = logging.getLogger(__name__)

Pass = Callable[[JobContext, datetime], Awaitable[int]]
Clock = Callable[[], datetime]

# The monthly routine, in the order "all" runs it: close first, so a closed month is delivered, not
# reminded. Retention and the admins' notice of dead webhook bodies are scheduled beside it but not
# part of "all" (they are housekeeping, not the month).
ROUTINE: dict[str, Pass] = {
    "close": run_month_close,
    "delivery": run_delivery,
    "reminders": run_reminders,
    "escalation": run_escalation,
}
PASSES: dict[str, Pass] = {**ROUTINE, "retention": run_retention, "inbound-dead": run_inbound_dead}
EVERY_MINUTES = {
    "close": 15, "delivery": 5, "reminders": 15, "escalation": 15, "retention": 360, "inbound-dead": 5,
}  # fmt: skip


async def run_pass(name: str, ctx: JobContext, now: datetime) -> int:
    """Run one pass (or "all" of the routine in order) at `now`; returns how many things it did."""
    if name == "all":
        return sum([await run_pass(n, ctx, now) for n in ROUTINE])
    return await PASSES[name](ctx, now)


Hooks = tuple[Callable[[], None] | None, Callable[[str], None] | None]  # (on_done, on_run)


async def _job(name: str, ctx: JobContext, clock: Clock, hooks: Hooks) -> None:
    on_done, on_run = hooks
    done = await run_pass(name, ctx, clock())
    if on_run is not None:
        on_run(name)
    if done:
        log.info("job %s: %d done", name, done)
        if on_done is not None:
            on_done()


def build_scheduler(
    ctx: JobContext,
    clock: Clock = utcnow,
    on_done: Callable[[], None] | None = None,
    on_run: Callable[[str], None] | None = None,
) -> AsyncIOScheduler:
    """The scheduler with every pass; each runs once at start, then every few minutes
    (`on_done` after a run that did something, `on_run` after every run, with the pass's name)."""
    scheduler = AsyncIOScheduler(
        timezone=ctx.schedule.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 600},
    )
    start = utcnow()  # scheduling runs on real time; `clock` is what the passes see
    for name in PASSES:
        scheduler.add_job(
            _job,
            "interval",
            minutes=EVERY_MINUTES[name],
            args=(name, ctx, clock, (on_done, on_run)),
            id=name,
            name=f"pemangku {name}",
            next_run_time=start,
        )
    return scheduler


def start_scheduler(
    ctx: JobContext,
    clock: Clock = utcnow,
    on_done: Callable[[], None] | None = None,
    on_run: Callable[[str], None] | None = None,
) -> AsyncIOScheduler:
    """Start the scheduler on the running loop (`on_done`: e.g. wake the outbox); `.shutdown()` stops it."""
    scheduler = build_scheduler(ctx, clock, on_done, on_run)
    scheduler.start()
    return scheduler
