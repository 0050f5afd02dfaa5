"""The append-only ledger of population events.

An event is a header (what, where, when, who reported) and one or more person lines. Each line
carries a sign: +1 for a reported person, -1 for the reversal of a person line that a correction
replaces. The B.3 arithmetic is a plain SUM over the signed lines of a period, so a correction never
edits history: it appends the reversal and the replacement to the open month.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, CreatedAt


class EventKind(StrEnum):
    """The four kinds of mutasi penduduk."""

    LAHIR = "lahir"
    MENINGGAL = "meninggal"
    DATANG = "datang"
    PINDAH = "pindah"


class Action(StrEnum):
    """Why an event row exists."""

    REPORT = "report"
    CORRECT = "correct"
    CANCEL = "cancel"


class Sex(StrEnum):
    """Jenis kelamin."""

    L = "L"
    P = "P"


class Citizenship(StrEnum):
    """Kewarganegaraan."""

    WNI = "WNI"
    WNA = "WNA"


class Event(CreatedAt, Base):
    """One report (or correction) of a unit, counted in `period`."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt: Mapped[str] = mapped_column(String(24), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    pekon_kode: Mapped[str] = mapped_column(ForeignKey("pekon.kode"))
    kind: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16), default=Action.REPORT)
    period: Mapped[date] = mapped_column(Date)  # the month it counts in (first day)
    event_date: Mapped[date] = mapped_column(Date)  # tanggal peristiwa
    reported_at: Mapped[datetime]  # tanggal lapor (UTC instant)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    channel: Mapped[str] = mapped_column(String(16))
    susulan: Mapped[bool] = mapped_column(default=False)  # its real month was already closed
    after_submit: Mapped[bool] = mapped_column(default=False)  # arrived after the unit had submitted
    correction_of_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)

    persons: Mapped[list[EventPerson]] = relationship(
        back_populates="event", lazy="selectin", order_by="EventPerson.id"
    )

    __table_args__ = (Index("ix_event_pekon_period", "pekon_kode", "period"),)


class EventPerson(Base):
    """A person line of an event, denormalised (unit, period, kind) for set-based aggregation."""

    __tablename__ = "event_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    pekon_kode: Mapped[str] = mapped_column(String(13))
    period: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    sign: Mapped[int] = mapped_column(SmallInteger, default=1)
    name: Mapped[str] = mapped_column(String(120))
    name_norm: Mapped[str] = mapped_column(String(120), index=True)
    sex: Mapped[str] = mapped_column(String(1))
    citizenship: Mapped[str] = mapped_column(String(3), default=Citizenship.WNI)
    is_head: Mapped[bool] = mapped_column(default=False)  # kepala keluarga
    birth_place: Mapped[str | None] = mapped_column(String(120))
    birth_date: Mapped[date | None] = mapped_column(Date)
    nik: Mapped[str | None] = mapped_column(String(16))
    kk_number: Mapped[str | None] = mapped_column(String(16))
    father_name: Mapped[str | None] = mapped_column(String(120))
    mother_name: Mapped[str | None] = mapped_column(String(120))
    origin: Mapped[str | None] = mapped_column(String(200))  # datang dari
    destination: Mapped[str | None] = mapped_column(String(200))  # pindah ke
    death_place: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)

    event: Mapped[Event] = relationship(back_populates="persons")

    __table_args__ = (
        Index("ix_event_person_pekon_period", "pekon_kode", "period"),
        Index("ix_event_person_unit_period", "unit_id", "period"),
    )
