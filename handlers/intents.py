"""What staff and the camat ask in their own words: "siapa belum", "yang belum lapor", "status pekon",
"laporan bulan ini", "rekap oktober". One small vocabulary of phrases per intent, read with the
shared typo-tolerant matcher (handlers/keywords.py), a month allowed after the phrase; a phrase
that is as close to two intents names neither (no guessing between two actions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handlers.keywords import closest
from handlers.month_names import parse_month_name
from handlers.parsing import words
from models.person import Role

# Words that colour a question without changing it ("tolong lihat yang belum lapor dong").
FILLERS = frozenset({"yang", "saja", "aja", "sih", "dong", "deh", "ya", "tolong", "coba", "mohon", "minta",
                     "lihat", "liat", "cek", "apa", "kah", "mana"})  # fmt: skip
_NOT_YET = ("belum", "siapa belum", "siapa belum lapor", "belum lapor", "belum lapor siapa",
            "siapa belum kirim", "belum kirim", "belum kirim siapa", "siapa sudah lapor", "sudah lapor siapa",
            "kelengkapan", "sudah lengkap", "kelengkapan laporan")  # fmt: skip
_STATUS = ("status", "status laporan", "status bulan", "status bulan ini")
_RECAP = ("rekap", "rekapan", "rekapitulasi", "rekap laporan", "rekap bulan", "laporan", "laporan bulanan",
          "b3", "b.3", "buku b3", "jumlah penduduk", "rekap penduduk")  # fmt: skip
_LIST = ("siapa lapor", "siapa lapor apa", "dilaporkan", "siapa dilaporkan", "siapa saja dilaporkan",
         "nama dilaporkan", "daftar dilaporkan")  # fmt: skip
_PLACES = ("pekon", "desa", "kampung", "kelurahan", "kecamatan")


def _with_places(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """ "status" -> also "status pekon", "pekon belum lapor" (the village word is configurable)."""
    placed = [f"{p} {place}" for p in phrases for place in _PLACES]
    placed += [f"{place} {p}" for p in phrases if p.startswith(("belum", "sudah")) for place in _PLACES]
    return (*phrases, *placed)


_STATUS_PHRASES = _with_places(_NOT_YET + _STATUS)


def _vocabulary(*groups: tuple[tuple[str, ...], str]) -> dict[str, str]:
    """phrase -> action, phrases read as a typed line is (fillers dropped)."""
    return {_content(phrase): action for phrases, action in groups for phrase in phrases}


def _content(text: str) -> str:
    """The words of a line that carry its meaning: lower case, without fillers."""
    return " ".join(w for w in words(text).lstrip("/").split() if w not in FILLERS)


PHRASES: dict[str, dict[str, str]] = {
    Role.STAFF: _vocabulary((_STATUS_PHRASES, "status"), (_RECAP, "rekap"), (_LIST, "daftar")),
    Role.CAMAT: _vocabulary((_STATUS_PHRASES + _RECAP, "status")),
}


@dataclass(frozen=True)
class Intent:
    """An action of the role's menu, with the month named after the phrase (if any)."""

    action: str
    month: str | None


def read_intent(text: str, role: str, today: date) -> Intent | None:
    """The intent of a line ("siapa yang belum lapor oktober" -> status, "oktober"), or None."""
    vocabulary = PHRASES.get(role)
    if not vocabulary:
        return None
    tokens = _content(text).split()
    for cut in range(len(tokens), 0, -1):  # the longest phrase first, a month after it
        head, tail = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        if tail and parse_month_name(tail, today) is None:
            continue
        action = closest(head, vocabulary)
        if action is not None:
            return Intent(action, tail or None)
    return None
