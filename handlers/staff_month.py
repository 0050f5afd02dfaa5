"""Staff actions that change things: invite a pemangku, close the month, reopen it; camat status."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.messages import OutgoingMessage
from handlers.core import Turn
from handlers.menu import choices, menu, pick, said
from handlers.months import asked_period, staff_period
from handlers.parsing import Invalid, mask_free_text, parse_name, words
from handlers.show import ledger_message, show_date, show_month
from handlers.staff import no_scope, pekon_of
from handlers.texts import conversation_words, error_words, report_words, staff_words
from handlers.unit_status import PekonStatus, pekon_statuses, unit_statuses
from models.base import WIB, add_months, month_of, wib_date
from models.invites import create_invite, format_code
from models.ledger import LedgerError
from models.months import close_months, latest_closed, reopen_month
from models.mutasi import first_period
from models.period import MonthStatus
from models.person import Member, Role
from models.recap import month_state
from models.region import Kecamatan, Pekon, Unit

INVITE_FLOW = "invite"
CLOSE_FLOW = "close"
REOPEN_WORDS = ("buka bulan", "buka")


async def start_invite(turn: Turn) -> list[OutgoingMessage]:
    """Ask which unit the new pemangku is for."""
    member, pekon = await pekon_of(turn)
    if pekon is None:
        return no_scope(turn, member)
    units = await turn.session.scalars(select(Unit).where(Unit.pekon_kode == pekon.kode).order_by(Unit.seq))
    turn.state.go(INVITE_FLOW, "unit", units={str(u.id): u.nama for u in units})
    return invite_prompt(turn)


def invite_prompt(turn: Turn) -> list[OutgoingMessage]:
    """The invite flow's question again (the name's with a note when the unit has a pemangku)."""
    if turn.state.step == "unit":
        return [OutgoingMessage(staff_words.STAFF_INVITE_UNIT, choices(turn.state.data["units"]))]
    present = turn.state.data.get("present")
    note = staff_words.STAFF_INVITE_HAS_PEMANGKU.format(**present) if present else ""
    return [OutgoingMessage(note + staff_words.STAFF_INVITE_NAME)]


async def turn_in_invite(turn: Turn) -> list[OutgoingMessage]:
    """Unit, then the pemangku's name, then the code."""
    member = turn.member
    assert member is not None
    if not turn.text and turn.message.choice_id is None:
        return invite_prompt(turn)
    if said(turn, conversation_words.WORDS_BACK):
        return await start_invite(turn) if turn.state.step == "name" else [_cleared(turn)]
    if turn.state.step == "unit":
        chosen = pick(turn, choices(turn.state.data["units"]))
        if chosen is None:
            return [OutgoingMessage(error_words.ERRORS["choice"]), *invite_prompt(turn)]
        turn.state.data["unit"] = int(chosen)
        turn.state.data["present"] = await _present_pemangku(turn, int(chosen))
        turn.state.step = "name"
        return invite_prompt(turn)
    try:
        name = parse_name(turn.text)
    except Invalid as exc:
        return [OutgoingMessage(exc.text), *invite_prompt(turn)]
    unit = await turn.session.get(Unit, turn.state.data["unit"])
    if unit is None or unit.pekon_kode != member.pekon_kode:  # never another pekon's unit
        return [_cleared(turn)]
    ttl = timedelta(days=turn.config.invite_ttl_days)
    invite = await create_invite(
        turn.session, Role.PEMANGKU, unit_id=unit.id, name=name, ttl=ttl, created_by=member.id, now=turn.now
    )
    turn.state.clear()
    text = staff_words.STAFF_INVITE_DONE.format(
        name=name,
        unit=unit.nama,
        code=format_code(invite.code),
        sampai=show_date(invite.expires_at.astimezone(WIB).date()),
    )
    bot = turn.config.telegram_bot_username
    if bot:  # the deep link the CLI prints too: one tap registers on Telegram
        text += "\n" + staff_words.STAFF_INVITE_LINK.format(bot=bot.lstrip("@"), code=invite.code)
    return [menu(member, text)]


async def _present_pemangku(turn: Turn, unit_id: int) -> dict[str, str] | None:
    """The unit and its active pemangku's names, when it has any (the invite adds one more)."""
    rows = await turn.session.execute(
        select(Unit.nama, Member.name)
        .join(Member, Member.unit_id == Unit.id)
        .where(Unit.id == unit_id, Member.role == Role.PEMANGKU, Member.active.is_(True))
        .order_by(Member.id)
    )
    found = rows.all()
    return {"unit": found[0][0], "names": ", ".join(name for _, name in found)} if found else None


def _cleared(turn: Turn) -> OutgoingMessage:
    turn.state.clear()
    assert turn.member is not None
    return menu(turn.member)


async def start_close(turn: Turn) -> list[OutgoingMessage]:
    """Close the month once every unit submitted or said NIHIL; asks to confirm first."""
    member, pekon = await pekon_of(turn)
    if pekon is None:
        return no_scope(turn, member)
    period = await staff_period(turn.session, pekon.kode, turn.now)
    bulan = show_month(period)
    state = await month_state(turn.session, pekon.kode, period)
    if state is not None and state.status == MonthStatus.CLOSED:
        return [menu(member, staff_words.STAFF_CLOSE_ALREADY.format(bulan=bulan))]
    if period >= month_of(wib_date(turn.now)):  # the running month cannot be closed yet
        return [menu(member, staff_words.STAFF_CLOSE_RUNNING.format(bulan=bulan))]
    missing = [
        s.unit.nama for s in await unit_statuses(turn.session, pekon.kode, period) if s.status == "missing"
    ]
    if missing:
        return [menu(member, staff_words.STAFF_CLOSE_MISSING.format(bulan=bulan, units=", ".join(missing)))]
    lead = staff_words.STAFF_CLOSE_CONFIRM.format(
        bulan=bulan, village=turn.config.village_word, pekon=pekon.nama
    )
    turn.state.go(CLOSE_FLOW, "confirm", period=period.isoformat(), lead=lead)
    return close_prompt(turn)


