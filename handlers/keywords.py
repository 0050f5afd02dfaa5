"""Words and numbers people type for a choice: the one typo-tolerant matcher that the menu, every list of
choices and the express line's first word share, and numbers typed as digits or as words."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from functools import lru_cache

from handlers.parsing import number_from_words, words

CUTOFF = 0.8  # "lahr", "nihl", "menigal", "pindha" pass; "lahir" vs "batal" does not
MIN_FUZZY = 4  # shorter words ("ya", "l", "p") must be typed exactly
MAX_WORDS = 3  # a longer text is not a keyword (it may be an express line or a name)
LEAD_WORDS = ("lapor ",)  # "lapor lahr" means "lahir"


def closest(text: str, vocabulary: Mapping[str, str]) -> str | None:
    """The value of the vocabulary word typed, exactly or with a small typo; None when no word is
    close or two different values are equally close (a guess between two actions is not made)."""
    typed = words(text)
    for lead in LEAD_WORDS:
        if typed.startswith(lead) and typed not in vocabulary:
            typed = typed.removeprefix(lead)
    if typed in vocabulary:
        return vocabulary[typed]
    if len(typed) < MIN_FUZZY or len(typed.split()) > MAX_WORDS or any(ch.isdigit() for ch in typed):
        return None  # a digit off is another unit or month, never a typo
    return _fuzzy(typed, tuple(vocabulary.items()))


@lru_cache(maxsize=1024)
def _fuzzy(typed: str, items: tuple[tuple[str, str], ...]) -> str | None:
    """The typo-tolerant match, remembered: people type the same few words to the same few
    vocabularies, and difflib's comparisons are most of a menu turn's matching."""
    vocabulary = dict(items)
    close = difflib.get_close_matches(typed, list(vocabulary), n=3, cutoff=CUTOFF)
    if not close:
        return None
    best = difflib.SequenceMatcher(None, typed, close[0]).ratio()
    tied = {vocabulary[w] for w in close if difflib.SequenceMatcher(None, typed, w).ratio() == best}
    return vocabulary[close[0]] if len(tied) == 1 else None


def parse_number(text: str) -> int | None:
    """A whole number typed as ASCII digits ("3") or in words ("tiga", "dua belas", "dua puluh satu");
    None for anything else, superscript and circled digits included ("²", "①": str.isdigit
    accepts them, int does not)."""
    typed = words(text).removesuffix(" orang")
    if typed.isascii() and typed.isdigit():
        return int(typed)
    return number_from_words(typed)
