"""The dashboard's figures kept in process while the ledger has not moved.

A grid, the rates and the trend are pure functions of the ledger (and of the day): recomputing them
on every page costs 20-100 ms. A figure is kept with the ledger's version at the time it was read and
served again only while the version is unchanged. The version is a handful of index look-ups
(about a millisecond), read in the request's own transaction before the figure, so a figure is never
older than its version; each process keeps its own entries and they stay right across processes,
since the version lives in the database. What moves it:

- a new event or correction (max event.id), a new or re-sent monthly report (max unit_report.id,
  max unit_report.submitted_at: a re-sent report updates its row),
- a close (its snapshots: max unit_snapshot.id), a reopen (its audit entry, written with it),
- a new unit or baseline (max unit.id, max baseline.id).

The completeness grid counts reports and closes, not events: it is kept across new events
(`events=False`), the ledger's most frequent change, so at the month's peak a camat's grid is not
recomputed for every birth recorded somewhere else.

The beneficiary lists (Daftar Bantuan) move apart from the ledger, on an import or a deletion (max
and count of beneficiary_list.id), a refresh of the matches (max beneficiary_match.id) and a
confirm/reject decision (its audit entry, written with it): `lists_version`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import AuditEntry
from models.beneficiary import BeneficiaryList, BeneficiaryMatch
from models.event import Event
from models.period import Baseline, UnitReport, UnitSnapshot
from models.region import Unit

T = TypeVar("T")
Version = tuple[Any, ...]
VERSION_KEY = "pemangku_ledger_version"  # memoised in session.info: one look-up per request
LISTS_KEY = "pemangku_lists_version"

_VERSION = select(
    *(
        select(part).scalar_subquery()
        for part in (
            func.max(Event.id),  # first: left out for the figures events do not change
            func.max(UnitReport.id),
            func.max(UnitReport.submitted_at),
            func.max(UnitSnapshot.id),
            func.max(Unit.id),
            func.max(Baseline.id),
        )
    ),
    select(func.max(AuditEntry.id)).where(AuditEntry.entity == "pekon_month").scalar_subquery(),
)

_LISTS = select(
    select(func.max(BeneficiaryList.id)).scalar_subquery(),
    select(func.count(BeneficiaryList.id)).scalar_subquery(),
    select(func.max(BeneficiaryMatch.id)).scalar_subquery(),
    select(func.max(AuditEntry.id)).where(AuditEntry.entity == "beneficiary_match").scalar_subquery(),
)


async def ledger_version(session: AsyncSession) -> Version:
    """What the dashboard's figures depend on, read once per session (transaction)."""
    if VERSION_KEY not in session.info:
        row = (await session.execute(_VERSION)).one()
        session.info[VERSION_KEY] = tuple(row)
    version: Version = session.info[VERSION_KEY]
    return version


async def lists_version(session: AsyncSession) -> Version:
    """What the beneficiary lists' findings and matches depend on besides the ledger, read once per
    session; part of the key of anything kept from them."""
    if LISTS_KEY not in session.info:
        session.info[LISTS_KEY] = tuple((await session.execute(_LISTS)).one())
    version: Version = session.info[LISTS_KEY]
    return version


@dataclass
class FigureCache:
    """Figures by key (the function and its arguments), each with the ledger version it was read at;
    the least recently used go past `size`."""

    size: int = 512
    _entries: OrderedDict[Hashable, tuple[Version, Any]] = field(default_factory=OrderedDict)

    async def get(
        self,
        session: AsyncSession,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        *,
        events: bool = True,
    ) -> T:
        """The figure of `key` as of the session's ledger version, computed only when it moved;
        `events=False` for a figure no event changes (its version leaves out max event.id)."""
        version = await ledger_version(session)
        if not events:
            version = version[1:]
        found = self._entries.get(key)
        if found is not None and found[0] == version:
            self._entries.move_to_end(key)
            value: T = found[1]
            return value
        value = await compute()
        self._entries[key] = (version, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value
