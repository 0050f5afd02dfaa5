"""National-scale data for the dashboard bench: bench/recap.py's desa, units, baselines and one month
of events (October 2026), stretched to a grid's 12 months: baselines start in December 2025, every
unit reports each month (submitted, NIHIL, some late, some missing) and the months up to September
are closed; October (with the events) and November are open. PostgreSQL only (COPY).

The closed months are marked closed directly (no snapshots): the grid and the rates read only the
month's status, and a national close per month would take the build minutes (bench/recap times it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.recap import PERIOD, build_rows, load, read_regions
from models.base import add_months

OPEN = add_months(PERIOD, 1)  # November 2026: the month being reported
FIRST = add_months(OPEN, -11)  # the grid's first month, everyone's baseline
LAST_CLOSED = add_months(PERIOD, -1)
TODAY = date(2026, 11, 20)
DEADLINE_DAY = 5

REPORTS = text(
    "INSERT INTO unit_report (unit_id, period, status, submitted_at, channel, late, created_at) "
    "SELECT u.id, m.period, CASE WHEN random() < 0.7 THEN 'submitted' ELSE 'nihil' END, "
    "m.period + interval '33 days', 'telegram', random() < 0.15, now() "
    "FROM unit u CROSS JOIN generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 month') "
    "AS m(period) WHERE random() < CASE WHEN m.period = :open THEN 0.4 ELSE 0.95 END"
)
CLOSED = text(
    "INSERT INTO pekon_month (pekon_kode, period, status, revision, closed_at, created_at) "
    "SELECT p.kode, m.period, 'closed', 1, m.period + interval '44 days', now() "
    "FROM pekon p CROSS JOIN generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 month') "
    "AS m(period)"
)


async def build(engine: AsyncEngine, scale: float) -> dict[str, int]:
    """Fill an empty, migrated PostgreSQL database; returns the row counts."""
    kecamatan, pekon = read_regions(scale)
    tables: dict[str, list[tuple[Any, ...]]] = {"kecamatan": list(kecamatan), "pekon": list(pekon)}
    tables.update(build_rows(pekon))
    # baseline rows are (id, unit_id, period, ...): the units start with the grid
    tables["baseline"] = [(*row[:2], FIRST, *row[3:]) for row in tables["baseline"]]
    await load(engine, tables)
    async with engine.begin() as conn:
        await conn.execute(REPORTS, {"first": FIRST, "last": OPEN, "open": OPEN})
        await conn.execute(CLOSED, {"first": FIRST, "last": LAST_CLOSED})
    async with engine.connect() as conn:  # statistics and hint bits, as autovacuum would have
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE unit_report, pekon_month"))
    return {"pekon": len(pekon), "unit": len(tables["unit"]), "event": len(tables["event"])}
