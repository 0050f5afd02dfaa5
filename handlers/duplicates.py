"""A likely duplicate: the same person already stands in the unit's ledger, in the open months
or the last closed one, for the same kind (same normalised name and date, or the same NIK)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from handlers.core import Turn
from handlers.fields import event_date, persons
from models.event import Event, EventPerson
from models.ledger import normalise_name
from models.months import latest_closed


@dataclass
class _Standing:
    sign: int = 0
    receipt: str = ""


async def likely_duplicate(turn: Turn, kind: str, values: dict[str, Any]) -> dict[str, str] | None:
    """{"name", "receipt"} of the first person of the draft already reported, or None."""
    member = turn.member
    if member is None or member.unit is None:
        return None
    closed = await latest_closed(turn.session, member.unit.pekon_kode)
    stmt = (
        select(EventPerson.name_norm, EventPerson.nik, EventPerson.sign, Event.event_date, Event.receipt)
        .join(Event, Event.id == EventPerson.event_id)
        .where(EventPerson.unit_id == member.unit.id, EventPerson.kind == kind)
        .order_by(Event.id)
    )
    if closed is not None:
        stmt = stmt.where(EventPerson.period >= closed)
    by_name: dict[tuple[str, Any], _Standing] = defaultdict(_Standing)
    by_nik: dict[str, _Standing] = defaultdict(_Standing)
    for name_norm, nik, sign, day, receipt in (await turn.session.execute(stmt)).all():
        for standing in [by_name[(name_norm, day)], *([by_nik[nik]] if nik else [])]:
            standing.sign += sign
            standing.receipt = receipt if sign > 0 else standing.receipt
    day = event_date(values)
    for person in persons(kind, values):
        found = [by_name.get((normalise_name(person.name), day))]
        found += [by_nik.get(person.nik)] if person.nik else []
        earlier = next((s for s in found if s is not None and s.sign > 0), None)
        if earlier is not None:
            return {"name": person.name, "receipt": earlier.receipt}
    return None
