"""A likely duplicate: the same person already stands in the unit's ledger, in the open months
or the last closed one, for the same kind (same normalised name and date, or the same NIK)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, select

from handlers.core import Turn
from handlers.fields import event_date, persons
from models.event import Event, EventPerson
from models.months import latest_closed
from models.person_input import normalise_name

_PERSON = cast(Table, EventPerson.__table__)
_EVENT = cast(Table, Event.__table__)
# built once, as Core (every report's summary asks): each call only binds values
_SAME_KIND = (
    select(_PERSON.c.name_norm, _PERSON.c.nik, _PERSON.c.sign, _EVENT.c.event_date, _EVENT.c.receipt)
    .join(_EVENT, _EVENT.c.id == _PERSON.c.event_id)
    .where(_PERSON.c.unit_id == bindparam("unit_id"), _PERSON.c.kind == bindparam("kind"))
    .order_by(_EVENT.c.id)
)
_SAME_KIND_SINCE = _SAME_KIND.where(_PERSON.c.period >= bindparam("since"))


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
    stmt = _SAME_KIND if closed is None else _SAME_KIND_SINCE
    params = {"unit_id": member.unit.id, "kind": kind, "since": closed}
    by_name: dict[tuple[str, Any], _Standing] = defaultdict(_Standing)
    by_nik: dict[str, _Standing] = defaultdict(_Standing)
    for name_norm, nik, sign, day, receipt in (await turn.session.execute(stmt, params)).all():
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