def close_prompt(turn: Turn) -> list[OutgoingMessage]:
    """The closing confirmation again."""
    return [OutgoingMessage(turn.state.data["lead"], choices(report_words.YES_NO_CHOICES))]


async def turn_in_close(turn: Turn) -> list[OutgoingMessage]:
    """Ya closes the month (the recap is delivered by the jobs' pass), Tidak leaves it open."""
    member = turn.member
    assert member is not None and member.pekon_kode is not None
    if not turn.text and turn.message.choice_id is None:
        return close_prompt(turn)
    chosen = pick(turn, choices(report_words.YES_NO_CHOICES))
    if chosen is None:
        return [OutgoingMessage(error_words.ERRORS["yes_no"]), *close_prompt(turn)]
    period = date.fromisoformat(turn.state.data["period"])
    turn.state.clear()
    if chosen == report_words.NO:
        return [menu(member)]
    try:
        async with turn.session.begin_nested():
            await close_months(
                turn.session,
                period,
                [member.pekon_kode],
                actor_id=member.id,
                channel=turn.message.channel,
                now=turn.now,
            )
    except LedgerError as exc:
        return [menu(member, ledger_message(exc, turn.config.village_word))]
    return [menu(member, staff_words.STAFF_CLOSE_DONE.format(bulan=show_month(period)))]


def reopen_reason(text: str) -> str | None:
    """The reason of a "buka bulan <alasan>" command, "" without one; None for other text."""
    typed = words(text)
    for word in REOPEN_WORDS:
        if typed == word or typed.startswith(word + " "):
            return mask_free_text(" ".join(text.split())[len(word) :].strip(" :,-"))
    return None


async def reopen(turn: Turn, reason: str) -> list[OutgoingMessage]:
    """Reopen the pekon's latest closed month, with a reason."""
    member, pekon = await pekon_of(turn)
    if pekon is None:
        return no_scope(turn, member)
    if len(reason) < 3:
        return [menu(member, staff_words.STAFF_REOPEN_NEED_REASON)]
    period = await latest_closed(turn.session, pekon.kode)
    if period is None:
        return [menu(member, staff_words.STAFF_REOPEN_NONE)]
    try:
        async with turn.session.begin_nested():
            await reopen_month(
                turn.session,
                pekon_kode=pekon.kode,
                period=period,
                actor_id=member.id,
                channel=turn.message.channel,
                reason=reason,
                now=turn.now,
            )
    except LedgerError as exc:
        return [menu(member, ledger_message(exc, turn.config.village_word))]
    return [menu(member, staff_words.STAFF_REOPEN_DONE.format(bulan=show_month(period), reason=reason))]


async def camat_status(turn: Turn, asked: str | None = None) -> list[OutgoingMessage]:
    """Every pekon of the kecamatan: how many units reported the month (the previous one unless
    named, never before the kecamatan's first month of data), and its closing."""
    member = turn.member
    assert member is not None
    kecamatan = await turn.session.get(Kecamatan, member.kecamatan_kode) if member.kecamatan_kode else None
    if kecamatan is None:
        return no_scope(turn, member)
    kodes = list(await turn.session.scalars(select(Pekon.kode).where(Pekon.kecamatan_kode == kecamatan.kode)))
    if not kodes:
        return [menu(member, staff_words.CAMAT_EMPTY.format(village=turn.config.village_word))]
    period = await _camat_period(turn, kodes, asked)
    if isinstance(period, str):
        return [menu(member, period)]
    statuses = await pekon_statuses(turn.session, kecamatan.kode, period)
    lines = [staff_words.CAMAT_TITLE.format(bulan=show_month(period), kecamatan=kecamatan.nama)]
    lines += [_camat_line(n, s) for n, s in enumerate(statuses, 1)]
    return [OutgoingMessage("\n".join(lines))]  # the menu only where the person is back at it


async def _camat_period(turn: Turn, kodes: list[str], asked: str | None) -> date | str:
    if asked is not None:
        return await asked_period(turn.session, kodes, turn.now, asked)
    period = add_months(month_of(wib_date(turn.now)), -1)
    first = await first_period(turn.session, *kodes)
    return period if first is None else max(period, first)


def _camat_line(no: int, status: PekonStatus) -> str:
    """A pekon's line: units reported, or that it has no units yet, or from which month it reports."""
    if status.total == 0:
        starts = status.starts
        tail = (
            staff_words.CAMAT_NOT_STARTED.format(bulan=show_month(starts))
            if starts
            else staff_words.CAMAT_NO_UNITS
        )
        return f"{no}. {status.pekon.nama}{tail}"
    return staff_words.CAMAT_LINE.format(
        no=no,
        pekon=status.pekon.nama,
        done=status.done,
        total=status.total,
        closed=staff_words.CAMAT_CLOSED if status.closed else "",
    )
