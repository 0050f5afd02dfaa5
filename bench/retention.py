"""The retention pass on a large outbox (PostgreSQL).

Fills `outbox_message` with N rows (90% done and older than the retention, the rest recent or
pending), times `run_retention` blanking them in batches, then restores the payloads and times one
plain UPDATE of the same rows (no batches: the lower bound, holding every row lock at once).

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
PAYLOAD = '{"text": "Pengingat: laporan November 2026 Pemangku 3 belum masuk.", "in_reply": true}'
FILL = f"""
INSERT INTO outbox_message (channel, address, payload, status, attempts, next_attempt_at, dedupe_key,
                            created_at)
SELECT 'whatsapp', '628' || (g % 50000), '{PAYLOAD}',
       CASE WHEN g % 20 = 0 THEN 'pending' ELSE 'sent' END, 1, CAST(:now AS timestamptz),
       CASE WHEN g % 4 = 0 THEN 'remind:' || g END,
       CAST(:now AS timestamptz) - CASE WHEN g % 10 = 0 THEN interval '1 day' ELSE interval '40 days' END
FROM generate_series(1, :rows) AS g
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


async def main(url: str, rows: int) -> None:
    """Fill, run the pass, run the plain statement, print."""
    url = normalise_url(url)
    await recreate(url)
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    await fill(engine, rows)
    ctx = JobContext(make_sessionmaker(engine), Schedule())
    start = time.perf_counter()
    done = await run_retention(ctx, NOW)
    seconds = time.perf_counter() - start
    plain_rows, plain_seconds = await plain_update(engine)
    await engine.dispose()
    print(f"outbox rows {rows:,}; load average {os.getloadavg()[0]:.1f}")
    print(f"retention pass (batches of 5,000): {done:,} rows blanked in {seconds:.1f} s = "
          f"{done / seconds:,.0f} rows/s")  # fmt: skip
    print(f"one plain UPDATE:                  {plain_rows:,} rows in {plain_seconds:.1f} s = "
          f"{plain_rows / plain_seconds:,.0f} rows/s")  # fmt: skip
    print(f"ratio pass / plain:                {seconds / plain_seconds:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/bench_retention")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.rows))
