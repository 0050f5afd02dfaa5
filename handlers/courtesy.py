"""Greetings, politeness and filler around what people mean: "Assalamualaikum pak" on a line before a
report, "Selamat pagi, lapor pak: meninggal ...", "Tabik pun" (Lampung), "terima kasih" after it.

Around a report they are dropped (`without_courtesy`): lines made only of them, the words before the
report's first word, and a closing thanks. Inside a report they are never touched ("Selamat" is a
name too). Alone, a greeting is answered in kind (`greeting`).
"""

from __future__ import annotations

import re
import unicodedata

from handlers.parsing import without_symbols

SALAM = frozenset({"assalamualaikum", "asalamualaikum", "assalamualaikom", "assalamu", "asalamu",
                   "alaikum", "alaikom", "askum", "aslm", "ass", "salam", "wassalam", "wassalamualaikum",
                   "warahmatullahi", "warahmatullah", "wabarakatuh", "wr", "wb", "wrwb"})  # fmt: skip
TABIK = frozenset({"tabik", "tabikpun", "pun"})  # Lampung: "tabik pun"
HELLO = frozenset({"halo", "hallo", "helo", "hai", "hi", "selamat", "slamat", "slmt", "met", "pagi", "siang",
                   "sore", "malam", "petang", "permisi", "punten", "izin", "ijin", "om", "swastiastu",
                   "swastyastu", "sampurasun"})  # fmt: skip
ADDRESS = frozenset({"pak", "bapak", "bpk", "bu", "ibu", "buk", "mas", "mbak", "kak", "bang", "min", "admin",
                     "semua", "rekan"})  # fmt: skip
POLITE = frozenset({"mohon", "lapor", "melapor", "melaporkan", "mau", "ingin", "saya", "kami", "maaf",
                    "numpang", "dan"})  # fmt: skip
THANKS = frozenset({"terima", "kasih", "terimakasih", "makasih", "trims", "tks", "thanks", "thx", "tq",
                    "matur", "nuwun", "suwun", "banyak", "wassalam", "wassalamualaikum", "wr", "wb",
                    "wrwb"})  # fmt: skip
# An acknowledgement of what the bot said ("ok pak", "siap", "baik bu"): no answer to any question.
# "baik" and "siap" may be surnames, so they count only as a line's first word ("Pak Baik" is a name).
OKAY = frozenset({"ok", "oke", "okay", "okey", "okee", "okeh", "oce", "sip", "noted"})
OKAY_FIRST = frozenset({"siap", "baik", "baiklah"})
# "Kasih" is a name too: thanks alone needs one of these ("terima kasih", "makasih", "tks", "suwun")
THANKING = THANKS - {"kasih", "banyak", "matur", "wr", "wb", "wrwb"}
ACKNOWLEDGING = OKAY | OKAY_FIRST | THANKING
# Emoji that answer "ok?" (a thumb, a tick, a handshake) or thank (🙏), in any skin tone. A smiley
# (😊 🙂 ☺) is a feeling, no answer: it gets the kind "emoji alone" answer and the question again.
ACK_EMOJI = {"👍": "ok", "👌": "ok", "✅": "ok", "✔": "ok", "🤝": "ok", "🙏": "thanks"}
# Variation selectors (U+FE0F: "show as emoji") and skin tones belong to the emoji before them.
MARKS = "\ufe00-\ufe0f\U0001f3fb-\U0001f3ff"
JOINER = "\u200d"  # joins emoji into one (👨‍👩‍👧 is one family, not three people)
ONE_EMOJI = rf"[^\s{MARKS}{JOINER}][{MARKS}]*"  # a character and its marks
EMOJI = re.compile(rf"{ONE_EMOJI}(?:{JOINER}{ONE_EMOJI})*|[{MARKS}{JOINER}]+")  # or marks alone
COURTESY = SALAM | TABIK | HELLO | ADDRESS | POLITE | THANKS
CLOSING = THANKS | ADDRESS  # what may follow a report's last word: "..., terima kasih pak"
# Mid-question a greeting must be one: "Pak Salam" answers "Nama ayah?", "Selamat" may be a name
STRONG = (SALAM | TABIK | HELLO) - {"salam", "selamat", "slamat", "om", "izin", "ijin", "pun"}
TOKEN = re.compile(r"\S+")


def _word(token: str) -> str:
    """A token as a courtesy word: letters only ("Assalamu'alaikum," -> "assalamualaikum")."""
    return re.sub(r"[^a-z]", "", token.lower())


