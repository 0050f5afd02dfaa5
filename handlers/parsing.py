"""Reading what people type, in Indonesian: dates, names, places, NIK, L/P, ya/tidak, WNI/WNA."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, timedelta

import dateparser
from stdnum.exceptions import ValidationError
from stdnum.id import nik as stdnum_nik

from handlers.texts import conversation_words, error_words
from models.base import WIB
from models.event import Citizenship, Sex
from models.names import mask_nik

SKIP_WORDS = frozenset(
    {"-", "--", "lewati", "lewat", "skip", "tidak ada", "tdk ada", "gak ada", "tidak tahu", "tidak tau",
     "tdk tahu", "belum ada", "belum punya", "kosong", "0", "x", "tidak", "tdk", "gak", "ga", "nggak",
     "enggak", "tak", "no", "ga ada", "nggak ada", "tidak punya"}
)  # fmt: skip  # at "Ketik - bila tidak ada", a plain "tidak" means there is none
SEX_WORDS = {
    Sex.L: {"l", "lk", "laki", "laki-laki", "laki laki", "lakilaki", "pria", "cowok", "lelaki"},
    Sex.P: {"p", "pr", "prp", "perempuan", "wanita", "cewek", "perem"},
}
YES_WORDS = frozenset({"ya", "y", "iya", "iy", "yes", "ok", "oke", "betul", "benar", "bener", "setuju"})
NO_WORDS = frozenset({"tidak", "tdk", "t", "no", "n", "bukan", "enggak", "nggak", "gak", "ga", "tak"})
MENUS = (
    conversation_words.MENU_PEMANGKU,
    conversation_words.MENU_STAFF,
    conversation_words.MENU_CAMAT,
    conversation_words.MENU_KABUPATEN,
)
COMMAND_WORDS = frozenset(
    {
        w.lstrip("/")
        for w in (
            *conversation_words.WORDS_CANCEL,
            *conversation_words.WORDS_BACK,
            *conversation_words.WORDS_MENU,
            *conversation_words.WORDS_HELP,
        )
    }
    | {*conversation_words.WORDS_CHANGE, *conversation_words.COMMAND_WORDS_EXTRA, *YES_WORDS, *NO_WORDS}
    | {key for menu in MENUS for key in menu}
    | {label.lower() for menu in MENUS for label in menu.values()}
)  # "simpan", "kirim", "batal", "ya", "status", "Lapor Lahir": the bot's vocabulary, never a name
# How people spell the relative days ("kemaren" is as common as "kemarin"): one list, read as a date in
# answers and in express lines alike, so a day word never ends up in a name or passes for a kind word.
DAY_SPELLINGS = {"kmrn": "kemarin", "kmrin": "kemarin", "kemaren": "kemarin", "kmaren": "kemarin",
                 "kmren": "kemarin", "kmarin": "kemarin", "kemrin": "kemarin", "kemarn": "kemarin",
                 "kemarenan": "kemarin", "hr ini": "hari ini", "hri ini": "hari ini", "td": "tadi",
                 "semalem": "semalam", "smalam": "semalam", "tadi malem": "tadi malam",
                 "td malam": "tadi malam"}  # fmt: skip
DATE_WORD_FIXES = DAY_SPELLINGS | {"agust": "agustus", "sept": "september", "okt": "oktober",
                                   "des": "desember", "pebruari": "februari", "nopember": "november",
                                   "nop": "november"}  # fmt: skip
DATE_NOISE = re.compile(r"^(?:tgl|tanggal|tg)\.?\s*", re.IGNORECASE)
DROPPED_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co", "Cf", "Cn"})  # emoji, pictographs, joiners
NAME_PATTERN = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .,'`-])*$")
OLDEST = date(1900, 1, 1)
NIK_RUN = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)", re.ASCII)  # 16 digits, maybe grouped
PARENT_WORD = re.compile(r"^(?:ibu|ayah|bapak|bpk)\s+(?=\S)", re.IGNORECASE)
PREPOSITION = re.compile(r"^(?:di|ke|dari|asal|tujuan|menuju)\s+(?=\S)", re.IGNORECASE)
NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{4}|\d{2}))?$", re.ASCII)
WORDED_DATE = re.compile(r"^(?P<day>\d{1,2})\s+(?P<month>[a-z]+)\.?(?:\s+(?P<year>\d{4}|\d{2}))?$", re.ASCII)
RELATIVE_DAYS = {"hari ini": 0, "tadi": 0, "kemarin": 1, "semalam": 1, "tadi malam": 1, "kemarin lusa": 2}
DAY_WORDS = frozenset(RELATIVE_DAYS) | frozenset(DAY_SPELLINGS)  # every spelling of a relative day
# "kemarin sore", "tadi pagi": the part of the day does not change the date
TIME_OF_DAY = re.compile(r"(?<=\S)\s+(?:pagi|siang|sore|petang|malam|subuh|dini hari)$")
NUMBER_UNITS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
                "sembilan": 9}  # fmt: skip
NUMBER_TENS = {"sepuluh": 10, "sebelas": 11, "seratus": 100}
# Words that say what someone is, never who: "dua anak kembar", "bayi", "tiga orang", "laki-laki". A
# name made of these alone (or with the bot's own words) is no name; "kembar" in it is twins, each
# reported alone. A word of a real name among them keeps it ("Anak Agung Putri").
TWIN_WORDS = frozenset({"kembar", "kembaran", "kembarnya", "triplet", "twins", "twin"})
DESCRIBING_WORDS = (
    TWIN_WORDS
    | {"anak", "bayi", "orok", "jabang", "orang", "jiwa", "seorang", "belas", "puluh", "ke", "dan", "nya"}
    | {*NUMBER_UNITS, *NUMBER_TENS, "pertama", "kedua", "ketiga", "keempat"}
    | {word for options in SEX_WORDS.values() for word in options}
)
NAME_SPLIT = re.compile(r"[\s.,'`-]+")
_UNIT_WORDS = "|".join(NUMBER_UNITS)
# a day of the month in words ("dua", "dua belas", "dua puluh satu"), longest reading first
_UNIT = rf"(?:{_UNIT_WORDS})"
SPELLED_DAY = rf"(?:{_UNIT}\s+puluh(?:\s+{_UNIT})?|{_UNIT}\s+belas|sepuluh|sebelas|{_UNIT})"
_SPELLED = re.compile(rf"\b{SPELLED_DAY}\b")
MONTH_WORDS = (
    ("januari",), ("februari", "pebruari", "peb"), ("maret",), ("april",), ("mei",), ("juni",), ("juli",),
    ("agustus", "agst", "ags"), ("september",), ("oktober",), ("november", "nopember"), ("desember",),
)  # fmt: skip
MONTH_TITLES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
                "Oktober", "November", "Desember")  # fmt: skip


class Invalid(Exception):
    """A typed answer that cannot be used; `code` picks the kind explanation in texts, `details`
    fill it in (the day and month of an impossible date)."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details

    @property
    def text(self) -> str:
        """The kind explanation a person reads."""
        return error_words.ERRORS[self.code].format(**self.details)


