"""The rules of the monthly ledger: recording, correcting and the monthly reports of units.

Invariants kept here, and proved by tests/models/test_ledger_properties.py:
- a closed month never changes; an event whose month is closed counts in the first open month
  (at least the recording month) and is marked susulan;
- the open months of a pekon are always the months after its latest closed month;
- no figure of any open month ever goes negative: an event that would make one negative is refused;
- a correction appends the reversal of what it replaces plus the replacement; nothing is edited.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import record_audit
from models.b3_rows import AKHIR, AWAL, FIGURES, MOVES
from models.b3_statement import unit_b3_select
from models.base import add_months, utcnow, wib_date
from models.errors import LedgerError
from models.event import Action, Event, EventKind, EventPerson
from models.months import counting_period, deadline_of, lock_month
from models.period import MonthStatus, ReportStatus, UnitReport
from models.person_input import PersonInput, current_persons, person_lines
from models.region import Unit

RECEIPT_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z)
RECEIPT_PREFIX = {
    EventKind.LAHIR: "L",
    EventKind.MENINGGAL: "M",
    EventKind.DATANG: "D",
    EventKind.PINDAH: "P",
}


# --- the negative-figure guard ------------------------------------------------------------------


async def unit_rows(session: AsyncSession, unit: Unit, period: date) -> dict[str, int]:
    """The unit's live B.3 figures for an open month (all zeros when the unit has no row)."""
    row = (await session.execute(unit_b3_select(period), {"unit_id": unit.id})).mappings().first()
    return {c: int(row[c]) if row else 0 for c in FIGURES}


def _apply(figures: dict[str, int], lines: Sequence[EventPerson], same_month: bool) -> dict[str, int]:
    """Figures after adding lines that count in this month (same_month) or an earlier open month."""
    out = dict(figures)
    for line in lines:
        direction = 1 if line.kind in (EventKind.LAHIR, EventKind.DATANG) else -1
        group = f"{line.citizenship.lower()}_{line.sex.lower()}"
        household = "kk" if line.is_head else "anggota"
        delta = line.sign * direction
        if same_month:
            out[f"{line.kind}_{group}"] += line.sign
        else:
            out[f"awal_{group}"] += delta
            out[f"awal_{household}"] += delta
        out[f"akhir_{group}"] += delta
        out[f"akhir_{household}"] += delta
    return out


def _only_adds(lines: Sequence[EventPerson]) -> bool:
    """Whether every line adds people (a birth or a move in, reported): no figure can go down."""
    return all(line.sign > 0 and line.kind in (EventKind.LAHIR, EventKind.DATANG) for line in lines)


async def _refuse_negative(session: AsyncSession, unit: Unit, period: date, lines: list[EventPerson]) -> None:
    """Refuse lines that would push any figure of this or a later open month below zero."""
    if _only_adds(lines):  # the figures are never negative, so adding keeps them so (no query)
        return
    last = await session.scalar(select(func.max(EventPerson.period)).where(EventPerson.unit_id == unit.id))
    month = period
    while True:
        after = _apply(await unit_rows(session, unit, month), lines, same_month=month == period)
        negative = [c for c in (*AWAL, *MOVES, *AKHIR) if after[c] < 0]
        if negative:
            raise LedgerError("negative", f"{month:%Y-%m} {','.join(negative)}")
        if last is None or month >= last:
            return
        month = add_months(month, 1)


# --- recording ------------------------------------------------------------------------------------


def _new_receipt(kind: str) -> str:
    body = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(6))
    return f"{RECEIPT_PREFIX[EventKind(kind)]}-{body}"


def _validate(kind: str, persons: Sequence[PersonInput], event_date: date, today: date) -> None:
    if not persons:
        raise LedgerError("no_persons")
    if event_date > today:
        raise LedgerError("future_date", event_date.isoformat())
    if kind == EventKind.LAHIR and any(p.is_head for p in persons):
        raise LedgerError("newborn_head")
    if len(persons) > 1 and sum(p.is_head for p in persons) > 1:
        raise LedgerError("two_heads")


async def record_event(
    session: AsyncSession,
    *,
    unit: Unit,
    kind: EventKind,
    persons: Sequence[PersonInput],
    event_date: date,
    reporter_id: int | None,
    channel: str,
    now: datetime | None = None,
) -> Event:
    """Append a reported event to the ledger; raises LedgerError when it must be refused."""
    now = now or utcnow()
    today = wib_date(now)
    _validate(kind, persons, event_date, today)
    period, susulan = await counting_period(session, unit.pekon_kode, event_date, today, unit.id)
    await lock_month(session, unit.pekon_kode, period)
    period, susulan = await counting_period(session, unit.pekon_kode, event_date, today, unit.id)  # locked
    event = Event(
        receipt=_new_receipt(kind),
        unit_id=unit.id,
        pekon_kode=unit.pekon_kode,
        kind=kind,
        action=Action.REPORT,
        period=period,
        event_date=event_date,
        reported_at=now,
        reporter_id=reporter_id,
        channel=channel,
        susulan=susulan,
    )
    return await _append(session, unit, event, person_lines(event, persons, +1), reporter_id, now)


