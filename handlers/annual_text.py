"""The annual recap as a short Indonesian text, for chat and the terminal (one message, at most 4096
chars): state, the total's year, Perkembangan Penduduk, a line per row, and the notes."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from handlers.recap_text import MAX_CHARS, show_number
from handlers.texts import annual_words
from models.annual import AnnualRecap, OpenMonth, YearRow
from models.annual_change import Development, development
from models.b3_rows import KINDS


def month_word(period: date, width: str = "MMMM") -> str:
    """A month's name in Indonesian ("Desember", or "Des" with width "MMM")."""
    return str(format_date(period, width, locale="id"))


def show_change(change: float | None) -> str:
    """A percentage change the Indonesian way: "+5,0%", "-33,3%", or "-" when it cannot be said."""
    if change is None:
        return annual_words.ANNUAL_NO_CHANGE
    return f"{format_decimal(change, format='+#,##0.0;-#,##0.0', locale='id')}%"


def show_count(value: int | None) -> str:
    """A count, or "-" when unknown."""
    return annual_words.ANNUAL_UNKNOWN if value is None else show_number(value)


def place_line(recap: AnnualRecap, village_word: str) -> str:
    """The place the recap is of, e.g. "Pekon Trimulyo (18.04.15.2004)"."""
    template = annual_words.ANNUAL_PLACE[recap.level.value]
    return template.format(village=village_word.capitalize(), nama=recap.nama, kode=recap.kode)


def open_months_words(months: list[OpenMonth], village_word: str) -> str:
    """ "November, Desember", or with the count of pekon still open when only some are."""
    words = []
    for month in months:
        name = month_word(month.period)
        if month.expected > 1 and month.open < month.expected:
            name = annual_words.ANNUAL_OPEN_SOME.format(
                bulan=name, open=month.open, expected=month.expected, village=village_word
            )
        words.append(name)
    return ", ".join(words)


def state_line(recap: AnnualRecap, village_word: str) -> str:
    """Final, or provisional naming the months not closed."""
    if not recap.provisional:
        return annual_words.ANNUAL_FINAL.format(tahun=recap.year)
    return annual_words.ANNUAL_PROVISIONAL.format(months=open_months_words(recap.open_months, village_word))


def _figures(row: YearRow) -> list[str]:
    values = {str(kind): show_number(row.moved(kind)) for kind in KINDS}
    return [
        annual_words.ANNUAL_FIGURES.format(
            awal=show_number(row.jiwa("awal")),
            awal_kk=show_number(row.figures["awal_kk"]),
            akhir=show_number(row.jiwa("akhir")),
            akhir_kk=show_number(row.figures["akhir_kk"]),
        ),
        annual_words.ANNUAL_MOVES.format(**values),
    ]


def development_lines(lines: list[Development], year: int) -> list[str]:
    """Perkembangan Penduduk: last year, this year, change."""
    out = [annual_words.ANNUAL_DEVELOPMENT.format(lalu=year - 1, tahun=year)]
    for line in lines:
        out.append(
            annual_words.ANNUAL_DEVELOPMENT_LINE.format(
                label=annual_words.ANNUAL_DEVELOPMENT_LABELS[line.key],
                lalu=show_count(line.last_year),
                ini=show_count(line.this_year),
                change=show_change(line.change),
            )
        )
    return out


def note_lines(recap: AnnualRecap) -> list[str]:
    """Unknown KK-by-sex, units that did not report, and what "last year" means."""
    notes = []
    total = recap.total
    if any(total.heads[name] is None for name in total.heads):
        notes.append(annual_words.ANNUAL_HEADS_UNKNOWN)
    if recap.missed:
        items = [
            annual_words.ANNUAL_MISSED_ITEM.format(
                nama=m.nama, months=", ".join(month_word(p, "MMM") for p in m.periods)
            )
            for m in recap.missed
        ]
        notes.append(annual_words.ANNUAL_MISSED.format(items="; ".join(items)))
    elif total.unit_months_missing:
        notes.append(annual_words.ANNUAL_MISSED_COUNT.format(count=show_number(total.unit_months_missing)))
    if total.first is not None and total.first.month != 1:
        notes.append(
            annual_words.ANNUAL_LAST_YEAR_LATE.format(bulan=month_word(total.first), tahun=recap.year)
        )
    else:
        notes.append(annual_words.ANNUAL_LAST_YEAR_NOTE.format(tahun=recap.year, lalu=recap.year - 1))
    return notes


def _row_lines(no: int, row: YearRow) -> list[str]:
    months = annual_words.ANNUAL_ROW_MONTHS.format(months=row.months) if row.months < 12 else ""
    return [annual_words.ANNUAL_ROW.format(no=no, nama=row.nama, months=months), *_figures(row)]


def render_annual_text(recap: AnnualRecap, *, village_word: str = "pekon") -> str:
    """The year as one readable message; rows are dropped from the end (and counted) past 4096 chars."""
    head = [annual_words.ANNUAL_TITLE.format(tahun=recap.year, place=place_line(recap, village_word))]
    head.append(state_line(recap, village_word))
    if not recap.rows:
        return "\n".join([*head, "", annual_words.ANNUAL_EMPTY.format(tahun=recap.year)])
    total = recap.total
    head += [
        "",
        annual_words.ANNUAL_TOTAL,
        *_figures(total),
        "",
        *development_lines(development(total), recap.year),
    ]
    foot = ["", *note_lines(recap)]
    rows = [_row_lines(no, row) for no, row in enumerate(recap.rows, start=1)]
    shown = len(rows)
    while True:
        more = [annual_words.ANNUAL_MORE.format(count=len(rows) - shown)] if shown < len(rows) else []
        body = [line for block in rows[:shown] for line in block]
        text = "\n".join([*head, "", *body, *more, *foot])
        if len(text) <= MAX_CHARS or shown == 0:
            return text[:MAX_CHARS]
        shown -= 1