def words(text: str) -> str:
    """Lower case, single spaces, trailing punctuation removed."""
    return " ".join(text.lower().split()).strip(" .!?,")


def is_skip(text: str) -> bool:
    """Whether the person says they do not have this (optional) value."""
    return words(text) in SKIP_WORDS


def parse_date(text: str, now: datetime) -> date:
    """A date typed in the common Indonesian forms, relative words counted from now in WIB."""
    cleaned = DATE_NOISE.sub("", words(text))
    cleaned = " ".join(DATE_WORD_FIXES.get(w, w) for w in cleaned.split())
    cleaned = DATE_WORD_FIXES.get(cleaned, cleaned)
    cleaned = _SPELLED.sub(lambda found: str(number_from_words(found.group(0))), cleaned)  # "dua nov"
    if cleaned not in RELATIVE_DAYS:
        cleaned = TIME_OF_DAY.sub("", cleaned)
    if any(ch.isdigit() and not ch.isascii() for ch in cleaned):  # "²-11-2026": not a date to read
        raise Invalid("date_format")
    base = now.astimezone(WIB).replace(tzinfo=None)
    day = _quick_date(cleaned, base.date())
    if day is None:
        day = _dateparser_date(cleaned, base)
    if day > base.date():
        raise Invalid("date_future")
    if day < OLDEST:
        raise Invalid("date_old")
    return day


