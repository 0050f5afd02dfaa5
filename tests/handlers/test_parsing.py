"""Reading typed answers: dates, sex, yes/no, names, NIK with its warnings; the express grammar."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.express import parse_express
from handlers.parsing import (
    Invalid,
    nik_warnings,
    parse_date,
    parse_name,
    parse_nik,
    parse_sex,
    parse_yes_no,
)
from models.names import mask_nik

NOW = datetime(2026, 11, 19, 18, 30, tzinfo=UTC)  # 20 November 01:30 in WIB: the WIB date counts


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12-11-2026", date(2026, 11, 12)),
        ("12/11/2026", date(2026, 11, 12)),
        ("12-11-26", date(2026, 11, 12)),
        ("5.11.90", date(1990, 11, 5)),
        ("12 November 2026", date(2026, 11, 12)),
        ("12 nov 26", date(2026, 11, 12)),
        ("tgl 12 nop 2026", date(2026, 11, 12)),
        ("12 agust 2026", date(2026, 8, 12)),
        ("kemarin", date(2026, 11, 19)),
        ("kmrn", date(2026, 11, 19)),
        ("hari ini", date(2026, 11, 20)),
        ("3 hari yang lalu", date(2026, 11, 17)),
    ],
)
def test_dates_in_the_forms_people_type(typed: str, expected: date) -> None:
    assert parse_date(typed, NOW) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("besok", "date_future"),
        ("31-11-2026", "date_no_day"),
        ("13-13-2026", "date_format"),
        ("abc", "date_format"),
        ("1-1-1850", "date_old"),
    ],
)
def test_bad_dates(typed: str, code: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_date(typed, NOW)
    assert caught.value.code == code


def test_sex_yes_no_and_names() -> None:
    assert [parse_sex(t) for t in ("L", "laki-laki", "Pria", "p", "Perempuan", "pr")] == list("LLLPPP")
    assert [parse_yes_no(t) for t in ("Ya", "iya", "ok", "tidak", "tdk", "bukan")] == [True] * 3 + [False] * 3
    assert parse_name("  Siti   Nur'aini  ") == "Siti Nur'aini"
    with pytest.raises(Invalid):
        parse_name("Budi 2")


def test_nik_validation_and_warnings() -> None:
    assert parse_nik("1804.1541.0190.0001") == "1804154101900001"
    for bad, code in (
        ("12345", "nik_length"),
        ("18041541019000ab", "nik_digits"),
        ("1804153201900001", "nik_invalid"),
    ):
        with pytest.raises(Invalid) as caught:
            parse_nik(bad)
        assert caught.value.code == code
    with pytest.raises(Invalid):
        parse_nik("1804154101900000")  # sequence 0000 is never issued
    assert nik_warnings("1804154101900001", "L", None) == ["nik_sex"]
    assert nik_warnings("1804154101900001", "P", date(1990, 1, 1)) == []
    assert nik_warnings("1804154101900001", "P", date(1990, 1, 2)) == ["nik_birth_date"]


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_a_masked_nik_shows_only_its_last_four_digits(nik: str) -> None:
    masked = mask_nik(nik)
    assert masked.endswith(nik[-4:]) and masked[:-4] == "*" * 12


def test_express_reads_fields_in_any_order() -> None:
    found = parse_express("pindah ke Metro, 5/11/2026, Rina P, kk", NOW)
    assert found is not None and found.kind == "pindah"
    assert found.values | {} == {
        "citizenship": "WNI",
        "nik": None,
        "is_head": True,
        "family": False,
        "event_date": "2026-11-05",
        "sex": "P",
        "name": "Rina",
        "destination": "Metro",
    }


def test_express_needs_a_kind_word_and_something_after_it() -> None:
    assert parse_express("lahir", NOW) is None
    assert parse_express("halo pak apa kabar", NOW) is None
    found = parse_express("lahir Bayu L 2 hari lalu NIK 123", NOW)
    assert found is not None and found.problem is not None
    assert found.problem.code == "nik_length" and found.values["event_date"] == "2026-11-18"
