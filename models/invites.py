"""One-time invite codes: created by staff or the CLI, redeemed once by a chat sender."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import record_audit
from models.base import utcnow
from models.person import Identity, Invite, Member, RegistrationAttempt, Role
from models.region import Kecamatan, Pekon, Unit

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z)
CODE_LENGTH = 8
MAX_FAILURES = 5  # failed tries per address ...
FAILURE_WINDOW = timedelta(hours=1)  # ... within this window before further tries are refused
GLOBAL_MAX_FAILURES = 30  # failed tries from all addresses together ...
GLOBAL_WINDOW = timedelta(minutes=1)  # ... within this window before every try waits
NAME_MAX: int = Invite.__table__.c.name.type.length  # type: ignore[attr-defined]


class InviteError(Exception):
    """A refused invite: `code` is what the sender may learn, `reason` what staff may see.

    Codes: unknown (any code that cannot be used, whatever the reason: unknown, used or expired, so
    a guesser learns nothing), throttled, busy (too many failed tries from everyone), registered,
    scope, name (too long).
    """

    def __init__(self, code: str, reason: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.reason = reason or code


@dataclass(frozen=True)
class Redeemed:
    """The member and identity a successful redemption created."""

    member: Member
    identity: Identity


def normalise_code(typed: str) -> str:
    """Upper case, spaces and dashes removed: how people type a code they read."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """The code as shown to people: two groups of four."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


async def _check_scope(
    session: AsyncSession,
    role: Role,
    unit_id: int | None,
    pekon_kode: str | None,
    kecamatan_kode: str | None,
    kabupaten_kode: str | None = None,
) -> None:
    needed = {
        Role.PEMANGKU: (Unit, unit_id),
        Role.STAFF: (Pekon, pekon_kode),
        Role.CAMAT: (Kecamatan, kecamatan_kode),
    }.get(role)
    if needed is not None and (needed[1] is None or await session.get(needed[0], needed[1]) is None):
        raise InviteError("scope")
    if role == Role.KABUPATEN and not await _kabupaten_known(session, kabupaten_kode):
        raise InviteError("scope")


async def _kabupaten_known(session: AsyncSession, kode: str | None) -> bool:
    """A kabupaten (PP.KK) is known when one of its kecamatan is."""
    if kode is None:
        return False
    found = await session.scalar(select(Kecamatan.kode).where(Kecamatan.kode.startswith(kode + ".")).limit(1))
    return found is not None


async def create_invite(
    session: AsyncSession,
    role: Role,
    *,
    unit_id: int | None = None,
    pekon_kode: str | None = None,
    kecamatan_kode: str | None = None,
    kabupaten_kode: str | None = None,
    name: str | None = None,
    ttl: timedelta = timedelta(days=14),
    created_by: int | None = None,
    now: datetime | None = None,
) -> Invite:
    """A new invite for a role and its scope (pemangku: unit, staff: pekon, camat: kecamatan)."""
    now = now or utcnow()
    name = " ".join(name.split()) if name else None
    if name and len(name) > NAME_MAX:
        raise InviteError("name")
    await _check_scope(session, role, unit_id, pekon_kode, kecamatan_kode, kabupaten_kode)
    if role == Role.PEMANGKU and unit_id is not None:
        unit = await session.get(Unit, unit_id)
        pekon_kode = unit.pekon_kode if unit else pekon_kode
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if await session.scalar(select(Invite.id).where(Invite.code == code)) is None:
            break
    invite = Invite(
        code=code,
        role=role,
        unit_id=unit_id,
        pekon_kode=pekon_kode,
        kecamatan_kode=kecamatan_kode,
        kabupaten_kode=kabupaten_kode,
        name=name,
        expires_at=now + ttl,
        created_by_member_id=created_by,
    )
    session.add(invite)
    await session.flush()
    record_audit(
        session,
        actor_member_id=created_by,
        channel="system" if created_by is None else "chat",
        action="invite.create",
        entity="invite",
        entity_id=invite.id,
        after={
            "role": role,
            "unit_id": unit_id,
            "pekon": pekon_kode,
            "kecamatan": kecamatan_kode,
            "kabupaten": kabupaten_kode,
        },
    )
    return invite


async def recent_failures(session: AsyncSession, channel: str, address: str, now: datetime) -> int:
    """Failed tries of this address within the throttling window."""
    count = await session.scalar(
        select(func.count(RegistrationAttempt.id)).where(
            RegistrationAttempt.channel == channel,
            RegistrationAttempt.address == address,
            RegistrationAttempt.succeeded.is_(False),
            RegistrationAttempt.created_at > now - FAILURE_WINDOW,
        )
    )
    return int(count or 0)


