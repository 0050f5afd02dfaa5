"""A seeded ledger for the reconciliation tests: the generator's people recorded as real events."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bench.whole_file import plan_list, read_list
from models.beneficiary_import import ListMeta, store_lists
from models.event import Event, Sex
from models.ledger import record_event
from models.person_input import PersonInput
from models.region import Pekon, Unit
from tests.reconcile.world import LedgerPerson, ListRow, list_csv

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


async def record_people(
    session: AsyncSession, units: list[Unit], people: list[LedgerPerson], rng: random.Random
) -> dict[int, Event]:
    """Each person as one event of a random unit (dated within the open months); committed."""
    events = {}
    for person in people:
        event = await record_event(
            session,
            unit=rng.choice(units),
            kind=person.kind,
            persons=[
                PersonInput(
                    name=person.name, sex=Sex(person.sex), birth_date=person.birth_date, nik=person.nik
                )
            ],
            event_date=max(person.event_date, date(2026, 10, 1)),
            reporter_id=None,
            channel="console",
            now=NOW,
        )
        events[person.key] = event
    await session.commit()
    return events


async def import_rows(
    session: AsyncSession,
    pekon: Pekon,
    rows: list[ListRow],
    program: str = "PKH",
    as_of: date = date(2026, 9, 1),
) -> int:
    """Import generated rows as a list of the pekon; the new list's id."""
    planned = await plan_list(session, read_list(list_csv(rows)), [pekon], date(2026, 11, 20))
    result = await store_lists(session, planned, ListMeta(program, "dinsos.csv", as_of, "operator"))
    await session.commit()
    return result.list_ids[pekon.kode]
