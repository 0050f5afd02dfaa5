"""A small kabupaten with months of history for the dashboard tests: reports on time, late, NIHIL
and missing, closes, a reopen and re-close, susulan and corrections, a pekon that starts later."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.event import Citizenship, Event, EventKind, Sex
from models.ledger import LedgerError, correct_event, record_event, submit_report
from models.months import close_months, reopen_month
from models.period import ReportStatus
from models.person import Role
from models.person_input import PersonInput
from models.region import Unit
from tests.factories import add_member, seed_pekon

OCT, NOV, DEC, JAN = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)
KEC = "18.04.15"
A, B, C = "18.04.15.2001", "18.04.15.2002", "18.04.15.2003"
OTHER = "18.04.16.2001"  # a pekon of another kecamatan of the same kabupaten
TODAY = date(2027, 1, 20)
DEADLINE_DAY = 5


def at(day: date, hour: int = 3) -> datetime:
    """An instant on a day (10:00 WIB for hour 3)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def build(session: AsyncSession, seed: int = 1) -> dict[str, list[Unit]]:
    """The world, committed; the units of each pekon."""
    units = {
        A: await seed_pekon(session, A, "Sukamaju", units=4),
        B: await seed_pekon(session, B, "Sindangpagar", units=3),
        C: await seed_pekon(session, C, "Tanjung", units=2, baseline_period=DEC),
        OTHER: await seed_pekon(session, OTHER, "Lain", units=2),
    }
    rng = random.Random(seed)
    events: list[Event] = []
    for period in (OCT, NOV, DEC, JAN):
        await _events(session, rng, units, period, events)
        await _corrections(session, rng, units, events, period)
        await _reports(session, units, period)
        await session.commit()
        if period in (OCT, NOV):
            await close_months(session, period, now=at(_next(period, 13)))
            await session.commit()
    return units


async def reopen_and_reclose(session: AsyncSession, units: dict[str, list[Unit]]) -> None:
    """Reopen November of pekon A with a reason, add a late birth, close it again (revision 2)."""
    sekdes = await add_member(session, "Sekdes Rini", Role.STAFF, pekon_kode=A)
    await reopen_month(
        session,
        pekon_kode=A,
        period=NOV,
        actor_id=sekdes.id,
        channel="console",
        reason="salah hitung",
        now=at(date(2027, 1, 9)),
    )
    await record_event(
        session,
        unit=units[A][0],
        kind=EventKind.LAHIR,
        persons=[PersonInput("Bayi Susul", Sex.L)],
        event_date=date(2026, 11, 30),
        reporter_id=None,
        channel="console",
        now=at(date(2027, 1, 10)),
    )
    await close_months(session, NOV, [A], actor_id=sekdes.id, now=at(date(2027, 1, 11)))
    await session.commit()


def _person(rng: random.Random, kind: EventKind) -> PersonInput:
    return PersonInput(
        name=rng.choice(["Siti Aminah", "Budi", "Made Wirawan", "Wayan", "Nyoman Sari"]),
        sex=rng.choice(list(Sex)),
        citizenship=Citizenship.WNA if rng.random() < 0.1 else Citizenship.WNI,
        is_head=kind != EventKind.LAHIR and rng.random() < 0.3,
    )


async def _events(
    session: AsyncSession, rng: random.Random, units: dict[str, list[Unit]], period: date, out: list[Event]
) -> None:
    for kode, pekon_units in units.items():
        if kode == B and period == OCT:
            continue  # B says NIHIL for October
        for unit in pekon_units:
            for _ in range(rng.randint(0, 4)):
                kind = rng.choice(list(EventKind))
                # some reported in the next month about this month; some about an older month (susulan)
                back = rng.choice([0, 0, 0, 40])
                day = date(period.year, period.month, rng.randint(1, 14))
                event_date = date.fromordinal(day.toordinal() - back)
                try:
                    async with session.begin_nested():
                        out.append(
                            await record_event(
                                session,
                                unit=unit,
                                kind=kind,
                                persons=[_person(rng, kind) for _ in range(rng.randint(1, 2))],
                                event_date=event_date,
                                reporter_id=None,
                                channel="console",
                                now=at(date(period.year, period.month, 15)),
                            )
                        )
                except LedgerError:  # a pekon not yet started, a figure that would go negative
                    pass


async def _corrections(
    session: AsyncSession, rng: random.Random, units: dict[str, list[Unit]], events: list[Event], period: date
) -> None:
    by_id = {u.id: u for us in units.values() for u in us}
    for event in rng.sample(events, min(3, len(events))):
        persons = None if rng.random() < 0.4 else [_person(rng, EventKind(event.kind))]
        try:
            async with session.begin_nested():
                await correct_event(
                    session,
                    original=event,
                    unit=by_id[event.unit_id],
                    persons=persons,
                    reason="salah ketik",
                    actor_id=None,
                    channel="console",
                    now=at(date(period.year, period.month, 16)),
                )
        except LedgerError:
            pass


def _next(period: date, day: int) -> date:
    return date(period.year + period.month // 12, period.month % 12 + 1, day)


async def _reports(session: AsyncSession, units: dict[str, list[Unit]], period: date) -> None:
    """A: on time, one late in November, two missing in December; B: NIHIL in October, one
    missing after; C (from December): one of two; the other kecamatan: all on time."""
    plan: dict[str, list[tuple[int, int]]] = {  # (unit index, day of the next month)
        A: [(0, 2), (1, 3)] if period == DEC else [(0, 2), (1, 3), (2, 4), (3, 9 if period == NOV else 4)],
        B: [(0, 2), (1, 2), (2, 3)] if period == OCT else [(0, 2), (1, 2)],
        C: [(0, 3)] if period == DEC else [],
        OTHER: [(0, 2), (1, 2)],
    }
    if period == JAN:
        return  # the running month: nobody has reported it yet
    for kode, entries in plan.items():
        status = ReportStatus.NIHIL if (kode == B and period == OCT) else ReportStatus.SUBMITTED
        for index, day in entries:
            await submit_report(
                session,
                unit=units[kode][index],
                period=period,
                status=status,
                member_id=None,
                channel="console",
                deadline_day=DEADLINE_DAY,
                now=at(_next(period, day)),
            )
