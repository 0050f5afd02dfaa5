"""Registration: `/start KODE` (Telegram deep link) or `DAFTAR KODE` binds a sender to an invite."""

from __future__ import annotations

import re

from bot.messages import OutgoingMessage
from handlers.core import Turn
from handlers.menu import menu
from handlers.texts import registration_words
from models.invites import InviteError, redeem_invite
from models.person import Member, Role
from models.region import Kecamatan, Pekon

COMMAND = re.compile(r"^\s*(?:/start|daftar)\b[\s:]*(?P<code>.*)$", re.IGNORECASE | re.DOTALL)


def registration_code(text: str) -> str | None:
    """The code of a registration command ("" when the command came without one), else None."""
    found = COMMAND.match(text)
    return found.group("code").strip() if found else None


async def register(turn: Turn, code: str) -> list[OutgoingMessage]:
    """Redeem the code and greet the new member with their menu."""
    village = turn.config.village_word
    if not code:
        return [OutgoingMessage(text=registration_words.REGISTER_NEED_CODE)]
    try:
        redeemed = await redeem_invite(
            turn.session,
            code,
            channel=turn.message.channel,
            address=turn.message.sender_id,
            display_name=turn.message.sender_name,
            now=turn.now,
        )
    except InviteError as exc:
        refused = registration_words.REGISTER_REFUSED[exc.code]
        return [OutgoingMessage(text=refused.format(village=village, **await _whose(turn)))]
    turn.identity = redeemed.identity
    turn.state.clear()
    member = redeemed.member
    return [menu(member, await welcome(turn, member))]


async def _whose(turn: Turn) -> dict[str, str]:
    """Who the sender already is, for the refusal of a second code (empty when nobody yet)."""
    member, account = turn.member, account_word(turn)
    if member is None:  # registered a moment ago by another of their messages
        return {"account": account, "name": turn.message.sender_name or "-", "scope": ""}
    return {"account": account, "name": member.name, "scope": await registered_as(turn, member)}


def unregistered(turn: Turn) -> OutgoingMessage:
    """How to register, told to a sender nobody invited yet."""
    return OutgoingMessage(
        registration_words.UNREGISTERED.format(village=turn.config.village_word, account=account_word(turn))
    )


def account_word(turn: Turn) -> str:
    """What identifies the sender on their channel ("Akun Telegram ini", "Nomor WhatsApp ini")."""
    return registration_words.ACCOUNT_WORDS.get(
        str(turn.message.channel), registration_words.ACCOUNT_WORDS["console"]
    )


async def welcome(turn: Turn, member: Member) -> str:
    """The greeting naming the member's role and scope."""
    return registration_words.WELCOME.format(name=member.name, scope=await registered_as(turn, member))


async def registered_as(turn: Turn, member: Member) -> str:
    """What the member is registered for ("Anda terdaftar untuk Pemangku 1, pekon Trimulyo.")."""
    village, said = turn.config.village_word, registration_words.REGISTERED_AS
    if member.role == Role.PEMANGKU and member.unit is not None:
        unit = member.unit
        return said["pemangku"].format(unit=unit.nama, village=village, pekon=unit.pekon.nama)
    if member.role == Role.STAFF and member.pekon_kode:
        pekon = await turn.session.get(Pekon, member.pekon_kode)
        return said["staff"].format(village=village, pekon=pekon.nama if pekon else "")
    if member.role == Role.CAMAT and member.kecamatan_kode:
        kec = await turn.session.get(Kecamatan, member.kecamatan_kode)
        return said["camat"].format(kecamatan=kec.nama if kec else "")
    return said["admin"]
