"""Phone confirmation: staff ask their pemangku to share their own number with the contact button;
a shared contact that is not the sender's own is refused and changes nothing."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update

from bot.messages import OutgoingMessage
from handlers.core import Turn
from handlers.menu import menu
from handlers.staff import no_scope, pekon_of
from handlers.texts import registration_words
from models.audit import record_audit
from models.outbox import enqueue_for_member
from models.person import Member, Role
from models.region import Unit


async def request_phones(turn: Turn) -> list[OutgoingMessage]:
    """Send the contact button to every pemangku of the pekon whose number is not confirmed yet."""
    member, pekon = await pekon_of(turn)
    if pekon is None:
        return no_scope(turn, member)
    pemangku = await turn.session.scalars(
        select(Member.id)
        .join(Unit, Member.unit_id == Unit.id)
        .where(Member.role == Role.PEMANGKU, Unit.pekon_kode == pekon.kode, Member.active.is_(True))
        .where(Member.phone.is_(None))
    )
    ask = OutgoingMessage(
        registration_words.PHONE_ASK.format(staff=member.name), request_contact=True
    ).to_payload()
    asked = 0
    for pemangku_id in pemangku:
        asked += len(await enqueue_for_member(turn.session, pemangku_id, ask))
    return [menu(member, registration_words.PHONE_ASKED.format(count=asked))]


async def confirm_phone(turn: Turn, member: Member) -> list[OutgoingMessage]:
    """Keep the sender's own shared number; refuse anybody else's."""
    phone = turn.message.contact_phone
    if phone is None or not turn.message.contact_is_own:
        return [OutgoingMessage(registration_words.PHONE_NOT_OWN, request_contact=True)]
    await turn.session.execute(update(Member).where(Member.id == member.id).values(phone=phone))
    record_audit(
        turn.session,
        actor_member_id=member.id,
        channel=turn.message.channel,
        action="member.phone",
        entity="member",
        entity_id=member.id,
        before={"phone": member.phone},
        after={"phone": phone},
    )
    saved = menu(member, registration_words.PHONE_SAVED.format(phone=phone))
    return [replace(saved, remove_keyboard=True)]  # the contact button has done its job