async def _append(
    session: AsyncSession,
    unit: Unit,
    event: Event,
    lines: list[EventPerson],
    actor: int | None,
    now: datetime,
) -> Event:
    await _refuse_negative(session, unit, event.period, lines)
    event.after_submit = await _reopen_report_for(session, unit, event.period, actor, event.channel)
    event.persons = lines
    session.add(event)
    await session.flush()
    record_audit(
        session,
        actor_member_id=actor,
        channel=event.channel,
        action=f"event.{event.action}",
        entity="event",
        entity_id=event.id,
        after={
            "receipt": event.receipt,
            "kind": event.kind,
            "period": event.period.isoformat(),
            "unit": unit.kode,
            "susulan": event.susulan,
            "persons": len(lines),
        },
    )
    return event


async def _reopen_report_for(
    session: AsyncSession, unit: Unit, period: date, actor: int | None, channel: str
) -> bool:
    """An event after the unit's report: a NIHIL becomes a submission. True when a report existed."""
    report = await session.scalar(
        select(UnitReport).where(UnitReport.unit_id == unit.id, UnitReport.period == period)
    )
    if report is None:
        return False
    if report.status == ReportStatus.NIHIL:
        record_audit(
            session,
            actor_member_id=actor,
            channel=channel,
            action="report.nihil_to_submitted",
            entity="unit_report",
            entity_id=report.id,
            before={"status": report.status},
            after={"status": ReportStatus.SUBMITTED},
        )
        report.status = ReportStatus.SUBMITTED
    return True


async def latest_version(session: AsyncSession, event: Event) -> Event:
    """Follow corrections forward to the version that stands now."""
    while True:
        newer = await session.scalar(select(Event).where(Event.correction_of_id == event.id))
        if newer is None:
            return event
        event = newer


async def correct_event(
    session: AsyncSession,
    *,
    original: Event,
    unit: Unit,
    persons: Sequence[PersonInput] | None,
    reason: str,
    actor_id: int | None,
    channel: str,
    event_date: date | None = None,
    now: datetime | None = None,
) -> Event:
    """Correct (persons given) or cancel (persons None) the standing version of an event."""
    now = now or utcnow()
    if original.unit_id != unit.id:
        raise LedgerError("wrong_unit")
    if not reason.strip():
        raise LedgerError("no_reason")
    standing = await latest_version(session, original)
    if standing.action == Action.CANCEL:
        raise LedgerError("already_cancelled", standing.receipt)
    new_date = event_date or standing.event_date
    if persons is not None:
        _validate(standing.kind, persons, new_date, wib_date(now))
    period, _ = await counting_period(session, unit.pekon_kode, standing.period, wib_date(now), unit.id)
    await lock_month(session, unit.pekon_kode, period)
    event = Event(
        receipt=_new_receipt(standing.kind),
        unit_id=unit.id,
        pekon_kode=unit.pekon_kode,
        kind=standing.kind,
        action=Action.CANCEL if persons is None else Action.CORRECT,
        period=period,
        event_date=new_date,
        reported_at=now,
        reporter_id=actor_id,
        channel=channel,
        susulan=period != standing.period,
        correction_of_id=standing.id,
        reason=reason.strip(),
    )
    lines = person_lines(event, current_persons(standing), -1) + person_lines(event, persons or [], +1)
    return await _append(session, unit, event, lines, actor_id, now)


# --- monthly reports ------------------------------------------------------------------------------


async def submit_report(
    session: AsyncSession,
    *,
    unit: Unit,
    period: date,
    status: ReportStatus,
    member_id: int | None,
    channel: str,
    deadline_day: int,
    now: datetime | None = None,
) -> UnitReport:
    """Record a unit's monthly report (kirim or NIHIL). NIHIL is refused when events exist."""
    now = now or utcnow()
    month = await lock_month(session, unit.pekon_kode, period)
    if month.status == MonthStatus.CLOSED:  # say who closed it: staff, or the schedule
        code = "month_closed" if month.closed_by_member_id is not None else "month_closed_auto"
        raise LedgerError(code, f"{period:%Y-%m}")
    if status == ReportStatus.NIHIL and await count_events(session, unit.id, period):
        raise LedgerError("nihil_with_events")
    report = await session.scalar(
        select(UnitReport).where(UnitReport.unit_id == unit.id, UnitReport.period == period)
    )
    before = None if report is None else {"status": report.status}
    late = wib_date(now) > deadline_of(period, deadline_day)
    if report is None:
        report = UnitReport(
            unit_id=unit.id,
            period=period,
            status=status,
            submitted_at=now,
            member_id=member_id,
            channel=channel,
            late=late,
        )
        session.add(report)
    else:
        report.status, report.submitted_at, report.member_id, report.channel = status, now, member_id, channel
    await session.flush()
    record_audit(
        session,
        actor_member_id=member_id,
        channel=channel,
        action=f"report.{status}",
        entity="unit_report",
        entity_id=report.id,
        before=before,
        after={"status": status, "period": period.isoformat(), "unit": unit.kode, "late": report.late},
    )
    return report


async def count_events(session: AsyncSession, unit_id: int, period: date) -> int:
    """How many reported events (not corrections) count in this unit's month."""
    return int(
        await session.scalar(
            select(func.count(Event.id)).where(
                Event.unit_id == unit_id, Event.period == period, Event.action == Action.REPORT
            )
        )
        or 0
    )


__all__ = [
    "LedgerError",
    "correct_event",
    "count_events",
    "latest_version",
    "record_event",
    "submit_report",
]
