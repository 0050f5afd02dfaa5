"""The year against the year before: the profil's "Perkembangan Penduduk" (population development),
last year's figures beside this year's and the change in percent, from one row of the annual recap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # models.annual re-exports development() for bot/web/year.py: no import at run time
    from models.annual import YearRow


def change_percent(before: int | None, after: int | None) -> float | None:
    """The change from last year to this year in percent, one decimal; None when it cannot be said."""
    if before is None or after is None or before == 0:
        return None
    return round((after - before) * 100 / before, 1)


@dataclass(frozen=True)
class Development:
    """A line of the profil's "Perkembangan Penduduk": last year, this year, change in percent."""

    key: str
    last_year: int | None
    this_year: int | None

    @property
    def change(self) -> float | None:
        """Percentage change, None when last year was 0 or unknown."""
        return change_percent(self.last_year, self.this_year)


DEVELOPMENT_KEYS = ("laki_laki", "perempuan", "jumlah", "kk", "kk_laki_laki", "kk_perempuan")


def development(row: YearRow) -> list[Development]:
    """The profil's population development of a row: last year is the year's opening, this year its
    closing (the same numbers as last year's and this year's December closing)."""

    def values(side: str) -> list[int | None]:
        return [
            row.persons(side, "l"),
            row.persons(side, "p"),
            row.jiwa(side),
            row.figures[f"{side}_kk"],
            row.heads[f"{side}_kk_l"],
            row.heads[f"{side}_kk_p"],
        ]

    pairs = zip(DEVELOPMENT_KEYS, values("awal"), values("akhir"), strict=True)
    return [Development(key, before, after) for key, before, after in pairs]
