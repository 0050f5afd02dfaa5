"""Import of a beneficiary list: every row validated first, then stored all or nothing, as one new
version per pekon and program (the version it replaces is kept, marked replaced, for the audit)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import audit_values, record_audit, record_audits
from models.beneficiary import Beneficiary, BeneficiaryList, BeneficiaryMatch, match_name
from models.csvfile import CsvRow, Problem, check
from models.person_input import clean_name
from models.region import Pekon, Unit

NAME_MAX = 120
TEXT_MAX = {"tempat_lahir": 120, "alamat": 200, "dusun": 120, "no_peserta": 40}
PROGRAM = re.compile(r"[A-Z0-9][A-Z0-9 ._-]{0,19}")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%y", "%d/%m/%y")
SEX_WORDS = {"L": "L", "LK": "L", "LAKI-LAKI": "L", "LAKI LAKI": "L", "P": "P", "PR": "P", "PEREMPUAN": "P"}
UNIT_WORDS = re.compile(r"^((pemangku|dusun|dsn|pmk)\s+)+")
CHUNK = 1000  # list rows a statement
LIST_CHUNK = 2000  # pekon a statement, as matching and the findings do
# inserted with Core: no ORM bookkeeping for 500,000 rows
ROWS: Table = Beneficiary.__table__  # type: ignore[assignment]
LISTS: Table = BeneficiaryList.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class ListMeta:
    """What the operator says about a list: program, where from, for which date, who imports it."""

    program: str
    source: str
    as_of: date
    importer: str
    member_id: int | None = None


@dataclass
class ImportResult:
    """What an import did: rows per pekon, lists replaced, columns recognised and left out."""

    rows: dict[str, int] = field(default_factory=dict)
    list_ids: dict[str, int] = field(default_factory=dict)
    replaced: int = 0
    ignored: list[str] = field(default_factory=list)


def normal_program(text: str) -> str | None:
    """A program name as stored ("pkh" -> "PKH"); None when it is not one."""
    name = " ".join(text.split()).upper()
    return name if PROGRAM.fullmatch(name) else None


def parse_date(text: str) -> date | None:
    """A birth date as lists write it (13-05-1980, 13/05/1980, 1980-05-13); None if unreadable."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def unit_key(name: str) -> str:
    """A unit's name as compared with a list's DUSUN column ("Pemangku Sidodadi" = "DUSUN SIDODADI")."""
    return UNIT_WORDS.sub("", match_name(name))


def _nik(value: str) -> str | None:
    # a NIK typed with spaces or dots, or kept as text in a spreadsheet with a leading quote
    digits = re.sub(r"[\s.'`-]", "", value)
    return digits or None


def _check_row(row: CsvRow, columns: dict[str, str], today: date) -> tuple[dict[str, object], list[Problem]]:
    problems: list[Problem] = []

    def bad(field: str, code: str) -> None:
        problems.append(
            Problem(row.line, code, {"column": columns.get(field, field), "value": row.get(field)[:30]})
        )

    name = clean_name(row.get("nama"))
    if not name:
        bad("nama", "missing_value")
    elif len(name) > NAME_MAX:
        bad("nama", "value_too_long")
    nik = _nik(row.get("nik"))
    if nik is not None and len(nik) > 32:
        bad("nik", "value_too_long")
    born = parse_date(row.get("tanggal_lahir")) if row.get("tanggal_lahir") else None
    if row.get("tanggal_lahir") and (born is None or born > today or born.year < 1880):
        bad("tanggal_lahir", "bad_date")
    sex = SEX_WORDS.get(row.get("jenis_kelamin").upper()) if row.get("jenis_kelamin") else None
    if row.get("jenis_kelamin") and sex is None:
        bad("jenis_kelamin", "bad_sex")
    for column, limit in TEXT_MAX.items():
        if len(row.get(column)) > limit:
            bad(column, "value_too_long")
    values: dict[str, object] = {
        "line": row.line,
        "nik": nik,
        "name": name,
        "name_key": match_name(name) if name else "",
        "kk_number": _nik(row.get("no_kk")),
        "birth_date": born,
        "birth_place": row.get("tempat_lahir") or None,
        "sex": sex,
        "address": row.get("alamat") or None,
        "dusun": row.get("dusun") or None,
        "participant_no": row.get("no_peserta") or None,
    }
    if values["kk_number"] and len(str(values["kk_number"])) > 32:
        bad("no_kk", "value_too_long")
    return values, problems


def _pekon_of(row: CsvRow, pekons: dict[str, Pekon], columns: dict[str, str]) -> Pekon | Problem:
    """The pekon a row of a kecamatan's list belongs to, by code or by name."""
    given = row.get("pekon")
    found = pekons.get(given) or pekons.get(" ".join(given.split()).casefold())
    if found is not None:
        return found
    return Problem(
        row.line, "unknown_pekon_in_row", {"column": columns.get("pekon", "pekon"), "value": given[:40]}
    )


