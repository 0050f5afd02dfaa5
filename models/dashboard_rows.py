"""The ledger lines behind one number of B.3 ("Angka dan nama"): for every movement column the
signed count of the lines equals the B.3 figure, because B.3 sums exactly these lines.

Names are personal data: the caller records the view with models.audit.record_audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.recap import GROUPS, KINDS, MOVES

# The columns a number can be opened on: the 16 movement columns of B.3 ("lahir_wni_l"...), and
# the four kinds as a whole ("lahir" = columns 10-13), which the pages show as sub-totals.
NUMBER_COLUMNS = MOVES + tuple(str(k) for k in KINDS)


@dataclass(frozen=True)
class NumberLine:
    """One person line of the ledger counted in the number; sign -1 for a reversed line."""

    pekon_kode: str
    pekon_nama: str
    unit_kode: str
    unit_nama: str
    kind: str  # models.event.EventKind
    sign: int
    name: str
    sex: str
    citizenship: str
    is_head: bool
    birth_place: str | None
    birth_date: date | None
    father_name: str | None
    mother_name: str | None
    origin: str | None
    destination: str | None
    death_place: str | None
    event_date: date  # tanggal peristiwa
    reported_at: datetime  # tanggal lapor (UTC; show in WIB)
    receipt: str
    action: str  # models.event.Action: report / correct / cancel
    susulan: bool
    corrects: str | None  # the receipt this line's event corrects or cancels
    reason: str | None


@dataclass(frozen=True)
class NumberRows:
    """A number of B.3 and the lines that make it."""

    period: date
    column: str
    kode: str  # the pekon's or the kecamatan's code
    unit_kode: str | None  # one unit's row of B.3, or None for the total row
    figure: int  # the number as B.3 shows it (snapshot when closed)
    lines: tuple[NumberLine, ...]

    @property
    def signed_count(self) -> int:
        """The lines counted with their signs: equals `figure`."""
        return sum(line.sign for line in self.lines)


def column_parts(column: str) -> tuple[str, tuple[str, ...]]:
    """A number column's kind and its citizenship_sex groups; ValueError for any other column."""
    if column not in NUMBER_COLUMNS:
        raise ValueError(column)
    kind, _, group = column.partition("_")
    return kind, (group,) if group else GROUPS


async def number_rows(
    session: AsyncSession,
    period: date,
    column: str,
    *,
    pekon_kode: str | None = None,
    kecamatan_kode: str | None = None,
    unit_kode: str | None = None,
) -> NumberRows:
    """The lines behind one B.3 number of a pekon (optionally one unit's row) or of the kecamatan
    roll-up, oldest event first; exactly one of pekon_kode / kecamatan_kode."""
    raise NotImplementedError
