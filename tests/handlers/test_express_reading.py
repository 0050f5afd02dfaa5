"""The express line never moves text silently between fields: every word of a line is read into
exactly one value (or as a keyword), or is shown back as not understood; a line built from known
values, the name first, is read back value for value."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.express import Express, parse_express
from handlers.texts import report_words
from tests.handlers.conftest import World

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 20 November 2026, 10:00 WIB
NAMES = ("Siti", "Aisyah", "Putri", "Ayu", "Rina", "Andi", "Hasan", "Basri", "nur", "hasanah", "Bayu", "Joko")
SEXES = {"L": "L", "P": "P", "laki-laki": "L", "perempuan": "P", "lk": "L", "pr": "P"}
DATES = {
    "12-11-2026": "2026-11-12",
    "5/11/26": "2026-11-05",
    "10 november 2026": "2026-11-10",
    "tgl 3 nov 2026": "2026-11-03",
    "kemarin": "2026-11-19",
    "kemarin sore": "2026-11-19",
    "2 hari lalu": "2026-11-18",
}
PLACES = ("Liwa", "Kotabumi, Lampung Utara", "Metro, Lampung Tengah", "rumah", "RSUD Liwa", "Bandar Lampung")
PLACE_MARKER = {"lahir": "di", "meninggal": "di", "datang": "dari", "pindah": "ke"}
PLACE_KEY = {"lahir": "birth_place", "meninggal": "death_place", "datang": "origin", "pindah": "destination"}
NIK = "1804011203900001"


def _words(text: str) -> Counter[str]:
    return Counter(w.strip(".").lower() for w in re.findall(r"[^\s,;:]+", text) if w.strip("."))


def _accounted(found: Express) -> Counter[str]:
    """Every word the parser says it read or could not read."""
    return _words(" ".join([text for _, text in found.read] + found.unread))


@st.composite
def lines(draw: st.DrawFn, name_first: bool = True) -> tuple[str, str, dict[str, str]]:
    """An express line built from known values: the kind first, the name next (or anywhere), the rest
    in any order."""
    kind = draw(st.sampled_from(sorted(PLACE_MARKER)))
    name = " ".join(draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3)))
    sex = draw(st.sampled_from(sorted(SEXES)))
    day = draw(st.sampled_from(sorted(DATES)))
    place = draw(st.sampled_from(PLACES))
    expected = {"name": name, "sex": SEXES[sex], "event_date": DATES[day], PLACE_KEY[kind]: place}
    parts = [sex, day, f"{PLACE_MARKER[kind]} {place}"]
    if kind == "lahir":
        mother = draw(st.sampled_from(NAMES))
        parts.append(f"ibu {mother}")
        expected["mother_name"] = mother
    if draw(st.booleans()):
        parts.append(f"NIK {NIK}" if draw(st.booleans()) else NIK)
        expected["nik"] = NIK
    if kind != "lahir" and draw(st.booleans()):
        parts.append("KK")
    ordered = draw(st.permutations(parts if name_first else [name, *parts]))
    separator = draw(st.sampled_from([" ", ", "]))
    return kind, f"{kind.upper()} {name if name_first else ''} {separator.join(ordered)}", expected


@settings(max_examples=300, deadline=None)
@given(lines())
def test_every_word_lands_in_one_field_and_values_come_back(case: tuple[str, str, dict[str, str]]) -> None:
    kind, line, expected = case
    found = parse_express(line, NOW)
    assert found is not None and found.kind == kind
    assert _accounted(found) == _words(line), (line, found.read, found.unread)
    assert not found.unread and found.problem is None, line
    for key, value in expected.items():
        assert found.values.get(key) == value, (line, key, found.values)


@settings(max_examples=300, deadline=None)
@given(lines(name_first=False))
def test_in_any_order_a_line_is_read_exactly_or_shown_back(case: tuple[str, str, dict[str, str]]) -> None:
    _kind, line, expected = case
    found = parse_express(line, NOW)
    assert found is not None
    assert _accounted(found) == _words(line), (line, found.read, found.unread)
    if not (found.guessed or found.unread or found.problem):  # else the reading is shown field by field
        assert {key: found.values.get(key) for key in expected} == expected, line


@pytest.mark.parametrize(
    ("line", "expected", "unread"),
    [
        (
            "DATANG Andi L 15-11-2026 dari Kotabumi, Lampung Utara",
            {"name": "Andi", "origin": "Kotabumi, Lampung Utara"},
            [],
        ),
        (
            "lahir Siti Aisyah perempuan tgl 10 november 2026 di Liwa ibu Sari",
            {"name": "Siti Aisyah", "sex": "P", "event_date": "2026-11-10", "birth_place": "Liwa"},
            [],
        ),
        (
            "DATANG SEKELUARGA 2-11-2026 dari Metro, Lampung Tengah: Hasan Basri L KK, Aminah P, Rudi L",
            {"origin": "Metro, Lampung Tengah", "count": 3, "m1.name": "Hasan Basri", "m2.name": "Aminah"},
            [],
        ),
        ("meninggal dunia Sukardi L kemarin di rumah KK", {"name": "Sukardi", "is_head": True}, []),
        ("lahir Putri P kemarin di Liwa ibu Sari ke Jakarta", {"birth_place": "Liwa"}, ["ke Jakarta"]),
        ("pindah Rina P 5 nov 2026 ke Metro ke Jakarta", {"destination": "Metro"}, ["ke Jakarta"]),
        ("datang Andi 123 L kemarin dari Metro", {"name": "Andi"}, ["123"]),
        ("datang Andi L P kemarin dari Metro", {"name": "Andi"}, ["L", "P"]),
        ("lahir Bayu L kemarin di Liwa KK", {"name": "Bayu"}, ["KK"]),
        ("lapor lahr Bayu L kemarin di Liwa ibu Ani ayah -", {"name": "Bayu", "father_name": None}, []),
    ],
)
def test_lines_that_once_moved_text_between_fields(
    line: str, expected: dict[str, object], unread: list[str]
) -> None:
    found = parse_express(line, NOW)
    assert found is not None
    assert {key: found.values.get(key) for key in expected} == expected
    assert found.unread == unread
    assert _accounted(found) == _words(line)


def test_a_name_after_the_place_is_read_but_marked_as_a_guess() -> None:
    found = parse_express("pindah ke Metro, 5/11/2026, Rina P", NOW)
    assert found is not None and found.guessed
    assert (found.values["name"], found.values["destination"]) == ("Rina", "Metro")


async def test_express_asks_for_what_is_missing_with_the_reason(world: World) -> None:
    chat = world.chat("budi")
    answer = await chat.say("LAHIR Bayu 10-11-2026 di Liwa ibu Ani")
    assert report_words.EXPRESS_MISSING.format(fields="jenis kelamin, nama ayah") in answer
    assert report_words.QUESTIONS["sex"] in answer
    assert report_words.QUESTIONS["father_name"] in await chat.say("L")
    assert "Nama ayah: Joko" in await chat.say("Joko")


async def test_express_shows_what_it_could_not_read(world: World) -> None:
    answer = await world.chat("budi").say("lahir Putri P kemarin di Liwa ibu Sari ayah Joko ke Jakarta")
    assert report_words.EXPRESS_READ in answer and "• Tempat lahir: Liwa" in answer
    assert report_words.EXPRESS_UNREAD.format(words="«ke Jakarta»") in answer
    assert report_words.SUMMARY_TITLE.format(kind="kelahiran") in answer


async def test_express_masks_a_nik_it_could_not_read(world: World) -> None:
    answer = await world.chat("budi").say(
        "pindah Rina P kemarin ke Metro NIK 1804011203900001 1804011203900002"
    )
    assert "1804011203900002" not in answer and "************0002" in answer
