"""Months named by people: "november", "nov 2026", "2026-10", "10/2026", "bulan lalu".

Staff and the camat add a month to "status", "rekap" or "daftar"; this module reads it. A month
name without a year is the latest such month that is not in the future.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from models.base import add_months, month_of

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "agus": 8,
    "ags": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
}
RELATIVE = {
    "bulan ini": 0,
    "bulan sekarang": 0,
    "bulan lalu": -1,
    "bulan kemarin": -1,
    "bulan sebelumnya": -1,
    "dua bulan lalu": -2,
    "2 bulan lalu": -2,
}
COMMANDS = ("status", "rekap", "daftar")
_NUMERIC = (
    re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})$", re.ASCII),  # 2026-10
    re.compile(r"^(?P<month>\d{1,2})[-/.](?P<year>\d{4}|\d{2})$", re.ASCII),  # 10/2026, 10-26
)
_NAMED = re.compile(r"^(?P<name>[a-z]+)\.?(?:\s+(?P<year>\d{4}|\d{2}))?$", re.ASCII)


@dataclass(frozen=True)
class MonthRequest:
    """A command word with the month text typed after it, e.g. ("rekap", "november")."""

    command: str
    month_text: str


def month_request(text: str) -> MonthRequest | None:
    """ "rekap november" -> ("rekap", "november"); None when the text is not a command with a month."""
    typed = " ".join(text.lower().lstrip("/").split())
    command, _, rest = typed.partition(" ")
    return MonthRequest(command, rest) if command in COMMANDS and rest else None


def parse_month_name(text: str, today: date) -> date | None:
    """The month (its first day) a person named, or None when it is not a month."""
    typed = " ".join(text.lower().strip(" .,!?").split()).removeprefix("bulan ").strip()
    relative = RELATIVE.get(f"bulan {typed}", RELATIVE.get(typed))
    if relative is not None:
        return add_months(month_of(today), relative)
    for pattern in _NUMERIC:
        if found := pattern.match(typed):
            return _month(_year(found["year"]), int(found["month"]))
    found = _NAMED.match(typed)
    if found is None or found["name"] not in MONTHS:
        return None
    month = MONTHS[found["name"]]
    if found["year"]:
        return _month(_year(found["year"]), month)
    year = today.year if month <= today.month else today.year - 1
    return date(year, month, 1)


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _month(year: int, month: int) -> date | None:
    return date(year, month, 1) if 1 <= month <= 12 and 2000 <= year <= 2099 else None


# "rekap tahun 2026", "rekap tahunan", "rekap tahun lalu": the annual recap (issue 15)
ANNUAL_COMMANDS = ("rekap tahunan", "rekapitulasi tahunan", "rekap tahun", "rekapitulasi tahun")
RELATIVE_YEARS = {"ini": 0, "sekarang": 0, "lalu": -1, "kemarin": -1, "sebelumnya": -1}


def annual_request(text: str) -> str | None:
    """The year text after "rekap tahun(an)" ("" when none); None when the text asks something else."""
    typed = " ".join(text.lower().lstrip("/").split())
    for command in ANNUAL_COMMANDS:
        if typed == command or typed.startswith(command + " "):
            return typed[len(command) :].strip(" .,!?")
    return None


def parse_year(text: str, today: date) -> int | None:
    """The year a person named ("2026", "26", "ini", "lalu"); without one, the year of last month
    (in January that is last year: its December has just been reported)."""
    typed = text.removeprefix("tahun ").strip()
    if not typed:
        return add_months(month_of(today), -1).year
    if typed in RELATIVE_YEARS:
        return today.year + RELATIVE_YEARS[typed]
    if typed.isascii() and typed.isdigit() and len(typed) in (2, 4):
        year = _year(typed)
        return year if 2000 <= year <= 2099 else None
    return None
