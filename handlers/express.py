"""The one-line express format: a whole report typed in one line, forgiving of order and typos.

    <KIND> <name> <L|P> <date> [di <place>] [dari <origin>] [ke <destination>]
           [ibu <mother>] [ayah <father>] [NIK <16 digits>] [KK] [WNA]

KIND is lahir / meninggal / datang / pindah (also mati, wafat, dtg, masuk, keluar, and close typos).
The date may be anywhere (12-11-2026, 12/11/26, 12 nov 2026, kemarin, hari ini, 3 hari lalu); a
16-digit number is the NIK; KK marks the head of family; WNA a foreign citizen (default WNI).
A marked value runs to the next marker, comma or colon; the name is what remains before or between them.
Whatever is missing or unreadable is asked next, then the usual summary and confirmation follow.

A whole family moves with the word KELUARGA (or SEKELUARGA) after DATANG or PINDAH, the members
separated by commas (or ; + dan), the date and place once for all:

    PINDAH KELUARGA 5 nov 2026 ke Jakarta, Ali L KK NIK 1804..., Siti P, Rudi L

The member marked KK is the head of family, else the first one; a NIK belongs to the member it is
written with. One member only: the bot asks how many they are and then the others.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.fields import MAX_FAMILY, PLACE_KEYS
from handlers.parsing import Invalid, parse_date, parse_name, parse_nik, parse_place, parse_sex
from models.event import EventKind

KIND_WORDS = {
    "lahir": EventKind.LAHIR, "lhr": EventKind.LAHIR, "kelahiran": EventKind.LAHIR,
    "meninggal": EventKind.MENINGGAL, "mati": EventKind.MENINGGAL, "wafat": EventKind.MENINGGAL,
    "mgl": EventKind.MENINGGAL, "kematian": EventKind.MENINGGAL, "meninggalkan": EventKind.MENINGGAL,
    "datang": EventKind.DATANG, "dtg": EventKind.DATANG, "masuk": EventKind.DATANG,
    "pendatang": EventKind.DATANG,
    "pindah": EventKind.PINDAH, "pdh": EventKind.PINDAH, "pndh": EventKind.PINDAH, "keluar": EventKind.PINDAH,
}  # fmt: skip
MONTHS = r"(?:jan|feb|peb|mar|apr|mei|jun|jul|agu|ags|sep|okt|nov|nop|des)[a-z]*\.?"
DATE_PATTERNS = (
    re.compile(r"\b\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}\b"),
    re.compile(rf"\b\d{{1,2}}\s+{MONTHS}(?:\s+\d{{4}}|\s+\d{{2}}\b)?", re.IGNORECASE),
    re.compile(r"\b(?:kemarin|kmrn|hari ini|besok|lusa|\d{1,2}\s+hari\s+(?:yang\s+)?lalu)\b", re.IGNORECASE),
)
NIK_PATTERNS = (
    re.compile(r"\bnik\b\s*:?\s*(\d(?:[\s.-]?\d)*)", re.IGNORECASE),  # after the word NIK
    re.compile(r"\b(\d(?:[\s.-]?\d){15})\b"),  # or 16 digits anywhere
)
MARKERS = {
    "di": "place", "tempat": "place", "tmp": "place", "dari": "origin", "asal": "origin",
    "ke": "destination", "tujuan": "destination", "ibu": "mother_name", "ayah": "father_name",
    "bapak": "father_name", "bpk": "father_name",
}  # fmt: skip
MARKER_SPLIT = re.compile(r"\b(" + "|".join(MARKERS) + r")\b[:\s]*", re.IGNORECASE)
VALUE_END = re.compile(r"[,;:]")  # ends a marked value ("dari Kotabumi: Ali L, ...")
HEAD_FLAG = re.compile(r"\b(?:kk|kepala keluarga|kepala kk)\b", re.IGNORECASE)
WNA_FLAG = re.compile(r"\bwna\b", re.IGNORECASE)
WNI_FLAG = re.compile(r"\bwni\b", re.IGNORECASE)
FAMILY_WORD = re.compile(r"\b(?:se)?(?:keluarga|kluarga|klg)\b", re.IGNORECASE)
MEMBER_SEPARATOR = re.compile(r"[;,+]|(?<!nik)(?<!nik ):|\bdan\b", re.IGNORECASE)  # "NIK:" stays
MOVES = (EventKind.DATANG, EventKind.PINDAH)


@dataclass
class Express:
    """What an express line says: the kind, the values read, the first problem met."""

    kind: str
    values: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None


def kind_of(word: str) -> str | None:
    """The kind a first word names, allowing small typos."""
    word = word.lower().strip(".,:;!")
    if word in KIND_WORDS:
        return KIND_WORDS[word]
    close = difflib.get_close_matches(word, list(KIND_WORDS), n=1, cutoff=0.75)
    return KIND_WORDS[close[0]] if close else None


def parse_express(text: str, now: datetime) -> Express | None:
    """Read an express line; None when the text is not one (no kind word, or nothing after it)."""
    first, _, rest = " ".join(text.split()).partition(" ")
    kind = kind_of(first)
    if kind is None or not rest.strip():
        return None
    if kind in MOVES and FAMILY_WORD.search(rest):
        return _family(kind, FAMILY_WORD.sub(" ", rest, count=1), now)
    found = Express(kind, _defaults(kind))
    tokens = _read(rest, found, now)
    sexes = [sex for token in tokens if (sex := _sex_of(token))]
    if sexes:
        found.values["sex"] = sexes[0]
    _take_name([t for t in tokens if not _sex_of(t)], found)
    return found


def _read(text: str, found: Express, now: datetime) -> list[str]:
    """Take the NIK, date, flags and marked values into `found`; the words left (names and sexes)."""
    text = _take_nik(text, found)
    text = _take_date(text, found, now)
    text = _take_flags(text, found)
    head, *pairs = MARKER_SPLIT.split(text)
    for marker, value in zip(pairs[::2], pairs[1::2], strict=True):
        marked, *after = VALUE_END.split(value, maxsplit=1)
        _take_marked(MARKERS[marker.lower()], marked, found)
        head += " " + " ".join(after)
    return [t for t in re.split(r"[\s,;]+", head) if t]


def _family(kind: str, text: str, now: datetime) -> Express:
    """A whole-family move: the members one by one, what they share once."""
    found = Express(kind, {"citizenship": "WNI", "family": True})
    members: list[dict[str, Any]] = []
    for segment in MEMBER_SEPARATOR.split(text):
        part = Express(kind)
        people = _people(_read(segment, part, now), part)
        found.problem = found.problem or part.problem
        own: dict[str, Any] = {key: part.values.pop(key) for key in ("nik", "is_head") if key in part.values}
        found.values |= part.values  # the date, the place, WNA
        if people:
            people[0] |= own
        members += people
    members.sort(key=lambda member: not member.get("is_head"))  # the head first; stable otherwise
    if sum(bool(m.get("is_head")) for m in members) > 1:
        _note(found, "family_heads")
    if len(members) > MAX_FAMILY:
        _note(found, "count")
        members = members[:MAX_FAMILY]
    for n, member in enumerate(members, 1):
        found.values |= {f"m{n}.{key}": value for key, value in member.items() if key != "is_head"}
        found.values.setdefault(f"m{n}.nik", None)
    if len(members) > 1:
        found.values["count"] = len(members)
    return found


def _people(tokens: list[str], found: Express) -> list[dict[str, Any]]:
    """Names each ended by a sex word ("Ali L Siti P" is two people); a last name may lack one."""
    people: list[dict[str, Any]] = []
    name: list[str] = []
    for token in tokens:
        sex = _sex_of(token)
        if sex is None:
            name.append(token)
        elif name:
            people.append(_person(name, sex, found))
            name = []
    if name:
        people.append(_person(name, None, found))
    return people


def _person(name: list[str], sex: str | None, found: Express) -> dict[str, Any]:
    person = Express(found.kind)
    _take_name(name, person)
    found.problem = found.problem or person.problem
    return person.values | ({"sex": sex} if sex else {})


def _sex_of(token: str) -> str | None:
    try:
        return str(parse_sex(token))
    except Invalid:
        return None


def _defaults(kind: str) -> dict[str, Any]:
    values: dict[str, Any] = {"citizenship": "WNI", "nik": None}
    if kind == EventKind.LAHIR:
        values["father_name"] = None
    else:
        values["is_head"] = False
    if kind in (EventKind.DATANG, EventKind.PINDAH):
        values["family"] = False
    return values


def _note(found: Express, code: str) -> None:
    found.problem = found.problem or code


def _take_nik(text: str, found: Express) -> str:
    match = NIK_PATTERNS[0].search(text) or NIK_PATTERNS[1].search(text)
    if match is None:
        return text
    try:
        found.values["nik"] = parse_nik(match.group(1))
    except Invalid as exc:
        _note(found, exc.code)
    return text[: match.start()] + " " + text[match.end() :]


def _take_date(text: str, found: Express, now: datetime) -> str:
    for pattern in DATE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        try:
            found.values["event_date"] = parse_date(match.group(0), now).isoformat()
        except Invalid as exc:
            _note(found, exc.code)
        return text[: match.start()] + " " + text[match.end() :]
    return text


def _take_flags(text: str, found: Express) -> str:
    if HEAD_FLAG.search(text) and found.kind != EventKind.LAHIR:
        found.values["is_head"] = True
    if WNA_FLAG.search(text):
        found.values["citizenship"] = "WNA"
    for flag in (HEAD_FLAG, WNA_FLAG, WNI_FLAG):
        text = flag.sub(" ", text)
    return text


def _take_name(tokens: list[str], found: Express) -> None:
    if tokens:
        _store(found, "name", " ".join(tokens), parse_name)


def _take_marked(what: str, value: str, found: Express) -> None:
    value = value.strip(" ,;")
    if what == "place":
        _store(found, PLACE_KEYS[found.kind], value, parse_place)
    elif what in ("origin", "destination"):
        if PLACE_KEYS[found.kind] == what:
            _store(found, what, value, parse_place)
    elif found.kind == EventKind.LAHIR:
        _store(found, what, value, parse_name)


def _store(found: Express, key: str, value: str, parse: Any) -> None:
    try:
        found.values[key] = parse(value)
    except Invalid as exc:
        _note(found, exc.code)
