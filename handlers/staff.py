"""Staff of a pekon: status per unit, the recap, who reported what, invites, closing the month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.messages import OutgoingMessage
from handlers.core import Turn
from handlers.menu import menu
from handlers.months import asked_period, staff_period
from handlers.recap_text import render_b3_text
from handlers.show import show_date, show_month
from handlers.texts import month_words, report_words, staff_words
from handlers.unit_status import unit_statuses
from models.audit import record_audit
from models.event import Action, Event, EventPerson
from models.names import mask_nik, proper_name
from models.period import MonthStatus
from models.person import Member
from models.recap import compute_b3, month_state
from models.region import Pekon, Unit

MAX_LISTED = 60


async def pekon_of(turn: Turn) -> tuple[Member, Pekon | None]:
    member = turn.member
    assert member is not None
    pekon = await turn.session.get(Pekon, member.pekon_kode) if member.pekon_kode else None
    return member, pekon


def no_scope(turn: Turn, member: Member) -> list[OutgoingMessage]:
    return [menu(member, staff_words.STAFF_NO_SCOPE.format(village=turn.config.village_word))]


async def pekon_period(turn: Turn, pekon: Pekon, asked: str | None) -> date | str:
    """The month the person named, else the month staff work on; or why the named one is not shown."""
    if asked is None:
        return await staff_period(turn.session, pekon.kode, turn.now)
    return await asked_period(turn.session, [pekon.kode], turn.now, asked)


async def staff_status(turn: Turn, asked: str | None = None) -> list[OutgoingMessage]:
    """Each unit of the pekon: submitted, nihil or missing (and late / additions after submitting)."""
    member, pekon = await pekon_of(turn)
    if pekon is None:
        return no_scope(turn, member)
    period = await pekon_period(turn, pekon, asked)
    if isinstance(period, str):
        return [menu(member, period)]
    statuses = await unit_statuses(turn.session, pekon.kode, period)
    state = await month_state(turn.session, pekon.kode, period)
    closed = state is not None and state.status == MonthStatus.CLOSED
    lines = [
        staff_words.STAFF_STATUS_TITLE.format(
            bulan=show_month(period),
            village=turn.config.village_word,
            pekon=pekon.nama,
            closed=staff_words.STAFF_STATUS_CLOSED if closed else "",
        )
    ]
    said = {**staff_words.STAFF_STATUS_WORDS, "missing": month_words.MISSING_WORD[closed].upper()}
    for n, item in enumerate(statuses, 1):
        words = [said[item.status]]
        words += [said[flag] for flag in item.flags]
        lines.append(staff_words.STAFF_STATUS_LINE.format(no=n, unit=item.unit.nama, status=", ".join(words)))
    missing = [s.unit.nama for s in statuses if s.status == "missing"]
    lines.append(
        staff_words.STAFF_STATUS_SUMMARY.format(
            done=len(statuses) - len(missing), total=len(statuses), missing=", ".join(missing) or "-"
        )
    )
    return [OutgoingMessage("\n".join(lines))]  # the menu only where the person is back at it


async def staff_recap(turn: Turn, asked: str | None = None) -> list[OutgoingMessage]:
    """The B.3 of the month as text."""
    member, pekon = await pekon_of(turn)
    if pekon is None:
        return no_scope(turn, member)
    period = await pekon_period(turn, pekon, asked)
    if isinstance(period, str):
        return [menu(member, period)]
    table = await compute_b3(turn.session, pekon.kode, period)
    text = render_b3_text(table, pekon_nama=pekon.nama, village_word=turn.config.village_word)
    return [OutgoingMessage(text)]


async def staff_list(turn: Turn, asked: str | None = None) -> list[OutgoingMessage]:
    """Who reported what this month: names, NIK masked; the view is audited."""
    member, pekon = await pekon_of(turn)
    if pekon is None:
        return no_scope(turn, member)
    period = await pekon_period(turn, pekon, asked)
    if isinstance(period, str):
        return [menu(member, period)]
    lines = await named_lines(turn.session, pekon.kode, period)
    record_audit(
        turn.session,
        actor_member_id=member.id,
        channel=turn.message.channel,
        action="list.view",
        entity="pekon",
        entity_id=pekon.kode,
        after={"list": "siapa_lapor_apa", "period": period.isoformat(), "rows": len(lines)},
    )
    bulan = show_month(period)
    if not lines:
        return [menu(member, staff_words.STAFF_LIST_EMPTY.format(bulan=bulan))]
    title = staff_words.STAFF_LIST_TITLE.format(
        bulan=bulan, village=turn.config.village_word, pekon=pekon.nama
    )
    return [OutgoingMessage("\n".join([title, *lines]))]


async def named_lines(session: AsyncSession, pekon_kode: str, period: date) -> list[str]:
    """One line per person reported in the pekon's month, standing versions only, NIK masked."""
    newer = aliased(Event)
    reporter = aliased(Member)
    rows = await session.execute(
        select(EventPerson, Event, Unit.nama, reporter.name)
        .join(Event, EventPerson.event_id == Event.id)
        .join(Unit, Event.unit_id == Unit.id)
        .outerjoin(reporter, Event.reporter_id == reporter.id)
        .where(Event.pekon_kode == pekon_kode, Event.period == period, Event.action != Action.CANCEL)
        .where(EventPerson.sign > 0)
        .where(~select(newer.id).where(newer.correction_of_id == Event.id).exists())
        .order_by(Unit.seq, Event.id, EventPerson.id)
        .limit(MAX_LISTED)
    )
    return [
        staff_words.STAFF_LIST_LINE.format(
            no=n,
            unit=unit_name,
            kind=report_words.KIND_NAMES[event.kind],
            name=proper_name(person.name),
            sex=person.sex,
            nik=mask_nik(person.nik),
            tanggal=show_date(event.event_date),
            reporter=reporter_name or "-",
            receipt=event.receipt,
        )
        for n, (person, event, unit_name, reporter_name) in enumerate(rows, 1)
    ]
