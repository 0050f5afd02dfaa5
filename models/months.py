"""The months of a pekon: which month an event counts in, the month lock, closing and reopening.

A close freezes every unit's B.3 row into `unit_snapshot` with one INSERT ... SELECT of the same
statement that computes the live recap (models.b3_statement), so a closed month reads back exactly the
numbers it was closed with. The open months of a pekon are always those after its latest closed one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import record_audit
from models.b3_rows import FIGURES, HEADS
from models.b3_statement import b3_select
from models.base import add_months, month_of, utcnow
from models.errors import LedgerError
from models.period import Baseline, MonthStatus, PekonMonth, UnitSnapshot
from models.region import Pekon

_PEKON_MONTH = cast(Table, PekonMonth.__table__)
# built once, as Core (asked in most turns): each call only binds the pekon
_LATEST_CLOSED = select(func.max(_PEKON_MONTH.c.period)).where(
    _PEKON_MONTH.c.pekon_kode == bindparam("pekon_kode"), _PEKON_MONTH.c.status == MonthStatus.CLOSED
)


async def latest_closed(session: AsyncSession, pekon_kode: str) -> date | None:
    """The pekon's latest closed month, if any."""
    closed: date | None = await session.scalar(_LATEST_CLOSED, {"pekon_kode": pekon_kode})
    return closed


async def counting_period(
    session: AsyncSession, pekon_kode: str, event_date: date, today: date, unit_id: int | None = None
) -> tuple[date, bool]:
    """The month an event counts in, and whether it is susulan (its own month is closed).

    A month before the unit's first month (its baseline) is as good as closed: the baseline is its
    closing. An event dated then counts in the first open month, marked susulan, instead of opening
    a month that no book shows, whose figures no later month would carry."""
    own = month_of(event_date)
    closed = await latest_closed(session, pekon_kode)
    starts = await _unit_start(session, unit_id)
    if starts is not None and (closed is None or closed < add_months(starts, -1)):
        closed = add_months(starts, -1)
    if closed is None or own > closed:
        return own, False
    return max(month_of(today), add_months(closed, 1)), True


async def _unit_start(session: AsyncSession, unit_id: int | None) -> date | None:
    if unit_id is None:
        return None
    start: date | None = await session.scalar(select(Baseline.period).where(Baseline.unit_id == unit_id))
    return start


