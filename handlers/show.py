"""Showing values to people: dates and months in Indonesian, NIK masked."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel import Locale
from babel.dates import format_date

from handlers.texts import error_words
from models.ledger import LedgerError

INDONESIAN = Locale.parse("id")  # parsed once: a locale name given to babel is parsed on every call
SHOWN_CACHE = 512  # days and months shown recently (a turn shows a few, mostly the same ones)


@lru_cache(maxsize=SHOWN_CACHE)
def show_date(day: date) -> str:
    """12 November 2026."""
    return str(format_date(day, "d MMMM y", locale=INDONESIAN))


@lru_cache(maxsize=SHOWN_CACHE)
def show_month(period: date) -> str:
    """November 2026."""
    return str(format_date(period, "MMMM y", locale=INDONESIAN))


def ledger_message(exc: LedgerError, village: str) -> str:
    """The kind Indonesian explanation of a refused ledger change."""
    template = error_words.LEDGER_ERRORS.get(exc.code, error_words.LEDGER_ERRORS["other"])
    bulan = exc.detail.split(" ")[-1] if exc.detail else ""
    if len(bulan) == 7 and bulan[4] == "-":  # a YYYY-MM detail names the month
        bulan = show_month(date(int(bulan[:4]), int(bulan[5:]), 1))
    return template.format(village=village, bulan=bulan)