class RowChecker:
    """Validates a list's rows against its pekon and their units, a batch at a time."""

    def __init__(
        self, columns: dict[str, str], pekons: Sequence[Pekon], units: dict[tuple[str, str], int], today: date
    ) -> None:
        self.columns, self.pekons, self.unit_ids, self.today = columns, pekons, units, today
        self.by_key = {p.kode: p for p in pekons} | {" ".join(p.nama.split()).casefold(): p for p in pekons}
        self.rank = {p.kode: n for n, p in enumerate(pekons)}

    @classmethod
    async def load(
        cls, session: AsyncSession, columns: dict[str, str], pekons: Sequence[Pekon], today: date
    ) -> RowChecker:
        """The checker of a file with these columns; refuses a kecamatan's file without a PEKON column."""
        if len(pekons) > 1 and "pekon" not in columns:
            check([Problem(1, "missing_column", {"column": "PEKON / DESA"})])
        units = await session.scalars(select(Unit).where(Unit.pekon_kode.in_([p.kode for p in pekons])))
        return cls(columns, pekons, {(u.pekon_kode, unit_key(u.nama)): u.id for u in units}, today)

    def check(self, rows: Iterable[CsvRow]) -> tuple[dict[str, list[dict[str, object]]], list[Problem]]:
        """The good rows per pekon code (in the pekon's order, only those with rows) and the problems."""
        planned: dict[str, list[dict[str, object]]] = {}  # not one entry per pekon: a batch names few
        problems: list[Problem] = []
        for row in rows:
            values, found = _check_row(row, self.columns, self.today)
            pekon = self.pekons[0] if len(self.pekons) == 1 else _pekon_of(row, self.by_key, self.columns)
            if isinstance(pekon, Problem):
                found.append(pekon)
            problems += found
            if found or isinstance(pekon, Problem):
                continue
            dusun = values["dusun"]
            values["unit_id"] = self.unit_ids.get((pekon.kode, unit_key(str(dusun)))) if dusun else None
            planned.setdefault(pekon.kode, []).append(values)
        return {kode: planned[kode] for kode in sorted(planned, key=self.rank.__getitem__)}, problems


@dataclass(frozen=True)
class _Current:
    """The version of a pekon's list that an import replaces."""

    id: int
    as_of: date
    rows: int


async def _currents(session: AsyncSession, kodes: list[str], program: str) -> dict[str, _Current]:
    """The current version of the program's list of each pekon that has one (a statement per
    LIST_CHUNK pekon)."""
    found: dict[str, _Current] = {}
    for start in range(0, len(kodes), LIST_CHUNK):
        rows = await session.execute(
            select(LISTS.c.pekon_kode, LISTS.c.id, LISTS.c.as_of, LISTS.c.rows).where(
                LISTS.c.pekon_kode.in_(kodes[start : start + LIST_CHUNK]),
                LISTS.c.program == program,
                LISTS.c.replaced_by_id.is_(None),
            )
        )
        found.update({kode: _Current(id_, as_of, rows) for kode, id_, as_of, rows in rows})
    return found


async def _new_lists(session: AsyncSession, counts: dict[str, int], meta: ListMeta) -> dict[str, int]:
    """One new version per pekon, in the given order; its id per pekon."""
    values = [
        {"pekon_kode": kode, "program": meta.program, "source": meta.source[:200], "as_of": meta.as_of,
         "imported_by": meta.importer[:120], "imported_by_member_id": meta.member_id, "rows": rows}
        for kode, rows in counts.items()
    ]  # fmt: skip
    # keyed by pekon (one version each): no ordered RETURNING, which SQLite would do row by row
    returning = insert(LISTS).returning(LISTS.c.pekon_kode, LISTS.c.id)
    ids: dict[str, int] = {}
    for start in range(0, len(values), LIST_CHUNK):
        made = await session.execute(returning, values[start : start + LIST_CHUNK])
        ids.update({kode: id_ for kode, id_ in made})
    return ids


async def _insert_rows(
    session: AsyncSession, planned: dict[str, list[dict[str, object]]], list_ids: dict[str, int]
) -> None:
    """Every pekon's rows, CHUNK rows a statement whichever pekon they belong to."""
    chunk: list[dict[str, object]] = []
    for kode, rows in planned.items():
        for row in rows:
            chunk.append({**row, "list_id": list_ids[kode]})
            if len(chunk) == CHUNK:
                await session.execute(insert(ROWS), chunk)
                chunk = []
    if chunk:
        await session.execute(insert(ROWS), chunk)


def _audit(
    kode: str, rows: int, old: _Current | None, list_id: int, meta: ListMeta, channel: str
) -> dict[str, Any]:
    """The `beneficiary_list.import` audit entry of a pekon's new version."""
    return audit_values(
        actor_member_id=meta.member_id,
        channel=channel,
        action="beneficiary_list.import",
        entity="beneficiary_list",
        entity_id=list_id,
        before=None if old is None else {"list": old.id, "per": old.as_of.isoformat(), "rows": old.rows},
        after={"pekon": kode, "program": meta.program, "per": meta.as_of.isoformat(), "rows": rows,
               "source": meta.source[:200], "by": meta.importer[:120]},
    )  # fmt: skip


