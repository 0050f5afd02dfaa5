"""The rules of the monthly ledger: recording, correcting, monthly reports, closing and reopening.

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
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import record_audit
from models.base import add_months, month_of, utcnow, wib_date
from models.event import Action, Citizenship, Event, EventKind, EventPerson, Sex
from models.period import MonthStatus, PekonMonth, ReportStatus, UnitReport, UnitSnapshot
from models.recap import AKHIR, AWAL, FIGURES, GROUPS, MOVES, b3_select, unit_b3_select
from models.region import Pekon, Unit

RECEIPT_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z)
RECEIPT_PREFIX = {
    EventKind.LAHIR: "L",
    EventKind.MENINGGAL: "M",
    EventKind.DATANG: "D",
    EventKind.PINDAH: "P",
}


class LedgerError(Exception):
    """A refused change. `code` is stable (handlers turn it into Indonesian); `detail` adds context."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class PersonInput:
    """What is known of one person in a report."""

    name: str
    sex: Sex
    citizenship: Citizenship = Citizenship.WNI
    is_head: bool = False
    birth_place: str | None = None
    birth_date: date | None = None
    nik: str | None = None
    kk_number: str | None = None
    father_name: str | None = None
    mother_name: str | None = None
    origin: str | None = None
    destination: str | None = None
    death_place: str | None = None
    note: str | None = None


def normalise_name(name: str) -> str:
    """Collapsed spaces, case-folded: the form used for duplicate checks."""
    return " ".join(name.split()).casefold()


def clean_name(name: str) -> str:
    """Trimmed, spaces collapsed, case kept as typed."""
    return " ".join(name.split())


# --- months ---------------------------------------------------------------------------------------


async def latest_closed(session: AsyncSession, pekon_kode: str) -> date | None:
    """The pekon's latest closed month, if any."""
    closed: date | None = await session.scalar(
        select(func.max(PekonMonth.period)).where(
            PekonMonth.pekon_kode == pekon_kode, PekonMonth.status == MonthStatus.CLOSED
        )
    )
    return closed


async def counting_period(
    session: AsyncSession, pekon_kode: str, event_date: date, today: date
) -> tuple[date, bool]:
    """The month an event counts in, and whether it is susulan (its own month is closed)."""
    own = month_of(event_date)
    closed = await latest_closed(session, pekon_kode)
    if closed is None or own > closed:
        return own, False
    return max(month_of(today), add_months(closed, 1)), True


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


async def _refuse_negative(session: AsyncSession, unit: Unit, period: date, lines: list[EventPerson]) -> None:
    """Refuse lines that would push any figure of this or a later open month below zero."""
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


def _lines(event: Event, persons: Sequence[PersonInput], sign: int) -> list[EventPerson]:
    return [
        EventPerson(
            unit_id=event.unit_id,
            pekon_kode=event.pekon_kode,
            period=event.period,
            kind=event.kind,
            sign=sign,
            **{**asdict(p), "name": clean_name(p.name)},
            name_norm=normalise_name(p.name),
        )
        for p in persons
    ]


def _person_input(line: EventPerson) -> PersonInput:
    fields = PersonInput.__dataclass_fields__
    values = {k: getattr(line, k) for k in fields}
    values["sex"], values["citizenship"] = Sex(line.sex), Citizenship(line.citizenship)
    return PersonInput(**values)


def current_persons(event: Event) -> list[PersonInput]:
    """The persons an event (or correction) stands for: its positive lines."""
    return [_person_input(line) for line in event.persons if line.sign > 0]


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
    period, susulan = await counting_period(session, unit.pekon_kode, event_date, today)
    await lock_month(session, unit.pekon_kode, period)
    period, susulan = await counting_period(session, unit.pekon_kode, event_date, today)  # after the lock
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
    return await _append(session, unit, event, _lines(event, persons, +1), reporter_id, now)


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
    period, _ = await counting_period(session, unit.pekon_kode, standing.period, wib_date(now))
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
    lines = _lines(event, current_persons(standing), -1) + _lines(event, persons or [], +1)
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
    if month.status == MonthStatus.CLOSED:
        raise LedgerError("month_closed", f"{period:%Y-%m}")
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


# --- closing --------------------------------------------------------------------------------------


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
            literal(now),
        )
        .select_from(rows.join(pm, (pm.c.pekon_kode == rows.c.pekon_kode) & (pm.c.period == period)))
        .where(pm.c.closed_at == now, pm.c.status == MonthStatus.CLOSED)
    )
    columns = ["unit_id", "pekon_kode", "period", "revision", *FIGURES, "keterangan", "created_at"]
    await session.execute(insert(UnitSnapshot).from_select(columns, source))


async def reopen_month(
    session: AsyncSession, *, pekon_kode: str, period: date, actor_id: int | None, channel: str, reason: str
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
    )
    return month


__all__ = [
    "GROUPS",
    "LedgerError",
    "PersonInput",
    "close_months",
    "correct_event",
    "counting_period",
    "current_persons",
    "deadline_of",
    "latest_closed",
    "latest_version",
    "record_event",
    "reopen_month",
    "submit_report",
]
