"""What each kind of report asks, in order, and how a finished draft becomes ledger persons.

A draft is a flat dict of JSON values: "name", "sex", "event_date" (ISO), ...; for a whole family
"count" and the members as "m1.name", "m1.sex", "m1.nik", ... (member 1 is the head of family).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from handlers.keywords import parse_number
from handlers.parsing import (
    Invalid,
    is_skip,
    parse_citizenship,
    parse_date,
    parse_name,
    parse_nik,
    parse_parent,
    parse_place,
    parse_sex,
    parse_yes_no,
)
from handlers.texts import report_words
from models.event import Citizenship, Event, EventKind, Sex
from models.person_input import PersonInput, current_persons

Parser = Callable[[str, datetime], Any]
MAX_FAMILY = 20


@dataclass(frozen=True)
class Field:
    """One question of a report."""

    key: str
    question: str
    parse: Parser
    choices: Mapping[str, str] = field(default_factory=dict)
    optional: bool = False

    @property
    def base(self) -> str:
        """The key without the member prefix ("m2.name" -> "name")."""
        return self.key.rsplit(".", 1)[-1]


def _optional(parse: Callable[[str], Any]) -> Parser:
    return lambda text, _now: None if is_skip(text) else parse(text)


def _plain(parse: Callable[[str], Any]) -> Parser:
    return lambda text, _now: parse(text)


def _date(text: str, now: datetime) -> str:
    return parse_date(text, now).isoformat()


def _count(text: str, _now: datetime) -> int:
    number = parse_number(text)  # "4", "empat", "4 orang"; not "⁴"
    if number is None or not 2 <= number <= MAX_FAMILY:
        raise Invalid("count")
    return number


def _sex(text: str) -> str:
    return str(parse_sex(text))


def _citizenship(text: str) -> str:
    return str(parse_citizenship(text))


Q = report_words.QUESTIONS
NAME = Field("name", Q["name"], _plain(parse_name))
SEX = Field("sex", Q["sex"], _plain(_sex), report_words.SEX_CHOICES)
NIK = Field("nik", Q["nik"], _optional(parse_nik), optional=True)
HEAD = Field("is_head", Q["is_head"], _plain(parse_yes_no), report_words.YES_NO_CHOICES)
CITIZENSHIP = Field("citizenship", Q["citizenship"], _plain(_citizenship), report_words.CITIZENSHIP_CHOICES)
FAMILY = Field("family", Q["family"], _plain(parse_yes_no), report_words.YES_NO_CHOICES)
COUNT = Field("count", Q["count"], _count)
PLACE_KEYS = {"lahir": "birth_place", "meninggal": "death_place", "datang": "origin", "pindah": "destination"}


def _place(kind: str) -> Field:
    key = PLACE_KEYS[kind]
    return Field(key, Q[key], _plain(parse_place))


def _event_date(kind: str) -> Field:
    return Field("event_date", report_words.QUESTION_DATE[kind], _date)


def _member(n: int, total: int, base: Field) -> Field:
    head = report_words.MEMBER_HEAD if n == 1 else ""
    question = report_words.QUESTION_MEMBER.format(n=n, total=total, head=head, question=base.question)
    return Field(f"m{n}.{base.key}", question, base.parse, base.choices, base.optional)


def fields_for(kind: str, values: Mapping[str, Any]) -> list[Field]:
    """The questions of a report, given what was answered so far (a family asks per member)."""
    if kind == EventKind.LAHIR:
        nik = Field("nik", report_words.QUESTION_NIK_NEWBORN, NIK.parse, optional=True)
        mother = Field("mother_name", Q["mother_name"], _plain(parse_parent))
        father = Field("father_name", Q["father_name"], _optional(parse_parent), optional=True)
        return [NAME, SEX, _event_date(kind), _place(kind), mother, father, nik, CITIZENSHIP]
    if kind == EventKind.MENINGGAL:
        return [NAME, SEX, NIK, _event_date(kind), _place(kind), HEAD, CITIZENSHIP]
    if values.get("family"):
        total = int(values.get("count") or 0)
        members = [_member(n, total, f) for n in range(1, total + 1) for f in (NAME, SEX, NIK)]
        return [FAMILY, COUNT, *members, _event_date(kind), _place(kind), CITIZENSHIP]
    return [FAMILY, NAME, SEX, NIK, HEAD, _event_date(kind), _place(kind), CITIZENSHIP]


def is_family(kind: str, values: Mapping[str, Any]) -> bool:
    """Whether the draft is a whole-family move."""
    return kind in (EventKind.DATANG, EventKind.PINDAH) and bool(values.get("family"))


def person_prefixes(kind: str, values: Mapping[str, Any]) -> list[str]:
    """The key prefix of each person in the draft ("" for a single person)."""
    if is_family(kind, values):
        return [f"m{n}." for n in range(1, int(values.get("count") or 0) + 1)]
    return [""]


def persons(kind: str, values: Mapping[str, Any]) -> list[PersonInput]:
    """The ledger persons of a finished draft."""
    common: dict[str, Any] = {"citizenship": Citizenship(values.get("citizenship", Citizenship.WNI))}
    place = PLACE_KEYS[kind]
    common[place] = values.get(place)
    if kind == EventKind.LAHIR:
        common |= {
            "birth_date": event_date(values),
            "mother_name": values.get("mother_name"),
            "father_name": values.get("father_name"),
        }
    family = is_family(kind, values)
    out = []
    for prefix in person_prefixes(kind, values):
        is_head = prefix == "m1." if family else bool(values.get("is_head"))
        out.append(
            PersonInput(
                name=values[f"{prefix}name"],
                sex=Sex(values[f"{prefix}sex"]),
                nik=values.get(f"{prefix}nik"),
                is_head=is_head,
                **common,
            )
        )
    return out


def event_date(values: Mapping[str, Any]) -> date:
    """The draft's event date."""
    return date.fromisoformat(values["event_date"])


def prefill(event: Event) -> dict[str, Any]:
    """A draft holding what the standing version of an event says (for a correction)."""
    people = current_persons(event)
    first = people[0]
    place = PLACE_KEYS[event.kind]
    values: dict[str, Any] = {
        "event_date": event.event_date.isoformat(),
        "citizenship": str(first.citizenship),
        place: getattr(first, place),
    }
    if event.kind == EventKind.LAHIR:
        values |= {"mother_name": first.mother_name, "father_name": first.father_name}
    if event.kind in (EventKind.DATANG, EventKind.PINDAH):
        values["family"] = len(people) > 1
    if len(people) > 1:
        values["count"] = len(people)
        ordered = sorted(people, key=lambda p: not p.is_head)
        for n, person in enumerate(ordered, 1):
            values |= {f"m{n}.name": person.name, f"m{n}.sex": str(person.sex), f"m{n}.nik": person.nik}
        return values
    values |= {"name": first.name, "sex": str(first.sex), "nik": first.nik}
    if event.kind != EventKind.LAHIR:
        values["is_head"] = first.is_head
    return values
