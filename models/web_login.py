"""Dashboard sign-in: one-time links issued in chat, and the sessions they open (tokens kept hashed)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.audit import record_audit
from models.base import Base, CreatedAt
from models.person import Member, Role

LINK_TTL = timedelta(minutes=10)
SESSION_IDLE = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often (one UPDATE per minute)
DASHBOARD_ROLES = (Role.STAFF, Role.CAMAT, Role.KABUPATEN, Role.ADMIN)


class WebLink(CreatedAt, Base):
    """A one-time sign-in link: valid LINK_TTL, used once."""

    __tablename__ = "web_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSession(CreatedAt, Base):
    """A signed-in browser: ends after SESSION_IDLE without a request, or on Keluar."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


def token_hash(token: str) -> str:
    """The stored form of a token: a leaked table opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Scope:
    """What a signed-in person may see: one pekon, kecamatan or kabupaten code, or everything."""

    level: str  # pekon | kecamatan | kabupaten | all
    kode: str | None

    def covers(self, kode: str) -> bool:
        """Whether a region code (kabupaten PP.KK, kecamatan PP.KK.CC or pekon PP.KK.CC.DDDD) is inside."""
        if self.kode is None:
            return self.level == "all"
        return kode == self.kode or kode.startswith(self.kode + ".")

    def sees(self, kode: str) -> bool:
        """Whether a region is inside the scope or above it (a camat sees the kabupaten's name)."""
        return self.covers(kode) or (self.kode is not None and self.kode.startswith(kode + "."))


def member_scope(member: Member) -> Scope | None:
    """The dashboard scope of a member's role; None for roles without a dashboard."""
    scopes = {
        Role.STAFF: ("pekon", member.pekon_kode),
        Role.CAMAT: ("kecamatan", member.kecamatan_kode),
        Role.KABUPATEN: ("kabupaten", member.kabupaten_kode),
        Role.ADMIN: ("all", None),
    }
    level, kode = scopes.get(Role(member.role), ("", None))
    if not level or (level != "all" and kode is None):
        return None
    return Scope(level, kode)


async def issue_link(session: AsyncSession, member: Member, now: datetime, channel: str) -> str:
    """A new one-time sign-in token for the member (the caller builds the URL)."""
    token = secrets.token_urlsafe(32)
    link = WebLink(token_hash=token_hash(token), member_id=member.id, expires_at=now + LINK_TTL)
    session.add(link)
    await session.flush()
    record_audit(
        session, actor_member_id=member.id, channel=channel, action="web.link", entity="web_link",
        entity_id=link.id,
    )  # fmt: skip
    return token


@dataclass(frozen=True)
class Opened:
    """A session just opened: the cookie token and the member."""

    token: str
    member: Member


async def redeem_link(session: AsyncSession, token: str, now: datetime) -> Opened | None:
    """Use a link once and open a session; None when unknown, used or expired (all alike)."""
    used = await session.scalar(
        update(WebLink)
        .where(WebLink.token_hash == token_hash(token), WebLink.used_at.is_(None), WebLink.expires_at > now)
        .values(used_at=now)
        .returning(WebLink.member_id)
    )  # one statement: two browsers racing for a link cannot both win
    member = None if used is None else await session.get(Member, used)
    if member is None or not member.active or member_scope(member) is None:
        return None
    cookie = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=token_hash(cookie), member_id=member.id, csrf=secrets.token_urlsafe(24),
            last_seen_at=now,
        )
    )  # fmt: skip
    record_audit(session, actor_member_id=member.id, channel="web", action="web.signin", entity="member",
                 entity_id=member.id)  # fmt: skip
    return Opened(cookie, member)


async def current_session(
    session: AsyncSession, token: str, now: datetime, *, touch: bool = True
) -> tuple[WebSession, Member] | None:
    """The live session of a cookie token, touched (unless a read-only caller touches it later with
    touch_session); None when unknown, ended or idle too long."""
    found = (
        await session.execute(
            select(WebSession, Member)
            .join(Member, Member.id == WebSession.member_id)
            .where(WebSession.token_hash == token_hash(token), WebSession.ended_at.is_(None))
        )
    ).first()
    if found is None:
        return None
    web, member = found
    if now - web.last_seen_at >= SESSION_IDLE or not member.active:
        return None
    if touch and needs_touch(web, now):
        web.last_seen_at = now
    return web, member


def needs_touch(web: WebSession, now: datetime) -> bool:
    """Whether the session's last_seen_at is due to be written (at most once per TOUCH_EVERY)."""
    return now - web.last_seen_at >= TOUCH_EVERY


async def touch_session(session: AsyncSession, web_id: int, now: datetime) -> None:
    """Write a session's last_seen_at (for a request read in a read-only session)."""
    await session.execute(update(WebSession).where(WebSession.id == web_id).values(last_seen_at=now))


async def end_session(session: AsyncSession, web: WebSession, now: datetime) -> None:
    """Keluar: the session ends now and its cookie opens nothing any more."""
    web.ended_at = now
    record_audit(session, actor_member_id=web.member_id, channel="web", action="web.signout",
                 entity="member", entity_id=web.member_id)  # fmt: skip


LOGIN_PATH = "/dasbor/masuk/"


def login_url(public_url: str, token: str) -> str:
    """The sign-in link under the public base URL."""
    return public_url.rstrip("/") + LOGIN_PATH + token
