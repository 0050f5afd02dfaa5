"""The official Kemendagri region table (Kepmendagri 300.2.2-2138/2025), packaged as data/wilayah.csv.

Source: cahyadsn/wilayah (MIT, see data/WILAYAH-LICENSE.md). Codes are dotted: PP, PP.KK, PP.KK.CC,
PP.KK.CC.DDDD for provinsi, kabupaten/kota, kecamatan and desa/kelurahan.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).parent / "data" / "wilayah.csv"
CODE_PATTERN = re.compile(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")
VILLAGE_LEVELS = ("desa", "kelurahan", "desa_adat")


@dataclass(frozen=True)
class Region:
    """One row of the official table."""

    kode: str
    nama: str
    tingkat: str  # provinsi, kabupaten, kota, kecamatan, desa, desa_adat, kelurahan


@lru_cache(maxsize=1)
def official() -> dict[str, Region]:
    """Every official code, read once from the packaged table."""
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return {
            row["kode"]: Region(row["kode"], row["nama"], row["tingkat"]) for row in csv.DictReader(handle)
        }


def lookup(kode: str) -> Region | None:
    """The official region with this code, or None."""
    return official().get(kode)


def level_of(kode: str) -> int:
    """How deep a well-formed code is: 1 provinsi, 2 kabupaten, 3 kecamatan, 4 desa; 0 when malformed."""
    return kode.count(".") + 1 if CODE_PATTERN.fullmatch(kode) else 0


def kecamatan_of(kode: str) -> str:
    """The kecamatan part (PP.KK.CC) of a desa code."""
    return kode[:8]


def kabupaten_name(kode: str) -> str:
    """The official name of the kabupaten/kota a kecamatan or desa belongs to ("" when unknown)."""
    region = lookup(kode[:5])
    return region.nama if region else ""


def normalise_tingkat(tingkat: str) -> str:
    """'Desa Adat', 'desa-adat' and 'desa_adat' are the same level."""
    return "_".join(tingkat.replace("-", " ").split()).casefold()


def same_name(given: str, official_name: str) -> bool:
    """Names match when they differ only in case and spaces."""
    return " ".join(given.split()).casefold() == " ".join(official_name.split()).casefold()