async def lock_month(session: AsyncSession, pekon_kode: str, period: date) -> PekonMonth:
    """Create the pekon's month row if needed and lock it (PostgreSQL row lock) for this transaction."""
    locked = (
        select(PekonMonth)
        .where(PekonMonth.pekon_kode == pekon_kode, PekonMonth.period == period)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    month: PekonMonth | None = await session.scalar(locked)
    if month is not None:  # the usual case: the month row exists, one cached statement
        return month
    await session.execute(
        _dialect_insert(session, PekonMonth)
        .values(
            pekon_kode=pekon_kode, period=period, status=MonthStatus.OPEN, revision=0, created_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["pekon_kode", "period"])
    )
    month = await session.scalar(locked)
    assert month is not None
    return month


def _dialect_insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that knows ON CONFLICT, for the dialect in use."""
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table)


def deadline_of(period: date, deadline_day: int) -> date:
    """The last day to report `period`: the deadline day of the following month."""
    return add_months(period, 1).replace(day=deadline_day)


async def close_months(
    session: AsyncSession,
    period: date,
    pekon_kodes: Sequence[str] | None = None,
    *,
    actor_id: int | None = None,
    channel: str = "system",
    now: datetime | None = None,
) -> int:
    """Close `period` for the given pekon (all when None) in one set-based pass; returns how many.

    Each closed month gets revision+1 and a frozen snapshot row per unit, computed by the same
    statement as the live recap. Months already closed are left alone, so a second run is harmless.
    """
    now = now or utcnow()
    await _ensure_month_rows(session, period, pekon_kodes)
    await _refuse_open_earlier(session, period, pekon_kodes)
    scope = PekonMonth.period == period
    if pekon_kodes is not None:
        scope = scope & PekonMonth.pekon_kode.in_(pekon_kodes)
    result = await session.execute(
        update(PekonMonth)
        .where(scope, PekonMonth.status == MonthStatus.OPEN)
        .values(
            status=MonthStatus.CLOSED,
            revision=PekonMonth.revision + 1,
            closed_at=now,
            closed_by_member_id=actor_id,
        )
        .execution_options(synchronize_session=False)
    )
    closed = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if closed:
        await _refresh_statistics(session)
        await _snapshot(session, period, pekon_kodes, now)
        record_audit(
            session,
            actor_member_id=actor_id,
            channel=channel,
            action="month.close",
            entity="period",
            entity_id=period.isoformat(),
            after={"pekon": list(pekon_kodes or ["*"])[:50], "count": closed},
        )
    return closed


async def _ensure_month_rows(session: AsyncSession, period: date, pekon_kodes: Sequence[str] | None) -> None:
    """Give every pekon in scope a month row, so a quiet month closes too.

    ON CONFLICT rather than NOT EXISTS: an anti-join against the table being filled made
    PostgreSQL rescan its growing pages per row (83,762 pekon: 86 s instead of about 1 s).
    """
    source = select(
        Pekon.kode, literal(period), literal(MonthStatus.OPEN.value), literal(0), literal(utcnow())
    ).where(Pekon.kode.is_not(None))  # SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
    if pekon_kodes is not None:
        source = source.where(Pekon.kode.in_(pekon_kodes))
    columns = ["pekon_kode", "period", "status", "revision", "created_at"]
    await session.execute(
        _dialect_insert(session, PekonMonth)
        .from_select(columns, source)
        .on_conflict_do_nothing(index_elements=["pekon_kode", "period"])
    )


async def _refuse_open_earlier(
    session: AsyncSession, period: date, pekon_kodes: Sequence[str] | None
) -> None:
    stmt = select(PekonMonth.pekon_kode, PekonMonth.period).where(
        PekonMonth.period < period, PekonMonth.status == MonthStatus.OPEN
    )
    if pekon_kodes is not None:
        stmt = stmt.where(PekonMonth.pekon_kode.in_(pekon_kodes))
    first = (await session.execute(stmt.limit(1))).first()
    if first is not None:
        raise LedgerError("earlier_month_open", f"{first.pekon_kode} {first.period:%Y-%m}")


async def _refresh_statistics(session: AsyncSession) -> None:
    """Let PostgreSQL's planner see the month rows this close just wrote.

    A close can add tens of thousands of month rows in its own transaction; planned on the old
    statistics the snapshot statement took 86 s instead of 12 s at national scale.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("ANALYZE pekon_month"))


async def _snapshot(
    session: AsyncSession, period: date, pekon_kodes: Sequence[str] | None, now: datetime
) -> None:
    rows = b3_select(period, pekon_kodes).subquery("b3")
    pm = PekonMonth.__table__.alias("closing")
    source = (
        select(
            rows.c.unit_id,
            rows.c.pekon_kode,
            rows.c.period,
            pm.c.revision,
            *(rows.c[c] for c in FIGURES),
            rows.c.keterangan,
            *(rows.c[c] for c in HEADS),
            literal(now),
        )
        .select_from(rows.join(pm, (pm.c.pekon_kode == rows.c.pekon_kode) & (pm.c.period == period)))
        .where(pm.c.closed_at == now, pm.c.status == MonthStatus.CLOSED)
    )
    columns = ["unit_id", "pekon_kode", "period", "revision", *FIGURES, "keterangan", *HEADS, "created_at"]
    await session.execute(insert(UnitSnapshot).from_select(columns, source))


async def reopen_month(
    session: AsyncSession,
    *,
    pekon_kode: str,
    period: date,
    actor_id: int | None,
    channel: str,
    reason: str,
    now: datetime,
) -> PekonMonth:
    """Reopen the pekon's latest closed month (staff, with a reason); its next close is a new revision."""
    if not reason.strip():
        raise LedgerError("no_reason")
    month = await lock_month(session, pekon_kode, period)
    if month.status != MonthStatus.CLOSED:
        raise LedgerError("not_closed", f"{period:%Y-%m}")
    if await latest_closed(session, pekon_kode) != period:
        raise LedgerError("not_latest_closed", f"{period:%Y-%m}")
    month.status, month.reopen_reason = MonthStatus.OPEN, reason.strip()
    record_audit(
        session,
        actor_member_id=actor_id,
        channel=channel,
        action="month.reopen",
        entity="pekon_month",
        entity_id=month.id,
        before={"status": "closed", "revision": month.revision},
        after={"status": "open", "reason": reason.strip()},
        at=now,
    )
    return month
