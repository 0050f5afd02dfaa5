"""People who use the bot: their role and scope, their chat identities, and one-time invites."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, CreatedAt
from models.region import Unit


class Role(StrEnum):
    """What a member may do; the scope column that matters follows from it."""

    PEMANGKU = "pemangku"  # scope: unit_id
    STAFF = "staff"  # scope: pekon_kode
    CAMAT = "camat"  # scope: kecamatan_kode
    KABUPATEN = "kabupaten"  # scope: kabupaten_kode (Dinas PMD/DPMP); sees the dashboard
    ADMIN = "admin"  # scope: everything


class Member(CreatedAt, Base):
    """A person with one role and one scope."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    pekon_kode: Mapped[str | None] = mapped_column(ForeignKey("pekon.kode"), index=True)
    kecamatan_kode: Mapped[str | None] = mapped_column(ForeignKey("kecamatan.kode"), index=True)
    kabupaten_kode: Mapped[str | None] = mapped_column(String(5), index=True)  # PP.KK
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164, confirmed by a shared contact
    active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit | None] = relationship(lazy="joined")


class Channel(StrEnum):
    """The ways a person talks to the bot."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    CONSOLE = "console"


class Identity(CreatedAt, Base):
    """One chat address of a member: a Telegram user id, a WhatsApp number, a console name."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(120))
    reachable: Mapped[bool] = mapped_column(default=True)  # false after Telegram 403 (blocked)
    last_inbound_at: Mapped[datetime | None]  # opens WhatsApp's 24-hour window

    member: Mapped[Member] = relationship(lazy="joined")


class Invite(CreatedAt, Base):
    """A one-time registration code for a role and scope."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    pekon_kode: Mapped[str | None] = mapped_column(ForeignKey("pekon.kode"))
    kecamatan_kode: Mapped[str | None] = mapped_column(ForeignKey("kecamatan.kode"))
    kabupaten_kode: Mapped[str | None] = mapped_column(String(5))
    name: Mapped[str | None] = mapped_column(String(120))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    created_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))


class RegistrationAttempt(CreatedAt, Base):
    """A try at an invite code, kept to slow down guessing."""

    __tablename__ = "registration_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool]
