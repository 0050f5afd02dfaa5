"""Staff and the camat ask for the year in chat: "rekap tahun 2026", "rekap tahunan", "rekap tahun lalu".

Staff get their pekon's year (a row per unit), the camat the kecamatan's (a row per pekon), a kabupaten
user the kabupaten's (a row per kecamatan); the text is
the one the CLI prints, from models.annual, the one annual computation."""

from __future__ import annotations

from bot.messages import OutgoingMessage
from handlers.annual_text import render_annual_text
from handlers.core import Turn
from handlers.menu import menu
from handlers.month_names import parse_year
from handlers.staff import no_scope
from handlers.texts import annual_words
from models.annual import Level, annual_recap
from models.base import wib_date
from models.person import Role


async def staff_annual(turn: Turn, asked: str) -> list[OutgoingMessage]:
    """The year of the sender's pekon (staff), kecamatan (camat) or kabupaten as one message."""
    member = turn.member
    assert member is not None
    today = wib_date(turn.now)
    year = parse_year(asked, today)
    if year is None:
        return [menu(member, annual_words.ANNUAL_BAD_YEAR)]
    if member.role == Role.CAMAT:
        level, kode = Level.KECAMATAN, member.kecamatan_kode
    elif member.role == Role.KABUPATEN:
        level, kode = Level.KABUPATEN, member.kabupaten_kode
    else:
        level, kode = Level.PEKON, member.pekon_kode
    if kode is None:
        return no_scope(turn, member)
    try:
        recap = await annual_recap(turn.session, year, level, kode)
    except LookupError:
        return no_scope(turn, member)
    if not recap.rows:
        return [menu(member, annual_words.ANNUAL_ASK_YEAR.format(tahun=year))]
    return [OutgoingMessage(render_annual_text(recap, village_word=turn.config.village_word))]
