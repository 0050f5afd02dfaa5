"""The APScheduler wiring: every pass is registered, runs once at start (catch-up), and wakes the outbox."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.scheduler import PASSES, build_scheduler, start_scheduler
from models.outbox import OutboxMessage
from tests.jobs.helpers import make_world, wib


async def test_the_scheduler_runs_every_pass_at_start(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    world = await make_world(sessionmaker)
    now = wib(date(2026, 12, 2), 8)
    assert sorted(job.id for job in build_scheduler(world.ctx, lambda: now).get_jobs()) == sorted(PASSES)
    woken: list[bool] = []
    scheduler = start_scheduler(world.ctx, lambda: now, lambda: woken.append(True))
    try:
        for _ in range(100):
            async with sessionmaker() as session:
                reminders = await session.scalar(
                    select(func.count()).where(OutboxMessage.dedupe_key.like("remind:2026-11:-3:%"))
                )
            if reminders == 4 and woken:
                break
            await asyncio.sleep(0.05)
    finally:
        scheduler.shutdown(wait=False)
        await _passes_settled()
    assert reminders == 4 and woken


async def _passes_settled() -> None:
    """Let the passes already started finish: a pass cut off with the test's event loop would leave
    its PostgreSQL transaction open, and the next test's TRUNCATE would wait for it forever."""
    others = asyncio.all_tasks() - {asyncio.current_task()}
    if others:
        await asyncio.wait(others, timeout=30)
