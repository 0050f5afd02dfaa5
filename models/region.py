"""Kecamatan, pekon (official Kemendagri codes) and pemangku units (local codes under a pekon)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, CreatedAt


class Kecamatan(CreatedAt, Base):
    """A district, with the kabupaten it belongs to (named for the documents)."""

    __tablename__ = "kecamatan"

    kode: Mapped[str] = mapped_column(String(8), primary_key=True)  # PP.KK.CC
    nama: Mapped[str] = mapped_column(String(120))
    kabupaten_nama: Mapped[str] = mapped_column(String(120))


class Pekon(CreatedAt, Base):
    """A village (desa/kelurahan/pekon) with its official code."""

    __tablename__ = "pekon"

    kode: Mapped[str] = mapped_column(String(13), primary_key=True)  # PP.KK.CC.DDDD
    nama: Mapped[str] = mapped_column(String(120))
    tingkat: Mapped[str] = mapped_column(String(16))  # desa | kelurahan | desa_adat
    kecamatan_kode: Mapped[str] = mapped_column(ForeignKey("kecamatan.kode"), index=True)

    kecamatan: Mapped[Kecamatan] = relationship(lazy="joined")


class Unit(CreatedAt, Base):
    """A pemangku unit (dusun); its code is stable: pekon code, dash, two-digit sequence."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("pekon_kode", "nama_norm"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(String(20), unique=True)  # 18.04.15.2004-03
    pekon_kode: Mapped[str] = mapped_column(ForeignKey("pekon.kode"), index=True)
    seq: Mapped[int]
    nama: Mapped[str] = mapped_column(String(120))
    nama_norm: Mapped[str] = mapped_column(String(120))

    pekon: Mapped[Pekon] = relationship(lazy="joined")