async def everyone_throttled(session: AsyncSession, now: datetime) -> bool:
    """True when GLOBAL_MAX_FAILURES tries failed within GLOBAL_WINDOW, from any address.

    Reads the newest failures by primary key (no scan of the whole table): the limit is reached when
    the GLOBAL_MAX_FAILURES-th newest failure is inside the window.
    """
    nth = await session.scalar(
        select(RegistrationAttempt.created_at)
        .where(RegistrationAttempt.succeeded.is_(False))
        .order_by(RegistrationAttempt.id.desc())
        .offset(GLOBAL_MAX_FAILURES - 1)
        .limit(1)
    )
    return nth is not None and nth > now - GLOBAL_WINDOW


async def redeem_invite(
    session: AsyncSession,
    typed_code: str,
    *,
    channel: str,
    address: str,
    display_name: str | None = None,
    now: datetime | None = None,
) -> Redeemed:
    """Bind a sender to the invite's role and scope; raises InviteError when refused.

    Every try is recorded; after MAX_FAILURES failures within FAILURE_WINDOW the address is
    refused without even looking at the code, which makes guessing slow.
    """
    now = now or utcnow()
    if await recent_failures(session, channel, address, now) >= MAX_FAILURES:
        raise InviteError("throttled")
    if await everyone_throttled(session, now):
        raise InviteError("busy")
    existing = await session.scalar(
        select(Identity).where(Identity.channel == channel, Identity.address == address)
    )
    if existing is not None and existing.member.active:
        raise InviteError("registered")
    invite = await session.scalar(
        select(Invite).where(Invite.code == normalise_code(typed_code)).with_for_update()
    )
    refusal = _refusal(invite, now)
    session.add(
        RegistrationAttempt(channel=channel, address=address, succeeded=refusal is None, created_at=now)
    )
    if refusal is not None:
        await session.flush()
        raise InviteError("unknown", refusal)
    assert invite is not None
    return await _bind(session, invite, channel, address, display_name, existing, now)


def _refusal(invite: Invite | None, now: datetime) -> str | None:
    if invite is None:
        return "unknown"
    state = invite_state(invite, now)
    return None if state == "open" else state


def invite_state(invite: Invite, now: datetime) -> str:
    """open, used or expired: what staff see about an invite (the sender only learns it is unusable)."""
    if invite.used_at is not None:
        return "used"
    return "expired" if invite.expires_at <= now else "open"


async def _bind(
    session: AsyncSession,
    invite: Invite,
    channel: str,
    address: str,
    display_name: str | None,
    existing: Identity | None,
    now: datetime,
) -> Redeemed:
    member = Member(
        name=invite.name or display_name or "Pengguna",
        role=invite.role,
        unit_id=invite.unit_id,
        pekon_kode=invite.pekon_kode,
        kecamatan_kode=invite.kecamatan_kode,
        kabupaten_kode=invite.kabupaten_kode,
    )
    session.add(member)
    await session.flush()
    if existing is not None:  # a deactivated identity is taken over by the new member
        existing.member_id, existing.member = member.id, member
        identity = existing
    else:
        identity = Identity(member_id=member.id, channel=channel, address=address, display_name=display_name)
        session.add(identity)
    invite.used_at, invite.used_by_member_id = now, member.id
    await session.flush()
    await session.refresh(member, ["unit"])
    record_audit(
        session,
        actor_member_id=member.id,
        channel=channel,
        action="invite.redeem",
        entity="invite",
        entity_id=invite.id,
        after={"member_id": member.id, "role": member.role},
    )
    return Redeemed(member=member, identity=identity)


@dataclass(frozen=True)
class InviteView:
    """One invite as staff see it: why a code can no longer be used is shown here, never to the sender."""

    code: str
    role: str
    scope: str  # unit, pekon or kecamatan code
    name: str | None
    state: str  # open | used | expired
    expires_at: datetime
    used_at: datetime | None
    used_by: str | None


async def list_invites(
    session: AsyncSession, now: datetime, *, pekon_kode: str | None = None, code: str | None = None
) -> list[InviteView]:
    """Invites of a pekon (pemangku and staff), or the one with `code`, or all; newest first."""
    query = select(Invite, Unit.kode, Member.name).outerjoin(Unit, Unit.id == Invite.unit_id)
    query = query.outerjoin(Member, Member.id == Invite.used_by_member_id).order_by(Invite.id.desc())
    if pekon_kode is not None:
        query = query.where(Invite.pekon_kode == pekon_kode)
    if code is not None:
        query = query.where(Invite.code == normalise_code(code))
    return [
        InviteView(
            code=invite.code,
            role=invite.role,
            scope=unit_kode or invite.pekon_kode or invite.kecamatan_kode or invite.kabupaten_kode or "-",
            name=invite.name,
            state=invite_state(invite, now),
            expires_at=invite.expires_at,
            used_at=invite.used_at,
            used_by=used_by,
        )
        for invite, unit_kode, used_by in (await session.execute(query)).tuples()
    ]
