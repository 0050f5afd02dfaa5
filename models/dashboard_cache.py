"""The dashboard's figures kept in process while their part of the ledger has not moved.

A grid, the rates and the trend are pure functions of the ledger (and of the day): recomputing them
on every page costs 20-100 ms. A figure is kept with the version of its **scope** (the pekon,
kecamatan or kabupaten whose ledger it reads) at the time it was read, and served again only while
that version is unchanged, so a birth recorded in one kecamatan recomputes nothing of another. The
version is one statement of index look-ups, read in the request's own transaction before the figure,
so a figure is never older than its version; each process keeps its own entries and they stay right
across processes, since the version lives in the database.

The version is made of what the scope's rows *are*, never of the largest id: PostgreSQL hands out
ids before commit, so a row with a smaller id may commit after a larger one was seen (at a national
peak, two pemangku of one kecamatan saving in the same millisecond), and a max-id version would
then miss it until the scope's next change. Counts and sums only grow with a commit:

- events and their corrections: how many (append-only),
- monthly reports: how many, the latest and the sum of their `submitted_at` (a re-sent report
  updates its row's time; the sum sees it whatever the order of the commits),
- the pekon months: how many, how many open, the sum of their revisions (a close adds a revision
  and writes its snapshots in the same transaction; a reopen opens one),
- units and baselines: how many.

A kabupaten's version counts the rows of all its kecamatan, so the kabupaten page moves with each;
the admin sees the same pages by code. The completeness grid counts reports and closes, not events:
it is kept across new events (`events=False`).

The beneficiary lists (Daftar Bantuan) move apart from the ledger, on an import or a deletion (max
and count of beneficiary_list.id), a refresh of the matches (max beneficiary_match.id) and a
confirm/reject decision (its audit entry, written with it): `lists_version`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import (
    BindParameter,
    Float,
    Select,
    String,
    bindparam,
    case,
    extract,
    func,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from models.audit import AuditEntry
from models.beneficiary import BeneficiaryList, BeneficiaryMatch
from models.event import Event
from models.period import Baseline, MonthStatus, PekonMonth, UnitReport
from models.region import Kecamatan, Pekon, Unit

T = TypeVar("T")
Version = tuple[Any, ...]
VERSION_KEY = "pemangku_scope_versions"  # {scope: version} memoised in session.info: once per request
LISTS_KEY = "pemangku_lists_version"
SCOPE: BindParameter[str] = bindparam("scope", type_=String)
KECAMATAN: BindParameter[list[str]] = bindparam("kecamatan", expanding=True)
_KECAMATAN_OF = select(Kecamatan.kode).where(Kecamatan.kode.like(SCOPE + ".%"))


class EpochSeconds(FunctionElement[float]):
    """An instant as seconds since 1970, summed into a version. PostgreSQL's `date_part` is a float
    and about twice as fast to sum as the numeric `EXTRACT` (a kabupaten sums thousands of them)."""

    type = Float()
    inherit_cache = True


@compiles(EpochSeconds)
def _epoch(element: EpochSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(extract("epoch", *element.clauses), **kw)


@compiles(EpochSeconds, "postgresql")
def _epoch_postgresql(element: EpochSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(func.date_part("epoch", *element.clauses), **kw)


def _pekon_of(level: int) -> Select[tuple[str]]:
    """The codes of the scope's pekon, by the length of its code (pekon, kecamatan, kabupaten). Not a
    range of codes: whether "18.04/" sorts after "18.04.10.2007" depends on the database's collation."""
    if level == 13:
        return select(Pekon.kode).where(Pekon.kode == SCOPE)
    if level == 8:
        return select(Pekon.kode).where(Pekon.kecamatan_kode == SCOPE)
    return select(Pekon.kode).where(Pekon.kecamatan_kode.in_(KECAMATAN))  # found by `_KECAMATAN_OF`


def _scope_version(level: int) -> Select[Any]:
    pekon = _pekon_of(level)
    units = select(Unit.id).where(Unit.pekon_kode.in_(pekon))
    parts: list[Select[Any]] = [
        select(func.count()).select_from(Event).where(Event.pekon_kode.in_(pekon)),  # first: see `get`
        select(
            func.count(), func.max(UnitReport.submitted_at), func.sum(EpochSeconds(UnitReport.submitted_at))
        ).where(UnitReport.unit_id.in_(units)),
        select(
            func.count(),
            func.sum(case((PekonMonth.status == MonthStatus.OPEN, 1), else_=0)),
            func.sum(PekonMonth.revision),
        ).where(PekonMonth.pekon_kode.in_(pekon)),
        select(func.count()).select_from(Unit).where(Unit.pekon_kode.in_(pekon)),
        select(func.count()).select_from(Baseline).where(Baseline.unit_id.in_(units)),
    ]
    rows = [part.subquery() for part in parts]
    joined: FromClause = rows[0]
    for row in rows[1:]:
        joined = joined.join(row, true())  # one row each
    return select(*(c for row in rows for c in row.c)).select_from(joined)


_STATEMENTS = {level: _scope_version(level) for level in (13, 8, 5)}  # built once: building costs

_LISTS = select(
    select(func.max(BeneficiaryList.id)).scalar_subquery(),
    select(func.count(BeneficiaryList.id)).scalar_subquery(),
    select(func.max(BeneficiaryMatch.id)).scalar_subquery(),
    select(func.max(AuditEntry.id)).where(AuditEntry.entity == "beneficiary_match").scalar_subquery(),
)


async def scope_version(session: AsyncSession, scope: str) -> Version | None:
    """What the figures of a pekon, kecamatan or kabupaten (by its code) depend on, read once per
    session (transaction) and scope; None for a code of no region's length (nothing is kept)."""
    statement = _STATEMENTS.get(len(scope))
    if statement is None:
        return None
    versions: dict[str, Version] = session.info.setdefault(VERSION_KEY, {})
    if scope not in versions:
        params: dict[str, Any] = {"scope": scope}
        if len(scope) == 5:  # its kecamatan once, not in each part (a LIKE reads every kecamatan)
            params["kecamatan"] = list(await session.scalars(_KECAMATAN_OF, params))
        versions[scope] = tuple((await session.execute(statement, params)).one())
    return versions[scope]


async def lists_version(session: AsyncSession) -> Version:
    """What the beneficiary lists' findings and matches depend on besides the ledger, read once per
    session; part of the key of anything kept from them."""
    if LISTS_KEY not in session.info:
        session.info[LISTS_KEY] = tuple((await session.execute(_LISTS)).one())
    version: Version = session.info[LISTS_KEY]
    return version


@dataclass
class FigureCache:
    """Figures by key (the function and its arguments), each with its scope's version at the time
    it was read; the least recently used go past `size`. A kabupaten's working set is about 5,000
    (Lampung Barat: 136 pekon x 12 months x the Pekon page's 3 figures, and the kecamatan pages);
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
