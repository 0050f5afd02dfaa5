"""Showing values to people: dates and months in Indonesian, NIK masked."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from handlers import texts
from models.ledger import LedgerError


def show_date(day: date) -> str:
    """12 November 2026."""
    return str(format_date(day, "d MMMM y", locale="id"))


def show_month(period: date) -> str:
    """November 2026."""
    return str(format_date(period, "MMMM y", locale="id"))


def ledger_message(exc: LedgerError, village: str) -> str:
    """The kind Indonesian explanation of a refused ledger change."""
    template = texts.LEDGER_ERRORS.get(exc.code, texts.LEDGER_ERRORS["other"])
    bulan = exc.detail.split(" ")[-1] if exc.detail else ""
    if len(bulan) == 7 and bulan[4] == "-":  # a YYYY-MM detail names the month
        bulan = show_month(date(int(bulan[:4]), int(bulan[5:]), 1))
    return template.format(village=village, bulan=bulan)
