"""The retention pass on a large outbox (PostgreSQL): the first run, a second run six hours later
(what grew old since: the watermark), and the reads the second run cost before the watermark.

Fills `outbox_message` with N rows spread evenly over 90 days in id order (as a live outbox grows;
the last ones pending), times `run_retention` blanking the 2/3 older than 30 days in batches, then
the run six hours later, then the old code's walk for that run (every old row read again, blanked
ones included, to find the new ones); then restores the payloads and times one plain UPDATE of
the first run's rows (no batches: the lower bound, holding every row lock at once).

    .venv/bin/python -m bench.retention --url postgresql://postgres@127.0.0.1:5432/bench_retention \
        [--rows 1000000]

The database named in --url is dropped and recreated.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.recap import recreate
from bot.db import make_engine, make_sessionmaker, normalise_url
from jobs.context import JobContext, Schedule
from jobs.retention import run_retention
from models.migrate import upgrade

NOW = datetime(2027, 3, 10, 3, tzinfo=UTC)
SPAN_DAYS = 90
PAYLOAD = '{"text": "Pengingat: laporan November 2026 Pemangku 3 belum masuk.", "in_reply": true}'
FILL = f"""
INSERT INTO outbox_message (channel, address, payload, status, attempts, next_attempt_at, dedupe_key,
                            created_at)
SELECT 'whatsapp', '628' || (g % 50000), '{PAYLOAD}',
       CASE WHEN g > :rows - 100 THEN 'pending' ELSE 'sent' END, 1, CAST(:now AS timestamptz),
       CASE WHEN g % 4 = 0 THEN 'remind:' || g END,
       CAST(:now AS timestamptz) - (:rows - g) * (interval '{SPAN_DAYS} days' / :rows)
FROM generate_series(1, :rows) AS g
"""
LATER = timedelta(hours=6)  # the scheduler runs the pass every 6 hours
OLD_WALK = """
SELECT id FROM outbox_message
WHERE id > :after AND created_at < :before AND status <> 'pending' AND payload::text <> '{}'
ORDER BY id LIMIT 5000
"""
PLAIN = """
UPDATE outbox_message SET payload = '{}'
WHERE created_at < :before AND status <> 'pending' AND payload::text <> '{}'
"""


async def fill(engine: AsyncEngine, rows: int) -> None:
    """The rows, then statistics as autovacuum would have them."""
    async with engine.begin() as conn:
        await conn.execute(text(FILL), {"now": NOW, "rows": rows})
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE outbox_message"))


async def plain_update(engine: AsyncEngine) -> tuple[int, float]:
    """Restore the payloads, then blank them with one statement; (rows, seconds)."""
    async with engine.begin() as conn:
        await conn.execute(text(f"UPDATE outbox_message SET payload = '{PAYLOAD}'"))
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE outbox_message"))
    async with engine.begin() as conn:
        start = time.perf_counter()
        result = await conn.execute(text(PLAIN), {"before": NOW - timedelta(days=30)})
        return result.rowcount, time.perf_counter() - start


async def old_walk(engine: AsyncEngine, before: datetime) -> float:
    """The reads the second run made before the watermark: from id 0, every batch; seconds."""
    start, after = time.perf_counter(), 0
    async with engine.connect() as conn:
        while ids := list(await conn.scalars(text(OLD_WALK), {"after": after, "before": before})):
            after = ids[-1]
    return time.perf_counter() - start


async def timed_run(ctx: JobContext, at: datetime) -> tuple[int, float]:
    """One retention run at `at`; (rows changed, seconds)."""
    start = time.perf_counter()
    done = await run_retention(ctx, at)
    return done, time.perf_counter() - start


async def main(url: str, rows: int) -> None:
    """Fill, run the pass twice, the old second run's reads, the plain statement, print."""
    url = normalise_url(url)
    await recreate(url)
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    await fill(engine, rows)
    ctx = JobContext(make_sessionmaker(engine), Schedule())
    done, seconds = await timed_run(ctx, NOW)
    done2, seconds2 = await timed_run(ctx, NOW + LATER)
    old_seconds = await old_walk(engine, NOW + LATER - timedelta(days=ctx.schedule.retention_days))
    plain_rows, plain_seconds = await plain_update(engine)
    await engine.dispose()
    print(f"outbox rows {rows:,} over {SPAN_DAYS} days; load average {os.getloadavg()[0]:.1f}")
    print(f"run 1 (batches of 5,000):          {done:,} rows blanked in {seconds:.2f} s = "
          f"{done / seconds:,.0f} rows/s")  # fmt: skip
    print(f"one plain UPDATE:                  {plain_rows:,} rows in {plain_seconds:.2f} s = "
          f"{plain_rows / plain_seconds:,.0f} rows/s")  # fmt: skip
    print(f"ratio run 1 / plain:               {seconds / plain_seconds:.2f}x")
    print(f"run 2, 6 hours later:              {done2:,} rows blanked in {seconds2:.3f} s")
    print(f"ratio run 2 / run 1:               {seconds2 / seconds:.4f}")
    print(f"run 2's walk before the watermark: {old_seconds:.3f} s of reads alone; "
          f"ratio run 2 / that: {seconds2 / old_seconds:.3f}")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/bench_retention")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.rows))
