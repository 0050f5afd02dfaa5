"""The month: each unit's report (nihil / submitted), the pekon's month state, baselines, snapshots."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt


class ReportStatus(StrEnum):
    """A unit's monthly report; no row at all means missing."""

    NIHIL = "nihil"
    SUBMITTED = "submitted"


class MonthStatus(StrEnum):
    """A pekon's month: open for reports, or closed and frozen in snapshots."""

    OPEN = "open"
    CLOSED = "closed"


class UnitReport(CreatedAt, Base):
    """The monthly report of one unit; `late` when it came after the deadline."""

    __tablename__ = "unit_report"
    __table_args__ = (
        UniqueConstraint("unit_id", "period"),
        Index("ix_unit_report_submitted_at", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    period: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[datetime]
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    channel: Mapped[str] = mapped_column(String(16))
    late: Mapped[bool] = mapped_column(default=False)


class PekonMonth(CreatedAt, Base):
    """The state of one pekon's month. Rows exist once anything happened in the month."""

    __tablename__ = "pekon_month"
    __table_args__ = (UniqueConstraint("pekon_kode", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pekon_kode: Mapped[str] = mapped_column(ForeignKey("pekon.kode"))
    period: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=MonthStatus.OPEN)
    revision: Mapped[int] = mapped_column(default=0)  # 1 after the first close, +1 per reopen-and-close
    closed_at: Mapped[datetime | None]
    closed_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    reopen_reason: Mapped[str | None] = mapped_column(Text)


class Baseline(CreatedAt, Base):
    """Imported opening figures of a unit for its first month."""

    __tablename__ = "baseline"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    period: Mapped[date] = mapped_column(Date)
    wna_l: Mapped[int]
    wna_p: Mapped[int]
    wni_l: Mapped[int]
    wni_p: Mapped[int]
    kk: Mapped[int]
    anggota: Mapped[int]
    # KK by the head's sex; optional in the import, NULL when unknown (the split then stays unknown)
    kk_l: Mapped[int | None]
    kk_p: Mapped[int | None]


class UnitSnapshot(CreatedAt, Base):
    """A unit's frozen B.3 row for a closed month and revision; never updated, never deleted."""

    __tablename__ = "unit_snapshot"
    __table_args__ = (UniqueConstraint("unit_id", "period", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    pekon_kode: Mapped[str] = mapped_column(String(13), index=True)
    period: Mapped[date] = mapped_column(Date)
    revision: Mapped[int]
    awal_wna_l: Mapped[int]
    awal_wna_p: Mapped[int]
    awal_wni_l: Mapped[int]
    awal_wni_p: Mapped[int]
    awal_kk: Mapped[int]
    awal_anggota: Mapped[int]
    lahir_wna_l: Mapped[int]
    lahir_wna_p: Mapped[int]
    lahir_wni_l: Mapped[int]
    lahir_wni_p: Mapped[int]
    datang_wna_l: Mapped[int]
    datang_wna_p: Mapped[int]
    datang_wni_l: Mapped[int]
    datang_wni_p: Mapped[int]
    meninggal_wna_l: Mapped[int]
    meninggal_wna_p: Mapped[int]
    meninggal_wni_l: Mapped[int]
    meninggal_wni_p: Mapped[int]
    pindah_wna_l: Mapped[int]
    pindah_wna_p: Mapped[int]
    pindah_wni_l: Mapped[int]
    pindah_wni_p: Mapped[int]
    akhir_wna_l: Mapped[int]
    akhir_wna_p: Mapped[int]
    akhir_wni_l: Mapped[int]
    akhir_wni_p: Mapped[int]
    akhir_kk: Mapped[int]
    akhir_anggota: Mapped[int]
    keterangan: Mapped[str] = mapped_column(Text, default="")
    # KK by the head's sex (models.b3_rows.HEADS), carried month to month; NULL while the unit's
    # baseline had no split
    awal_kk_l: Mapped[int | None]
    awal_kk_p: Mapped[int | None]
    akhir_kk_l: Mapped[int | None]
    akhir_kk_p: Mapped[int | None]


class LedgerMark(Base):
    """How many times the rows of one pekon the dashboard's figures read have changed: its events,
    and everything else (reports, months, units, baselines). Written only by the database's triggers
    (migration 0015_mark), in the writer's transaction; read as the scope versions of
    models/dashboard_cache.py."""

    __tablename__ = "ledger_mark"

    pekon_kode: Mapped[str] = mapped_column(String(13), primary_key=True)
    events: Mapped[int] = mapped_column(BigInteger, default=0)
    changes: Mapped[int] = mapped_column(BigInteger, default=0)


ALL_PEKON = "*"  # the row of ListsMark every pekon's lists version reads: no region has this code


class ListsMark(Base):
    """How many times the beneficiary matches of one pekon have changed (a refresh, a decision), and
    in the row ALL_PEKON every list (an import, a deletion: a NIK in another pekon's current list is
    a finding). Written only by the database's triggers (migration 0017_lists_mark); read as the
    lists' version of models/dashboard_cache.py. Apart from LedgerMark so that an import, which holds
    its rows until it commits, never holds up a birth."""

    __tablename__ = "lists_mark"

    pekon_kode: Mapped[str] = mapped_column(String(13), primary_key=True)
    changes: Mapped[int] = mapped_column(BigInteger, default=0)
