"""Twins in a birth line: "dua anak kembar", "kembar 2", "bayi kembar", "kembar tiga". Each baby is
its own report (the ledger counts the persons of each event); the line is the first baby's, and
the next ones are asked after it is saved (handlers/report_flow.py)."""

from __future__ import annotations

import re

from handlers.parsing import NUMBER_UNITS

_COUNT = r"(?:dua|tiga|empat|[234])"
TWINS = re.compile(
    rf"\b(?:(?P<before>{_COUNT})\s+)?(?:(?:anak|bayi)\s+)?(?:kembar|twins?|triplet)\b"
    rf"(?:\s+(?P<after>{_COUNT})\b)?",
    re.IGNORECASE,
)


def read_twins(text: str) -> tuple[int, str, str] | None:
    """How many babies the twins words say, those words, and the text without them; None when the
    text has none. Read after the date, so "kembar 3-11-2026" keeps its date."""
    match = TWINS.search(text)
    if match is None:
        return None
    triplets = "3" if "triplet" in match.group(0).lower() else "2"
    word = (match.group("before") or match.group("after") or triplets).lower()
    count = int(word) if word.isdigit() else NUMBER_UNITS[word]
    return count, match.group(0), text[: match.start()] + " " + text[match.end() :]
