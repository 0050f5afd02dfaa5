"""The one-line express format: a whole report typed in one line, forgiving of order and typos.

    <KIND> <name> <L|P> <date> [di <place>] [dari <origin>] [ke <destination>]
           [ibu <mother>] [ayah <father>] [NIK <16 digits>] [KK] [WNA]

KIND is lahir / meninggal / datang / pindah (also mati, wafat, dtg, masuk, keluar, and close typos).
The date may be anywhere (12-11-2026, 12/11/26, 12 nov 2026, kemarin, hari ini, 3 hari lalu); a
16-digit number is the NIK; KK marks the head of family; WNA a foreign citizen (default WNI).
A marked value runs to the next marker or colon; a comma inside it stays in it ("dari Kotabumi, Lampung
Utara") once the name was written before the marker, and ends it when the name follows ("ke Metro,
Rina P"). The name is the rest. Nothing moves silently between fields: every word is read into exactly
one value, or is shown back as not understood, and an uncertain reading is shown field by field;
whatever is missing is asked next with that reason, then the usual summary and confirmation follow.

A whole family moves with the word KELUARGA (or SEKELUARGA) after DATANG or PINDAH, the members
separated by commas (or ; + dan), the date and place once for all; with a colon, what stands before it
is the date and place (commas included) and the members follow it:

    PINDAH KELUARGA 5 nov 2026 ke Jakarta, Ali L KK NIK 1804..., Siti P, Rudi L
    DATANG SEKELUARGA 2-11-2026 dari Metro, Lampung Tengah: Hasan Basri L KK, Aminah P

The member marked KK is the head of family, else the first one; a NIK belongs to the member it is
written with. One member only: the bot asks how many they are and then the others.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from handlers.courtesy import without_courtesy
from handlers.express_fields import NOISE, note, take_date, take_flags, take_marked, take_name, take_nik
from handlers.express_fields import Express as Express  # re-exported: the type a line fills
from handlers.fields import MAX_FAMILY
from handlers.keywords import closest
from handlers.parsing import DAY_WORDS, Invalid, parse_sex, without_symbols, words
from models.event import EventKind

KIND_WORDS = {
    "lahir": EventKind.LAHIR, "lhr": EventKind.LAHIR, "kelahiran": EventKind.LAHIR,
    "meninggal": EventKind.MENINGGAL, "mati": EventKind.MENINGGAL, "wafat": EventKind.MENINGGAL,
    "mgl": EventKind.MENINGGAL, "kematian": EventKind.MENINGGAL, "meninggalkan": EventKind.MENINGGAL,
    "datang": EventKind.DATANG, "dtg": EventKind.DATANG, "masuk": EventKind.DATANG,
    "pendatang": EventKind.DATANG,
    "pindah": EventKind.PINDAH, "pdh": EventKind.PINDAH, "pndh": EventKind.PINDAH, "keluar": EventKind.PINDAH,
}  # fmt: skip
LEAD_WORD = "lapor"  # "lapor lahir Siti P ..."
KIND_TAIL = re.compile(r"^(?:dunia|masuk|keluar)\b", re.IGNORECASE)  # "meninggal dunia", "pindah masuk"
MARKERS = {
    "di": "place", "tempat": "place", "tmp": "place", "dari": "origin", "asal": "origin",
    "ke": "destination", "tujuan": "destination", "ibu": "mother_name", "ayah": "father_name",
    "bapak": "father_name", "bpk": "father_name",
}  # fmt: skip
MARKER_SPLIT = re.compile(
    r"\b((?:tempat|tmp)(?:\s+(?:lahir|meninggal))?|" + "|".join(MARKERS) + r")\b[:\s]*", re.IGNORECASE
)
VALUE_END = re.compile(r"[,;:]")
FAMILY_WORD = re.compile(r"\b(?:se)?(?:keluarga|kluarga|klg)\b", re.IGNORECASE)
MEMBERS_COLON = re.compile(r"(?<!nik)(?<!nik ):", re.IGNORECASE)  # "NIK:" is no list's start
MEMBER_SEPARATOR = re.compile(r"[;,+]|(?<!nik)(?<!nik ):|\bdan\b", re.IGNORECASE)
MOVES = (EventKind.DATANG, EventKind.PINDAH)
BABY_SEPARATORS = frozenset({"dan", "&", "+"})  # "kembar Putri P dan Putra L"


def kind_of(word: str) -> str | None:
    """The kind a first word names, allowing small typos (the matcher the menu uses too); a day word
    is never a typo of a kind ("kemarin" is no "kematian")."""
    typed = word.strip(".,:;!")
    return None if words(typed) in DAY_WORDS else closest(typed, KIND_WORDS)


def parse_express(text: str, now: datetime) -> Express | None:
    """Read an express line, or the first of several pasted in one message (the others are kept
    in `others`, never read into it); None when the text is not one (no kind word, or nothing after it)."""
    meant, courtesy = without_courtesy(text)
    first, *others = reports_in(meant)
    found = _parse_line(first, now)
    if found is not None:
        found.others = others
        found.read += [("", words) for words in courtesy]  # greetings and thanks: read, not kept
    return found


def reports_in(text: str) -> list[str]:
    """The reports of a message: a line starting with a kind word starts one, other lines continue
    the one before ("lahir Putri Ayu P" then "tgl 3/11" on the next line)."""
    reports: list[str] = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        if reports and _starts_report(line):
            reports.append(line)
        elif reports:
            reports[-1] += " " + line
        else:
            reports.append(line)
    return reports or [text]


def _starts_report(line: str) -> bool:
    first, _, rest = without_symbols(line).strip().partition(" ")
    if words(first) == LEAD_WORD:
        first, _, rest = rest.strip().partition(" ")
    return bool(rest.strip()) and kind_of(first) is not None


def _parse_line(text: str, now: datetime) -> Express | None:
    first, _, rest = " ".join(without_symbols(text).split()).partition(" ")  # an emoji is in no field
    lead = ""
    if words(first) == LEAD_WORD:
        lead, (first, _, rest) = first, rest.partition(" ")
    kind = kind_of(first)
    if kind is None or not rest.strip():
        return None
    found = Express(kind, _defaults(kind))
    found.keep("", f"{lead} {first}")
    if tail := KIND_TAIL.match(rest):
        found.keep("", tail.group(0))
        rest = rest[tail.end() :]
    family = FAMILY_WORD.search(rest) if kind in MOVES else None
    if family is not None:
        found.keep("", family.group(0))
        return _family(kind, rest[: family.start()] + " " + rest[family.end() :], found, now)
    head = _read(rest, found, now, commas_in_values=None)
    if not (found.twins and _take_babies(head, found)):
        _take_person([token for token in head if token not in ",;"], found)
    if "name" not in found.values and any(key != "" for key, _ in found.read):
        found.guessed = True  # no name before the first marker: it may have run into a value
    return found


def _read(text: str, found: Express, now: datetime, commas_in_values: bool | None) -> list[str]:
    """Take the NIK, date, flags and marked values into `found`; the words left (names and sexes).
    A comma inside a marked value keeps the rest in it when `commas_in_values`; None decides by
    whether a name was written before the first marker."""
    text = take_nik(text, found)
    text = take_date(text, found, now)
    text = take_flags(text, found)
    head, *pairs = MARKER_SPLIT.split(text)
    if commas_in_values is None:
        commas_in_values = any(not _sex_of(t) and t.lower() not in NOISE for t in _tokens(head))
    for marker, value in zip(pairs[::2], pairs[1::2], strict=True):
        marked, end, after = _value_end(value)
        what = MARKERS[marker.split()[0].lower()]
        if after.strip(" ,;") and end != ":" and commas_in_values:
            sexes = [t for t in _tokens(after) if _sex_of(t)]
            head += " " + " ".join(sexes)  # "di Liwa, P": the sex, not a place
            rest = " ".join(t for t in re.split(r"\s+", after) if t and t.strip(",;") not in sexes)
            marked, after = (f"{marked}, {rest}" if rest.strip(" ,;") else marked), ""
        elif after.strip(" ,;") and end != ":":
            found.guessed = True  # "ke Metro, Rina P": the name follows the place
        marked, trailing = _trailing_sexes(marked)
        head += " " + trailing  # "dari Liwa L": the sex, not part of the place
        take_marked(what, marker, marked, found)
        head += " " + after
    return _tokens(head, commas=found.twins > 0)  # commas may part twins: "Putri, Putra dan Puspa"


def _trailing_sexes(value: str) -> tuple[str, str]:
    """A marked value without the sex words that end it, and those words."""
    tokens = value.split()
    cut = len(tokens)
    while cut > 1 and _sex_of(tokens[cut - 1].strip(",;")):
        cut -= 1
    return " ".join(tokens[:cut]), " ".join(tokens[cut:])


def _value_end(value: str) -> tuple[str, str, str]:
    found = VALUE_END.search(value)
    if found is None:
        return value, "", ""
    return value[: found.start()], found.group(0), value[found.end() :]


def _tokens(text: str, commas: bool = False) -> list[str]:
    if commas:
        return re.findall(r"[^\s,;:]+|[,;]", text)
    return [t for t in re.split(r"[\s,;:]+", text) if t]


def _family(kind: str, text: str, found: Express, now: datetime) -> Express:
    """A whole-family move: the members one by one, what they share once."""
    found.values = {"citizenship": "WNI", "family": True}
    colon = MEMBERS_COLON.search(text)
    if colon is not None:  # "dari Metro, Lampung Tengah: Ali L, ...": before the colon is shared
        for token in _read(text[: colon.start()], found, now, commas_in_values=True):
            found.reject(token)
        text = text[colon.end() :]
    members: list[dict[str, Any]] = []
    for segment in MEMBER_SEPARATOR.split(text):
        part = Express(kind)
        people = _people(_read(segment, part, now, commas_in_values=False), part)
        own: dict[str, Any] = {key: part.values.pop(key) for key in ("nik", "is_head") if key in part.values}
        _merge(found, part)
        if people:
            people[0] |= own
        members += people
    _take_members(members, found)
    return found


def _merge(found: Express, part: Express) -> None:
    """What a member's segment says for the whole family (date, place, WNA); a second, different
    value of the same field is shown as not understood rather than replacing the first."""
    found.problem = found.problem or part.problem
    found.unread += part.unread
    for key, text in part.read:
        value = part.values.get(key)
        if key in part.values and key != "citizenship" and found.values.get(key, value) != value:
            found.reject(text)
        else:
            found.read.append((key, text))
    for key, value in part.values.items():
        if key != "citizenship":
            found.values.setdefault(key, value)
        elif value == "WNA":
            found.values[key] = value


def _take_members(members: list[dict[str, Any]], found: Express) -> None:
    members.sort(key=lambda member: not member.get("is_head"))  # the head first; stable otherwise
    if sum(bool(m.get("is_head")) for m in members) > 1:
        note(found, Invalid("family_heads"))
    if len(members) > MAX_FAMILY:
        note(found, Invalid("count"))
        members = members[:MAX_FAMILY]
    for n, member in enumerate(members, 1):
        found.values |= {f"m{n}.{key}": value for key, value in member.items() if key != "is_head"}
        found.values.setdefault(f"m{n}.nik", None)
    if len(members) > 1:
        found.values["count"] = len(members)


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
            found.keep("sex", token)
            name = []
        else:
            found.reject(token)  # a sex with no name before it
    if name:
        people.append(_person(name, None, found))
    return [p for p in people if p.get("name")]


def _person(name: list[str], sex: str | None, found: Express) -> dict[str, Any]:
    person = Express(found.kind)
    take_name(name, person)
    found.problem = found.problem or person.problem
    found.read += person.read
    found.unread += person.unread
    return person.values | ({"sex": sex} if sex else {})


def _take_person(tokens: list[str], found: Express) -> None:
    """The one person of a line: the sex words (all the same one, else it is asked) and the name."""
    sexes = [t for t in tokens if _sex_of(t)]
    if len({_sex_of(t) for t in sexes}) == 1:
        found.values["sex"] = _sex_of(sexes[0])
        for token in sexes:
            found.keep("sex", token)
    else:
        for token in sexes:
            found.reject(token)
    take_name([t for t in tokens if not _sex_of(t)], found)


def _take_babies(tokens: list[str], found: Express) -> bool:
    """Twins named in one line ("Putri P dan Putra L"): the first baby is the line's report, the
    others follow it with the same parents, date and place; False when the line names one baby."""
    scratch = Express(found.kind)
    groups: list[list[str]] = [[]]
    for token in tokens:
        if token.lower() in BABY_SEPARATORS or token in ",;":
            scratch.keep("", token)
            groups.append([])
        else:
            groups[-1].append(token)
    people = [person for group in groups for person in _people(group, scratch)]
    if len(people) < 2:
        return False
    found.read += scratch.read
    found.unread += scratch.unread
    found.problem = found.problem or scratch.problem
    found.values |= people[0]
    found.babies = people[1:]
    found.twins = max(found.twins, len(people))
    return True


def _sex_of(token: str) -> str | None:
    try:
        return str(parse_sex(token))
    except Invalid:
        return None


def _defaults(kind: str) -> dict[str, Any]:
    values: dict[str, Any] = {"citizenship": "WNI", "nik": None}
    if kind != EventKind.LAHIR:
        values["is_head"] = False
    if kind in (EventKind.DATANG, EventKind.PINDAH):
        values["family"] = False
    return values
