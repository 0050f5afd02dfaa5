"""Beneficiary lists (PKH, PBI-JK, BPNT, BLT Dana Desa ...) of a pekon, their rows, and the matches
of those rows against the ledger's person lines. A list informs; it never changes a B.3 figure."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache

from sqlalchemy import Date, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from stdnum.exceptions import ValidationError
from stdnum.id import nik as stdnum_nik

from models.base import Base, CreatedAt


class BeneficiaryList(CreatedAt, Base):
    """One imported version of a program's list for one pekon; `replaced_by_id` marks an old one."""

    __tablename__ = "beneficiary_list"
    __table_args__ = (Index("ix_beneficiary_list_pekon_program", "pekon_kode", "program"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pekon_kode: Mapped[str] = mapped_column(ForeignKey("pekon.kode"))
    program: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[date] = mapped_column(Date)  # the date the list speaks for ("per tanggal")
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    rows: Mapped[int]
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiary_list.id"))


class Beneficiary(Base):
    """One row of a list, as the file had it (NIK may be missing or mistyped: that is a finding)."""

    __tablename__ = "beneficiary"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("beneficiary_list.id", ondelete="CASCADE"), index=True)
    line: Mapped[int]  # the file's row number, for the people who fix the source
    nik: Mapped[str | None] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))  # match_name(): no honorifics, no accents
    kk_number: Mapped[str | None] = mapped_column(String(32))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_place: Mapped[str | None] = mapped_column(String(120))
    sex: Mapped[str | None] = mapped_column(String(1))
    address: Mapped[str | None] = mapped_column(String(200))
    dusun: Mapped[str | None] = mapped_column(String(120))
    # the dusun, when it names a unit
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    participant_no: Mapped[str | None] = mapped_column(String(40))


class MatchKind(StrEnum):
    """How sure a match is: the same valid NIK, or a proposal staff must decide."""

    CERTAIN = "certain"
    PROBABLE = "probable"


class MatchStatus(StrEnum):
    """Where a match stands; only certain and confirmed matches give findings."""

    CERTAIN = "certain"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class BeneficiaryMatch(CreatedAt, Base):
    """A list row found in the ledger. `person_key` carries a decision over to the next version of
    the list, so staff are never asked the same question twice."""

    __tablename__ = "beneficiary_match"
    __table_args__ = (
        UniqueConstraint("beneficiary_id", "event_person_id"),
        Index("ix_beneficiary_match_pekon_status", "pekon_kode", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pekon_kode: Mapped[str] = mapped_column(String(13))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id", ondelete="CASCADE"), index=True)
    event_person_id: Mapped[int] = mapped_column(ForeignKey("event_person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    score: Mapped[int] = mapped_column(SmallInteger)  # name similarity 0-100
    status: Mapped[str] = mapped_column(String(10))
    person_key: Mapped[str] = mapped_column(String(200))
    decided_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    decided_at: Mapped[datetime | None]


HONORIFICS = frozenset(
    {
        "h", "hj", "haji", "hajjah", "alm", "almh", "almarhum", "almarhumah", "bpk", "bapak", "pak",
        "ibu", "bu", "ib", "sdr", "sdri", "saudara", "saudari", "ny", "nyonya", "tn", "tuan", "nn",
        "mbah", "kh", "ust", "ustadz", "ustadzah", "dr", "drs", "dra", "ir", "spd", "sag", "se", "sh",
        "amd", "st", "ssos",
    }
)  # fmt: skip
NOT_LETTERS = re.compile(r"[^a-z0-9.]+")
# The old (pre-1972) spelling still in many documents: Soekardi = Sukardi, Djoko = Joko, Tjahjo =
# Cahyo, and y/i written either way (Yati, Yaty): folded so that spelling alone never separates.
OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("ch", "kh"), ("y", "i"))


def match_name(name: str) -> str:
    """A name reduced for matching: accents, case, punctuation and honorifics (H., Hj., Alm., Bpk.,
    Ibu, S.Pd) removed, old spellings folded: "Hj. Siti Aminah, S.Pd." -> "siti aminah"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words: list[str] = []
    for token in NOT_LETTERS.sub(" ", plain.replace("'", "")).split():
        if token.replace(".", "") in HONORIFICS:  # "s.pd", "hj."
            continue
        words += [w for w in token.split(".") if w and w not in HONORIFICS]  # "h.sukardi"
    folded = " ".join(words or plain.split())
    for old, new in OLD_SPELLING:
        folded = folded.replace(old, new)
    return folded[:120]


def valid_nik(nik: str | None) -> bool:
    """Whether a NIK is a valid 16-digit NIK (python-stdnum: region, date with +40 for women; the
    sequence not 0000)."""
    if not nik or len(nik) != 16 or not (nik.isascii() and nik.isdigit()) or nik.endswith("0000"):
        return False
    return _valid_birth(nik[6:12]) and _known_region(nik[:4])


@lru_cache(maxsize=1 << 17)
def _valid_birth(ddmmyy: str) -> bool:
    """Whether stdnum reads a birth date from these 6 digits (all it reads of a NIK for it). Asked
    once per date, not once per NIK: stdnum's cleaning costs ~25 us, the findings of 204,229 rows
    spent 5 s of 6 in it."""
    try:
        stdnum_nik.get_birth_date("000000" + ddmmyy + "0001")
    except ValidationError:
        return False
    return True


@lru_cache(maxsize=4096)
def _known_region(prefix: str) -> bool:
    """Whether stdnum knows the province and kabupaten a NIK starts with. Its table lookup is slow
    (about 0.1 ms) and depends on these 4 digits only, so each is asked once, with a fixed date."""
    return bool(stdnum_nik.is_valid(f"{prefix}00" + "010100" + "0001"))


def nik_sex(nik: str) -> str:
    """The sex a valid NIK encodes (40 is added to the day for women)."""
    return "P" if int(nik[6:8]) > 40 else "L"
