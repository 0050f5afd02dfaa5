"""The takers of an express line's fields (handlers/express.py reads the line): the NIK, the date,
the flags (twins, KK, WNA/WNI), the marked values (place, origin, destination, parents) and the name,
each read into the Express it fills, or shown back as not understood; with the patterns they read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.fields import PLACE_KEYS
from handlers.parsing import (
    DAY_WORDS,
    SPELLED_DAY,
    Invalid,
    is_skip,
    parse_date,
    parse_name,
    parse_nik,
    parse_place,
)
from handlers.twins import read_twins
from models.event import EventKind

MONTHS = r"(?:jan|feb|peb|mar|apr|mei|jun|jul|agu|ags|sep|okt|nov|nop|des)[a-z]*\.?"
DATE_LABEL = r"(?:(?:tgl|tanggal|tg)\.?\s*(?:(?:lahir|meninggal|wafat|datang|pindah)\s+)?)?"
DAYS = "|".join(re.escape(day) for day in sorted(DAY_WORDS, key=len, reverse=True))  # longest first
DAY = rf"(?:\d{{1,2}}|{SPELLED_DAY})"  # "3", "tiga", "dua puluh satu"
DATE_PATTERNS = (  # tried in this order: a date with its year before a day and month alone
    re.compile(rf"\b{DATE_LABEL}\d{{1,2}}\s*[-/.]\s*\d{{1,2}}\s*[-/.]\s*\d{{2,4}}\b", re.I | re.A),
    re.compile(rf"\b{DATE_LABEL}{DAY}\s+{MONTHS}(?:\s+\d{{4}}|\s+\d{{2}}\b)?", re.I | re.A),
    re.compile(
        rf"\b{DATE_LABEL}(?:{DAYS}|besok|lusa|"
        rf"{DAY}\s+hari\s+(?:yang\s+)?lalu)(?:\s+(?:pagi|siang|sore|petang|malam|subuh))?\b",
        re.I | re.A,
    ),
    # "tgl 3/11": the latest such day; never an address's "RT 02/03"
    re.compile(
        rf"(?<!rt )(?<!rw )(?<!rt\.)(?<!rw\.)\b{DATE_LABEL}\d{{1,2}}\s*[-/.]\s*\d{{1,2}}\b", re.I | re.A
    ),
)
NIK_PATTERNS = (
    re.compile(r"\bnik\b\s*:?\s*(\d(?:[\s.-]?\d){0,15})(?!\d)", re.I | re.A),  # after the word NIK
    re.compile(r"\b(\d(?:[\s.-]?\d){15})\b", re.A),  # or 16 digits anywhere
)
HEAD_FLAG = re.compile(r"\b(?:kk|kepala keluarga|kepala kk)\b", re.IGNORECASE)
WNA_FLAG = re.compile(r"\bwna\b", re.IGNORECASE)
WNI_FLAG = re.compile(r"\bwni\b", re.IGNORECASE)
NOISE = frozenset({"nama", "bernama", "an", "a.n", "a.n.", "jk", "kelamin", "jenis", "sdr", "sdri", "tgl",
                   "tgl.", "tanggal"})  # fmt: skip


@dataclass
class Express:
    """What an express line says: the kind, the values read, the first problem met; `read` holds
    each piece of text with the key it went to ("" for a keyword), `unread` what was not understood,
    `guessed` marks a reading that is not the only possible one (shown field by field)."""

    kind: str
    values: dict[str, Any] = field(default_factory=dict)
    problem: Invalid | None = None
    read: list[tuple[str, str]] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    guessed: bool = False
    others: list[str] = field(default_factory=list)  # further reports pasted in the same message
    twins: int = 0  # a birth of twins (2), triplets (3): this line is the first baby's report
    babies: list[dict[str, Any]] = field(default_factory=list)  # the next twins named in the line

    def keep(self, key: str, text: str) -> None:
        """Record that `text` was read into `key` ("" for a keyword)."""
        if text.strip(" ,;:"):
            self.read.append((key, text.strip()))

    def reject(self, text: str) -> None:
        """Record text that was not understood."""
        if text.strip(" ,;:"):
            self.unread.append(text.strip(" ,;:"))


def note(found: Express, problem: Invalid) -> None:
    found.problem = found.problem or problem


def take_nik(text: str, found: Express) -> str:
    match = NIK_PATTERNS[0].search(text) or NIK_PATTERNS[1].search(text)
    if match is None:
        return text
    try:
        found.values["nik"] = parse_nik(match.group(1))
        found.keep("nik", match.group(0))
    except Invalid as exc:
        note(found, exc)
        found.reject(match.group(0))
    return text[: match.start()] + " " + text[match.end() :]


def take_date(text: str, found: Express, now: datetime) -> str:
    for pattern in DATE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        try:
            found.values["event_date"] = parse_date(match.group(0), now).isoformat()
            found.keep("event_date", match.group(0))
        except Invalid as exc:
            note(found, exc)
            found.reject(match.group(0))
        return text[: match.start()] + " " + text[match.end() :]
    return text


def take_flags(text: str, found: Express) -> str:
    if found.kind == EventKind.LAHIR and (twins := read_twins(text)) is not None:
        found.twins, said, text = twins
        found.keep("", said)
    for match in HEAD_FLAG.finditer(text):
        if found.kind == EventKind.LAHIR:
            found.reject(match.group(0))  # a newborn heads no family
        else:
            found.values["is_head"] = True
            found.keep("is_head", match.group(0))
    for match in WNA_FLAG.finditer(text):
        found.values["citizenship"] = "WNA"
        found.keep("citizenship", match.group(0))
    for match in WNI_FLAG.finditer(text):
        found.keep("citizenship", match.group(0))
    for flag in (HEAD_FLAG, WNA_FLAG, WNI_FLAG):
        text = flag.sub(" ", text)
    return text


def take_name(tokens: list[str], found: Express) -> None:
    """The name from the words left; noise words ("tgl", "nama") are read as keywords, and words that
    cannot be part of a name (digits) are shown as not understood instead of spoiling it."""
    name = []
    for token in tokens:
        if token.lower() in NOISE:
            found.keep("", token)
        elif any(ch.isdigit() for ch in token):
            found.reject(token)
        else:
            name.append(token)
    if name:
        _store(found, "name", " ".join(name))


def take_marked(what: str, marker: str, value: str, found: Express) -> None:
    key = {
        "place": PLACE_KEYS[found.kind],
        "origin": "origin" if found.kind == EventKind.DATANG else None,
        "destination": "destination" if found.kind == EventKind.PINDAH else None,
    }.get(what, what if found.kind == EventKind.LAHIR else None)
    if key is None or key in found.values or not value.strip(" ,;"):
        found.reject(f"{marker} {value}")  # "ke Jakarta" in a birth, a second "di"
        return
    found.keep("", marker)
    _store(found, key, value)


def _store(found: Express, key: str, value: str) -> None:
    parse = parse_name if key in ("name", "mother_name", "father_name") else parse_place
    if key == "father_name" and is_skip(value):  # "ayah -": no father to name
        found.values[key] = None
        found.keep(key, value)
        return
    try:
        found.values[key] = parse(value)
        found.keep(key, value)
    except Invalid as exc:
        note(found, exc)
        found.reject(value)