class ListWriter:
    """Stores a list batch by batch inside the caller's transaction: a pekon's new version when its
    first rows come (with that batch's count, set right at the end if more came), the rows, and at
    the end the replaced marks and audit entries. A list dated before the current one is refused (an
    old file imported by mistake); after that nothing more is written."""

    def __init__(self, session: AsyncSession, meta: ListMeta, channel: str, order: Sequence[str]) -> None:
        self.session, self.meta, self.channel = session, meta, channel
        self.rank = {kode: n for n, kode in enumerate(order)}
        self.olds: dict[str, _Current] = {}
        self.ids: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.stored: dict[str, int] = {}  # the count each version was created with
        self.older: list[str] = []

    async def add(self, planned: dict[str, list[dict[str, object]]]) -> None:
        """A batch of checked rows per pekon (as RowChecker.check gives them)."""
        if self.older:
            return
        new = {kode: len(rows) for kode, rows in planned.items() if kode not in self.ids}
        if new:
            olds = await _currents(self.session, list(new), self.meta.program)
            self.older = [kode for kode in new if kode in olds and olds[kode].as_of > self.meta.as_of]
            if self.older:
                self.olds.update(olds)
                return
            self.olds.update(olds)
            self.ids.update(await _new_lists(self.session, new, self.meta))
            self.stored.update(new)
        await _insert_rows(self.session, planned, self.ids)
        for kode, rows in planned.items():
            self.counts[kode] = self.counts.get(kode, 0) + len(rows)

    async def finish(self) -> ImportResult:
        """The counts set right, the replaced marks and the audit entries; what the import did."""
        if self.older:
            first = min(self.older, key=self.rank.__getitem__)
            check([Problem(None, "list_older", {"kode": first, "per": self.olds[first].as_of.isoformat()})])
        kodes = sorted(self.ids, key=self.rank.__getitem__)
        fixed = [
            {"id": self.ids[k], "rows": self.counts[k]} for k in kodes if self.counts[k] != self.stored[k]
        ]
        if fixed:
            await self.session.execute(update(BeneficiaryList), fixed)
        olds = {kode: self.olds[kode] for kode in kodes if kode in self.olds}
        if olds:
            # ORM bulk UPDATE by primary key: a version already loaded in the session is expired too
            replaced = [{"id": old.id, "replaced_by_id": self.ids[kode]} for kode, old in olds.items()]
            await self.session.execute(update(BeneficiaryList), replaced)
        entries = [
            _audit(k, self.counts[k], olds.get(k), self.ids[k], self.meta, self.channel) for k in kodes
        ]
        if entries:
            await record_audits(self.session, entries)
        result = ImportResult(replaced=len(olds))
        for kode in kodes:
            result.rows[kode], result.list_ids[kode] = self.counts[kode], self.ids[kode]
        return result


async def store_lists(
    session: AsyncSession, planned: dict[str, list[dict[str, object]]], meta: ListMeta, channel: str = "cli"
) -> ImportResult:
    """Write one new list version per pekon; a current version of the same program is marked replaced.
    Set-based: a few statements per LIST_CHUNK pekon and one per CHUNK rows, however many pekon."""
    writer = ListWriter(session, meta, channel, list(planned))
    await writer.add(planned)
    return await writer.finish()


async def delete_lists(
    session: AsyncSession,
    pekon_kode: str,
    program: str,
    *,
    actor: str,
    member_id: int | None = None,
    channel: str = "cli",
) -> int:
    """Delete every version of a program's list of a pekon with its matches (personal data erased
    on request); the audit keeps that it happened, not the rows. Returns how many rows went."""
    lists = list(
        await session.scalars(
            select(BeneficiaryList).where(
                BeneficiaryList.pekon_kode == pekon_kode, BeneficiaryList.program == program
            )
        )
    )
    ids = [b.id for b in lists]
    if not ids:
        return 0
    rows = select(Beneficiary.id).where(Beneficiary.list_id.in_(ids))
    await session.execute(delete(BeneficiaryMatch).where(BeneficiaryMatch.beneficiary_id.in_(rows)))
    await session.execute(delete(Beneficiary).where(Beneficiary.list_id.in_(ids)))
    await session.execute(
        update(BeneficiaryList).where(BeneficiaryList.id.in_(ids)).values(replaced_by_id=None)
    )
    await session.execute(delete(BeneficiaryList).where(BeneficiaryList.id.in_(ids)))
    record_audit(
        session, actor_member_id=member_id, channel=channel, action="beneficiary_list.delete",
        entity="pekon", entity_id=pekon_kode,
        after={"program": program, "lists": len(ids), "rows": sum(b.rows for b in lists), "by": actor[:120]},
    )  # fmt: skip
    await session.flush()
    return sum(b.rows for b in lists)