def _courteous(token: str, words: frozenset[str] = COURTESY) -> bool:
    """A courtesy word, or bare punctuation ("," "!!"; never "-", which answers "none")."""
    word = _word(token)
    return word in words if word else "-" not in token and not any(ch.isdigit() for ch in token)


def _only_courtesy(line: str) -> bool:
    return all(_courteous(token) for token in line.split())


def without_courtesy(text: str) -> tuple[str, list[str]]:
    """The text without the greeting lines, the words before its first meaningful word, and a
    closing thanks (only thanks and forms of address, so a name's last word stays); and what was
    dropped, to be shown as read."""
    lines = [line for line in without_symbols(text).splitlines() if line.strip()]
    kept = [line for line in lines if not _only_courtesy(line)]
    if not kept:
        return text, []
    dropped = [line for line in lines if _only_courtesy(line)]
    first = next((m.start() for m in TOKEN.finditer(kept[0]) if not _courteous(m.group(0))), 0)
    dropped.append(kept[0][:first])
    kept[0] = kept[0][first:]
    tokens = list(TOKEN.finditer(kept[-1]))
    closing = len(tokens)
    while closing > 1 and _courteous(tokens[closing - 1].group(0), CLOSING):
        closing -= 1
    if any(_word(t.group(0)) in THANKS for t in tokens[closing:]):
        dropped.append(kept[-1][tokens[closing].start() :])
        kept[-1] = kept[-1][: tokens[closing].start()].rstrip(" ,;.!")
    return "\n".join(kept), [piece.strip() for piece in dropped if piece.strip()]


def greeting(text: str, in_flow: bool) -> str | None:
    """ "salam", "tabik" or "hello" when the text is a greeting alone (with forms of address and
    politeness), "thanks" for thanks alone, else None. While a question waits, only an unmistakable
    greeting counts."""
    words = [_word(token) for token in text.split()]
    if not words or not _only_courtesy(text):
        return None
    core = STRONG if in_flow else SALAM | TABIK | HELLO
    if not any(word in core for word in words):
        return "thanks" if any(word in THANKS for word in words) else None
    if any(word in SALAM for word in words):
        return "salam"
    return "tabik" if any(word in TABIK for word in words) else "hello"


def acknowledgement(text: str) -> str | None:
    """ "thanks" when the text is only thanks ("makasih pak 🙏"), "ok" when it is only an
    acknowledgement ("ok", "siap pak", "baik bu", "👍"), with forms of address and emoji; else None.
    Such a line answers no question: "Terima Kasih" is no father's name and "Ok" nobody's."""
    tokens = without_symbols(text).split()
    words = [word for word in map(_word, tokens) if word]
    emoji = [ACK_EMOJI.get(found) for found in _emoji(text)]
    acknowledging = ADDRESS | POLITE | THANKS | ACKNOWLEDGING
    if None in emoji or not all(_courteous(token, acknowledging) for token in tokens):
        return None
    if words and words[0] not in ACKNOWLEDGING and OKAY_FIRST & set(words):
        return None  # "Pak Baik" names someone
    if any(word in THANKING for word in words) or ("thanks" in emoji and not words):
        return "thanks"
    return "ok" if ACKNOWLEDGING & set(words) or (emoji and not words) else None


def _emoji(text: str) -> list[str]:
    """The emoji of a text, each without its marks: "👍🏽" is 👍, "☺️" ☺, "👨‍👩‍👧" 👨👩👧 (one
    emoji); a mark standing alone ("👍 🏽") is an emoji of its own, "" (none known)."""
    found = []
    for match in EMOJI.finditer(text):
        sequence = match.group(0)
        if without_symbols(sequence):
            continue  # a letter, digit or punctuation mark (its marks dropped): read as words
        found.append(re.sub(f"[{MARKS}{JOINER}]", "", sequence))
    return found


def emoji_only(text: str) -> bool:
    """Emoji or other pictographs, with at most punctuation around them ("🎉🎉", "😊!!", "👌🏽"): no
    letter or digit to read. A "-" is an answer ("none"), so it is never part of such a text."""
    rest = without_symbols(text)
    pictured = any(unicodedata.category(ch) in ("So", "Sk") for ch in text)
    return pictured and all(ch.isspace() or _punctuation(ch) for ch in rest)


def _punctuation(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P") and ch != "-"
