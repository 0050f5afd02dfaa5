"""The person-input seam of the ledger: what a report says of each person (`PersonInput`), the
name forms it is stored and compared in, and the way between it and the ledger's lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from models.event import Citizenship, Event, EventPerson, Sex


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


def person_lines(event: Event, persons: Sequence[PersonInput], sign: int) -> list[EventPerson]:
    """The ledger lines of an event for these persons, each signed (+1 reported, -1 reversed)."""
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


def person_input(line: EventPerson) -> PersonInput:
    """What a ledger line says of its person."""
    fields = PersonInput.__dataclass_fields__
    values = {k: getattr(line, k) for k in fields}
    values["sex"], values["citizenship"] = Sex(line.sex), Citizenship(line.citizenship)
    return PersonInput(**values)


def current_persons(event: Event) -> list[PersonInput]:
    """The persons an event (or correction) stands for: its positive lines."""
    return [person_input(line) for line in event.persons if line.sign > 0]