def number_from_words(typed: str) -> int | None:
    """A whole number written in words ("tiga", "dua belas", "dua puluh satu"), else None."""
    parts = typed.split()
    if len(parts) == 1:
        return NUMBER_UNITS.get(typed, NUMBER_TENS.get(typed))
    if len(parts) == 2 and parts[1] == "belas" and parts[0] in NUMBER_UNITS:
        return 10 + NUMBER_UNITS[parts[0]]
    if 2 <= len(parts) <= 3 and parts[1] == "puluh" and parts[0] in NUMBER_UNITS:
        rest = NUMBER_UNITS.get(parts[2]) if len(parts) == 3 else 0
        return None if rest is None else 10 * NUMBER_UNITS[parts[0]] + rest
    return None


def _quick_date(cleaned: str, today: date) -> date | None:
    """The commonest forms (12-11-2026, 12/11/26, 12 nov 2026, kemarin) without dateparser's cost."""
    if cleaned in RELATIVE_DAYS:
        return today - timedelta(days=RELATIVE_DAYS[cleaned])
    if numeric := NUMERIC_DATE.match(cleaned):
        day, month, year = numeric.groups()
        given = _full_year(int(year), today) if year else None  # "3/11": the latest 3 November
        return _calendar_date(int(day), int(month), given, today)
    worded = WORDED_DATE.match(cleaned)
    named = month_number(worded["month"]) if worded else None
    if worded and named:
        given = _full_year(int(worded["year"]), today) if worded["year"] else None
        return _calendar_date(int(worded["day"]), named, given, today)
    return None


def _full_year(year: int, today: date) -> int:
    if year < 100:  # two digits: this century unless that is in the future
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def _calendar_date(day: int, month: int, year: int | None, today: date) -> date:
    """The date, or why it cannot be: no such month, or no such day in that month ("31 februari")."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise Invalid("date_format")
    candidates = [year] if year is not None else [today.year, today.year - 1]
    for candidate in candidates:  # without a year: the latest one not in the future
        try:
            found = date(candidate, month, day)
        except ValueError:
            continue
        if year is not None or found <= today:
            return found
    last = calendar.monthrange(candidates[0], month)[1]
    raise Invalid("date_no_day", day=day, month=MONTH_TITLES[month - 1], year=candidates[0], last=last)


def month_number(word: str) -> int | None:
    """1-12 for a month's name as people write it ("nov", "Nopember", "agust", "peb"), else None."""
    word = word.lower().rstrip(".")
    for number, names in enumerate(MONTH_WORDS, 1):
        if len(word) >= 3 and any(name.startswith(word) or word.startswith(name) for name in names):
            return number
    return None


def _dateparser_date(cleaned: str, base: datetime) -> date:
    settings = {
        "DATE_ORDER": "DMY",
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "REQUIRE_PARTS": ["day", "month"],
    }
    parsed = dateparser.parse(cleaned, languages=["id"], settings=settings) if cleaned else None
    if parsed is None:
        raise Invalid("date_format")
    day: date = parsed.date()
    return day


def parse_sex(text: str) -> Sex:
    """L or P from the many ways people say it."""
    typed = words(text)
    for sex, options in SEX_WORDS.items():
        if typed in options:
            return sex
    raise Invalid("sex")


def parse_yes_no(text: str) -> bool:
    """Ya or tidak."""
    typed = words(text)
    if typed in YES_WORDS:
        return True
    if typed in NO_WORDS:
        return False
    raise Invalid("yes_no")


