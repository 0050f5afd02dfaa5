"""The dashboard's figures kept in process while their part of the ledger has not moved.

A grid, the rates and the trend are pure functions of the ledger (and of the day): recomputing them
on every page costs 20-100 ms. A figure is kept with the version of its **scope** (the pekon,
kecamatan or kabupaten whose ledger it reads) at the time it was read, and served again only while
that version is unchanged, so a birth recorded in one kecamatan recomputes nothing of another. The
version is read in the request's own transaction before the figure, so a figure is never older than
its version; each process keeps its own entries and they stay right across processes, since the
version lives in the database.

The version is the sum of the scope's pekon rows of `ledger_mark` (models.period.LedgerMark): the
database's triggers bump a pekon's row on every insert, update or delete of its events, and of its
reports, months, units and baselines, in the writer's transaction. So a version moves exactly when a
change is committed, whatever order concurrent commits come in (never the largest id: PostgreSQL
hands out ids before commit), whichever path wrote it (chat, CLI, job, SQL), and it costs one row per
pekon to read however long the scope's history. The completeness grid counts reports and closes, not
events: it is kept across new events (`events=False`, which leaves the events' count out).

The beneficiary lists (Daftar Bantuan, the findings) move apart from the ledger: `lists_version`,
from `lists_mark` (models.period.ListsMark), bumped by triggers. A refresh of the matches and a
confirm/reject decision move the scope's pekon rows only; an import or a deletion of a list moves
every scope (the row "*"), since a NIK standing in a current list of another pekon anywhere is a
finding (ganda_pekon).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import (
    BindParameter,
    Select,
    String,
    bindparam,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from models.period import ALL_PEKON, LedgerMark, ListsMark
from models.region import Kecamatan, Pekon

T = TypeVar("T")
Version = tuple[Any, ...]
VERSION_KEY = "pemangku_scope_versions"  # {scope: version} memoised in session.info: once per request
LISTS_KEY = "pemangku_lists_versions"  # {scope: version}, as VERSION_KEY
SCOPE: BindParameter[str] = bindparam("scope", type_=String)


def _pekon_of(level: int) -> Select[tuple[str]]:
    """The codes of the scope's pekon, by the length of its code (pekon, kecamatan, kabupaten). Not a
    range of codes: whether "18.04/" sorts after "18.04.10.2007" depends on the database's collation."""
    if level == 13:
        return select(Pekon.kode).where(Pekon.kode == SCOPE)
    if level == 8:
        return select(Pekon.kode).where(Pekon.kecamatan_kode == SCOPE)
    kecamatan = select(Kecamatan.kode).where(Kecamatan.kode.like(SCOPE + ".%"))
    return select(Pekon.kode).where(Pekon.kecamatan_kode.in_(kecamatan))


def _scope_version(level: int) -> Select[Any]:
    return select(
        func.coalesce(func.sum(LedgerMark.events), 0), func.coalesce(func.sum(LedgerMark.changes), 0)
    ).where(LedgerMark.pekon_kode.in_(_pekon_of(level)))  # events first: see `get`


def _lists_version(level: int) -> Select[Any]:
    matches = select(func.coalesce(func.sum(ListsMark.changes), 0)).where(
        ListsMark.pekon_kode.in_(_pekon_of(level))
    )
    lists = select(func.coalesce(func.max(ListsMark.changes), 0)).where(ListsMark.pekon_kode == ALL_PEKON)
    return select(matches.scalar_subquery(), lists.scalar_subquery())


_STATEMENTS = {level: _scope_version(level) for level in (13, 8, 5)}  # built once: building costs
_LISTS = {level: _lists_version(level) for level in (13, 8, 5)}


async def _read(
    session: AsyncSession, memo: str, statements: dict[int, Select[Any]], scope: str
) -> Version | None:
    """A version of `scope` read once per session (transaction): memoised in session.info[memo]."""
    statement = statements.get(len(scope))
    if statement is None:
        return None
    versions: dict[str, Version] = session.info.setdefault(memo, {})
    if scope not in versions:
        versions[scope] = tuple((await session.execute(statement, {"scope": scope})).one())
    return versions[scope]


async def scope_version(session: AsyncSession, scope: str) -> Version | None:
    """What the figures of a pekon, kecamatan or kabupaten (by its code) depend on, read once per
    session (transaction) and scope; None for a code of no region's length (nothing is kept)."""
    return await _read(session, VERSION_KEY, _STATEMENTS, scope)


async def lists_version(session: AsyncSession, scope: str) -> Version | None:
    """What the beneficiary lists' findings and matches of a pekon, kecamatan or kabupaten depend on
    besides its ledger, read once per session and scope: its matches' changes, then every list's;
    part of the key of anything kept from them (None for a code of no region's length)."""
    return await _read(session, LISTS_KEY, _LISTS, scope)


@dataclass
class FigureCache:
    """Figures by key (the function and its arguments), each with its scope's version at the time
    it was read; the least recently used go past `size`. A kabupaten's working set is about 5,000
    (Lampung Barat: 136 pekon x 12 months x the Pekon page's B.3 and its page for a viewer from the
    kecamatan and one from the pekon, and the kecamatan pages);
    bench/dashboard_pages.py prints the memory they take."""

    size: int = 8192
    _entries: OrderedDict[Hashable, tuple[Version, Any]] = field(default_factory=OrderedDict)

    async def version(self, session: AsyncSession, scope: str) -> Version | None:
        """The version a figure of `scope` is kept with (None: not kept)."""
        return await scope_version(session, scope)

    async def get(
        self,
        session: AsyncSession,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        *,
        scope: str,
        events: bool = True,
    ) -> T:
        """The figure of `key`, which reads the ledger of `scope` (a pekon, kecamatan or kabupaten
        code) alone, computed only when that part of the ledger moved; `events=False` for a figure
        no event changes (its version leaves out the events)."""
        version = await self.version(session, scope)
        if version is None:  # no region: the page answers 404 from its own look-up
            return await compute()
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
