"""Names as printed: stored as typed (the audit keeps what was typed), shown in proper case everywhere,
in chat and in the books, by this one function."""

from __future__ import annotations

import re

PARTICLES = frozenset({"bin", "binti", "van", "de"})  # kept in lower case inside a name
LETTERS = re.compile(r"[^\W\d_]+")


def proper_name(name: str) -> str:
    """Each word capitalised when it was typed all in lower or all in upper case ("nur hasanah" ->
    "Nur Hasanah", "SITI" -> "Siti"); a word typed in mixed case ("McDonald") is kept as typed."""
    return " ".join(_proper_word(word) for word in name.split())


def _proper_word(word: str) -> str:
    if word.lower() in PARTICLES:
        return word.lower()
    if not (word.islower() or word.isupper()):
        return word
    return LETTERS.sub(lambda part: part.group(0).capitalize(), word)


def mask_nik(nik: str | None) -> str:
    """A NIK as everyone is shown it (chat, books, pages): all but the last 4 digits hidden."""
    return "-" if not nik else "*" * (len(nik) - 4) + nik[-4:]