def parse_citizenship(text: str) -> Citizenship:
    """WNI or WNA (also "indonesia" / "asing")."""
    typed = words(text)
    if typed in {"wni", "indonesia", "i", "ind"}:
        return Citizenship.WNI
    if typed in {"wna", "asing", "a", "luar negeri"}:
        return Citizenship.WNA
    raise Invalid("citizenship")


def parse_name(text: str) -> str:
    """A person's name: letters with spaces, dots, commas, apostrophes and dashes; case kept."""
    name = " ".join(text.split()).strip(" ,")
    if len(name) < 2 or len(name) > 100:
        raise Invalid("name_length")
    parts = set(NAME_SPLIT.split(words(name))) - {""}
    if parts & TWIN_WORDS:  # "kembar 2" too: the twins are the point, not the digit
        raise Invalid("name_twins")
    if not NAME_PATTERN.match(name):
        raise Invalid("name_chars")
    if words(name) in COMMAND_WORDS:
        raise Invalid("name_command", word=name)
    if parts <= DESCRIBING_WORDS | COMMAND_WORDS:
        raise Invalid("name_words", word=name)
    return name


def parse_parent(text: str) -> str:
    """A mother's or father's name without the word that introduces it ("ibu Sari" is Sari), as the
    express line reads "ibu Sari ayah Joko"."""
    return parse_name(PARENT_WORD.sub("", " ".join(text.split())))


def parse_place(text: str) -> str:
    """A place: free text with at least one letter, not too long, without its preposition ("ke
    Pringsewu" is Pringsewu, in the guided answer as in the express line) and never holding a NIK."""
    place = PREPOSITION.sub("", " ".join(without_symbols(text).split()).strip(" ,;:"))
    if NIK_RUN.search(place):
        raise Invalid("place_nik")
    if len(place) < 2 or len(place) > 120 or not any(ch.isalpha() for ch in place):
        raise Invalid("place")
    return place


def without_symbols(text: str) -> str:
    """Text without emoji and other pictographs (a place goes into the books as words): symbols,
    format characters (zero-width joiners) and variation selectors removed."""
    kept = (ch for ch in text if unicodedata.category(ch) not in DROPPED_CATEGORIES and not _selector(ch))
    return "".join(kept)


def _selector(ch: str) -> bool:
    """A variation selector (the invisible "show as emoji" mark after ❤ or ☺)."""
    return "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"


def mask_free_text(text: str) -> str:
    """Free text as shown in chat: every run of 16 digits (a NIK) masked like a NIK."""
    return NIK_RUN.sub(lambda run: mask_nik(re.sub(r"\D", "", run.group(0))), text)


def parse_nik(text: str) -> str:
    """A 16-digit NIK (spaces, dots, dashes allowed), checked with python-stdnum."""
    digits = stdnum_nik.compact(text)
    if not (digits.isascii() and digits.isdigit()):  # "²" is a digit to str.isdigit, not to int
        raise Invalid("nik_digits")
    if len(digits) != 16:
        raise Invalid("nik_length")
    try:
        stdnum_nik.validate(digits)
    except ValidationError as exc:
        raise Invalid("nik_invalid") from exc
    if digits.endswith("0000"):
        raise Invalid("nik_invalid")
    return digits


def nik_sex(nik: str) -> Sex:
    """The sex a NIK encodes (40 is added to the day for women)."""
    return Sex.P if int(nik[6:8]) > 40 else Sex.L


def nik_warnings(nik: str, sex: str | None, birth_date: date | None) -> list[str]:
    """Codes of disagreements between a NIK and what was typed: warnings, not errors."""
    found = []
    if sex is not None and nik_sex(nik) != sex:
        found.append("nik_sex")
    if birth_date is not None:
        day, month, year = int(nik[6:8]) % 40, int(nik[8:10]), int(nik[10:12])
        if (day, month, year) != (birth_date.day, birth_date.month, birth_date.year % 100):
            found.append("nik_birth_date")
    return found
