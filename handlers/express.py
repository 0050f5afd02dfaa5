"""The one-line express format: a whole report typed in one line, forgiving of order and typos.

    <KIND> <name> <L|P> <date> [di <place>] [dari <origin>] [ke <destination>]
           [ibu <mother>] [ayah <father>] [NIK <16 digits>] [KK] [WNA]

KIND is lahir / meninggal / datang / pindah (also mati, wafat, dtg, masuk, keluar, and close typos).
The date may be anywhere (12-11-2026, 12/11/26, 12 nov 2026, kemarin, hari ini, 3 hari lalu); a
16-digit number is the NIK; KK marks the head of family; WNA a foreign citizen (default WNI).
A marked value runs to the next marker or comma; the name is what remains before or between them.
Whatever is missing or unreadable is asked next, then the usual summary and confirmation follow.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.fields import PLACE_KEYS
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
HEAD_FLAG = re.compile(r"\b(?:kk|kepala keluarga|kepala kk)\b", re.IGNORECASE)
WNA_FLAG = re.compile(r"\bwna\b", re.IGNORECASE)
WNI_FLAG = re.compile(r"\bwni\b", re.IGNORECASE)


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
    found = Express(kind, _defaults(kind))
    rest = _take_nik(rest, found)
    rest = _take_date(rest, found, now)
    rest = _take_flags(rest, found)
    head, *pairs = MARKER_SPLIT.split(rest)
    for marker, value in zip(pairs[::2], pairs[1::2], strict=True):
        marked, _, after = value.partition(",")  # a comma ends a marked value
        _take_marked(MARKERS[marker.lower()], marked, found)
        head += " " + after
    _take_name_and_sex(head, found)
    return found


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


def _take_name_and_sex(text: str, found: Express) -> None:
    tokens = [t for t in re.split(r"[\s,;]+", text) if t]
    name_tokens = []
    for token in tokens:
        try:
            found.values.setdefault("sex", str(parse_sex(token)))
            continue
        except Invalid:
            name_tokens.append(token)
    if name_tokens:
        _store(found, "name", " ".join(name_tokens), parse_name)


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
