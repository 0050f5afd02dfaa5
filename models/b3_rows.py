"""The shape of a B.3 row: the 28 stored figures in the regulation's order, the KK by the head's sex
beside them, and a pekon's table with its total row. Plain data, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from models.event import EventKind

GROUPS = ("wna_l", "wna_p", "wni_l", "wni_p")
HOUSEHOLD = ("kk", "anggota")
KINDS = (EventKind.LAHIR, EventKind.DATANG, EventKind.MENINGGAL, EventKind.PINDAH)
AWAL = tuple(f"awal_{g}" for g in GROUPS + HOUSEHOLD)
MOVES = tuple(f"{k}_{g}" for k in KINDS for g in GROUPS)
AKHIR = tuple(f"akhir_{g}" for g in GROUPS + HOUSEHOLD)
FIGURES = AWAL + MOVES + AKHIR  # the 28 stored numbers of a row, in B.3 order
SEXES = ("l", "p")
# KK by the head's sex, outside B.3's 33 columns (the profil pekon asks for them): None while unknown,
# i.e. since a baseline without the split; then every head line moves them like it moves KK.
HEADS = tuple(f"{side}_kk_{sex}" for side in ("awal", "akhir") for sex in SEXES)


@dataclass(frozen=True)
class B3Row:
    """One row of B.3: a unit, or the total. `keterangan` holds codes: the report's status (or
    "missing"), then "late", "susulan", "koreksi" when they apply."""

    no: int | None
    unit_kode: str | None
    nama: str
    figures: dict[str, int]
    keterangan: tuple[str, ...] = ()
    heads: dict[str, int | None] = field(default_factory=dict)  # HEADS; empty when not loaded

    @property
    def awal_jiwa(self) -> int:
        """Column 9."""
        return self.figures["awal_kk"] + self.figures["awal_anggota"]

    @property
    def akhir_jiwa(self) -> int:
        """Column 32."""
        return self.figures["akhir_kk"] + self.figures["akhir_anggota"]

    def columns(self) -> list[Any]:
        """The 33 columns in the regulation's order (keterangan as codes)."""
        f = self.figures
        return [
            self.no,
            self.nama,
            *(f[c] for c in AWAL),
            self.awal_jiwa,
            *(f[c] for c in MOVES),
            *(f[c] for c in AKHIR),
            self.akhir_jiwa,
            ",".join(self.keterangan),
        ]


@dataclass(frozen=True)
class B3Table:
    """B.3 of one pekon for one month. Its rows are never changed after it is made, so the total is
    summed once (a kept table is shown by many pages, each reading the total many times)."""

    pekon_kode: str
    period: date
    closed: bool
    revision: int
    rows: Sequence[B3Row] = field(default_factory=tuple)

    @cached_property
    def total(self) -> B3Row:
        """The total row: the sum of the unit rows."""
        sums = {c: sum(r.figures[c] for r in self.rows) for c in FIGURES}
        return B3Row(no=None, unit_kode=None, nama="JUMLAH", figures=sums, heads=sum_heads(self.rows))


def sum_heads(rows: Sequence[B3Row]) -> dict[str, int | None]:
    """The KK-by-sex figures of several rows: a sum, or None when any row's is unknown."""
    sums: dict[str, int | None] = {}
    for name in HEADS:
        values = [r.heads.get(name) for r in rows]
        sums[name] = None if any(v is None for v in values) else sum(v for v in values if v is not None)
    return sums
