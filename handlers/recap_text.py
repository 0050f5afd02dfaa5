"""The B.3 of a pekon as a short Indonesian text for chat and terminal (one message, at most 4096 chars)."""

from __future__ import annotations

from babel.dates import format_date
from babel.numbers import format_decimal

from handlers.texts import month_words, staff_words
from models.b3_rows import GROUPS, KINDS, B3Row, B3Table

MAX_CHARS = 4096  # Telegram's message limit; WhatsApp allows more
MAX_NAMES = 20  # missing units named in full; the rest are counted


def show_number(value: int) -> str:
    """A count the Indonesian way, with a dot between thousands: 1.085 (the one format of every
    number in chat and in the documents)."""
    return str(format_decimal(value, format="#,##0", locale="id"))


def month_name(table: B3Table) -> str:
    """The table's month in Indonesian, e.g. "November 2026"."""
    return str(format_date(table.period, "MMMM y", locale="id"))


def moved(row: B3Row, kind: str) -> int:
    """Persons of one kind of event in a row, all citizenships and sexes together."""
    return sum(row.figures[f"{kind}_{g}"] for g in GROUPS)


def status_words(row: B3Row, closed: bool = False) -> str:
    """The keterangan codes of a row in words, e.g. "sudah kirim, terlambat"; a missing report is
    "belum lapor" while the month is open and "tidak lapor" once it is closed."""
    words = {**staff_words.RECAP_STATUS, "missing": month_words.MISSING_WORD[closed]}
    return ", ".join(words.get(code, code) for code in row.keterangan)


def _numbers(row: B3Row, closed: bool = False) -> dict[str, object]:
    figures = {str(kind): show_number(moved(row, kind)) for kind in KINDS}
    return {
        "no": row.no,
        "nama": row.nama,
        "status": status_words(row, closed),
        "awal": show_number(row.awal_jiwa),
        "awal_kk": show_number(row.figures["awal_kk"]),
        "akhir": show_number(row.akhir_jiwa),
        "akhir_kk": show_number(row.figures["akhir_kk"]),
        **figures,
    }


def _full(row: B3Row, closed: bool) -> list[str]:
    values = _numbers(row, closed)
    return [
        staff_words.RECAP_UNIT_LINE.format(**values),
        staff_words.RECAP_FIGURES.format(**values),
        staff_words.RECAP_MOVES.format(**values),
    ]


def _compact(row: B3Row, closed: bool) -> list[str]:
    return [staff_words.RECAP_COMPACT_LINE.format(**_numbers(row, closed))]


def _header(table: B3Table, pekon_nama: str, village_word: str) -> list[str]:
    title = staff_words.RECAP_TITLE.format(
        village=village_word.capitalize(), nama=pekon_nama or table.pekon_kode, kode=table.pekon_kode
    )
    state = staff_words.RECAP_MONTH_CLOSED if table.closed else staff_words.RECAP_MONTH_OPEN
    return [title, state.format(bulan=month_name(table), revision=table.revision), ""]


def _names(names: list[str]) -> str:
    if len(names) <= MAX_NAMES:
        return ", ".join(names)
    return staff_words.RECAP_MISSING_MORE.format(
        names=", ".join(names[:MAX_NAMES]), count=len(names) - MAX_NAMES
    )


def _footer(table: B3Table) -> list[str]:
    total = table.total
    values = _numbers(total)
    f = total.figures
    lines = [
        staff_words.RECAP_TOTAL,
        staff_words.RECAP_FIGURES.format(**values),
        staff_words.RECAP_MOVES.format(**values),
        staff_words.RECAP_TOTAL_SEX.format(
            l=show_number(f["akhir_wna_l"] + f["akhir_wni_l"]),
            p=show_number(f["akhir_wna_p"] + f["akhir_wni_p"]),
            wna=show_number(f["akhir_wna_l"] + f["akhir_wna_p"]),
        ),
        "",
    ]
    missing = [r.nama for r in table.rows if "missing" in r.keterangan]
    if missing:
        word = month_words.MISSING_WORD[table.closed].capitalize()
        lines.append(
            staff_words.RECAP_MISSING.format(missing_word=word, count=len(missing), names=_names(missing))
        )
    elif table.rows:
        lines.append(staff_words.RECAP_ALL_REPORTED)
    return lines


def _assemble(head: list[str], body: list[str], foot: list[str]) -> str:
    return "\n".join([*head, *body, "", *foot]).strip()


def render_b3_text(table: B3Table, *, pekon_nama: str = "", village_word: str = "pekon") -> str:
    """B.3 as a readable message: one block per unit, the total, and who has not reported."""
    head, foot = _header(table, pekon_nama, village_word), _footer(table)
    if not table.rows:
        return _assemble(head, [staff_words.RECAP_NO_UNITS], foot)
    full = [line for row in table.rows for line in _full(row, table.closed)]
    text = _assemble(head, full, foot)
    if len(text) <= MAX_CHARS:
        return text
    compact = [line for row in table.rows for line in _compact(row, table.closed)]
    shown = len(compact)
    while shown > 0:
        more = [staff_words.RECAP_MORE.format(count=len(compact) - shown)] if shown < len(compact) else []
        text = _assemble(head, compact[:shown] + more, foot)
        if len(text) <= MAX_CHARS:
            return text
        shown -= 1
    return text[:MAX_CHARS]
