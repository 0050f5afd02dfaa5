"""Operator imports of regions and pemangku units: validate every row first, then write all or nothing.

The caller owns the transaction: it commits after a successful import and rolls back on ImportRejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import record_audit
from models.csvfile import CsvRow, Problem, Progress, check, require_values
from models.person_input import clean_name, normalise_name
from models.region import Kecamatan, Pekon, Unit
from models.wilayah import (
    Region,
    kabupaten_name,
    kecamatan_of,
    level_of,
    lookup,
    normalise_tingkat,
    same_name,
)

REGION_COLUMNS = ("kode", "nama")
REGION_OPTIONAL = ("tingkat",)
UNIT_COLUMNS = ("pekon", "nama")
CHUNK = 1000
NAME_MAX = 120


@dataclass(frozen=True)
class RegionsResult:
    """What a regions import did."""

    kecamatan_new: int
    pekon_new: int
    existing: int  # rows already in the database, left as they were
    skipped: int  # provinsi and kabupaten rows: valid, but not stored


@dataclass
class _RegionPlan:
    kecamatan: list[Region]
    pekon: list[Region]
    skipped: int = 0


def _check_region_row(row: CsvRow) -> tuple[Region | None, list[Problem]]:
    """The official region a row names, or the problems with the row."""
    missing = require_values(row, REGION_COLUMNS)
    if missing:
        return None, missing
    kode, nama = row.get("kode"), row.get("nama")
    if not level_of(kode):
        return None, [Problem(row.line, "bad_pattern", {"kode": kode})]
    region = lookup(kode)
    if region is None:
        return None, [Problem(row.line, "unknown_code", {"kode": kode})]
    problems = []
    if not same_name(nama, region.nama):
        problems.append(
            Problem(row.line, "name_mismatch", {"kode": kode, "given": nama, "official": region.nama})
        )
    tingkat = row.get("tingkat")
    if tingkat and normalise_tingkat(tingkat) != region.tingkat:
        problems.append(
            Problem(
                row.line, "tingkat_mismatch", {"kode": kode, "given": tingkat, "official": region.tingkat}
            )
        )
    return region, problems


def plan_regions(rows: Sequence[CsvRow], known_kecamatan: set[str]) -> _RegionPlan:
    """Validate a regions file against the official table; raises ImportRejected naming the lines."""
    plan = _RegionPlan([], [])
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for row in rows:
        region, found = _check_region_row(row)
        problems += found
        if region is None or found:
            continue
        if region.kode in first_line:
            problems.append(
                Problem(row.line, "duplicate", {"kode": region.kode, "first": str(first_line[region.kode])})
            )
            continue
        first_line[region.kode] = row.line
        level = level_of(region.kode)
        if level < 3:
            plan.skipped += 1
        else:
            (plan.kecamatan if level == 3 else plan.pekon).append(region)
    in_file = {k.kode for k in plan.kecamatan}
    for pekon in plan.pekon:
        kec = kecamatan_of(pekon.kode)
        if kec not in in_file and kec not in known_kecamatan:
            problems.append(
                Problem(first_line[pekon.kode], "kecamatan_missing", {"kode": pekon.kode, "kecamatan": kec})
            )
    check(problems)
    return plan


async def _insert_chunks(
    session: AsyncSession, table: Any, values: list[dict[str, Any]], progress: Progress | None
) -> None:
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        await session.execute(insert(table), chunk)
        if progress:
            progress(len(chunk))


async def import_regions(
    session: AsyncSession,
    rows: Sequence[CsvRow],
    *,
    actor_id: int | None = None,
    channel: str = "cli",
    progress: Progress | None = None,
) -> RegionsResult:
    """Validate and add kecamatan and pekon; rows already present are left alone (re-import is harmless)."""
    known_kec = set(await session.scalars(select(Kecamatan.kode)))
    known_pekon = set(await session.scalars(select(Pekon.kode)))
    plan = plan_regions(rows, known_kec)
    new_kec = [k for k in plan.kecamatan if k.kode not in known_kec]
    new_pekon = [p for p in plan.pekon if p.kode not in known_pekon]
    if progress:  # rows that need no writing are done already
        progress(len(rows) - len(new_kec) - len(new_pekon))
    kec_values = [{"kode": k.kode, "nama": k.nama, "kabupaten_nama": kabupaten_name(k.kode)} for k in new_kec]
    await _insert_chunks(session, Kecamatan, kec_values, progress)
    pekon_values = [
        {"kode": p.kode, "nama": p.nama, "tingkat": p.tingkat, "kecamatan_kode": kecamatan_of(p.kode)}
        for p in new_pekon
    ]
    await _insert_chunks(session, Pekon, pekon_values, progress)
    result = RegionsResult(
        kecamatan_new=len(new_kec),
        pekon_new=len(new_pekon),
        existing=len(plan.kecamatan) + len(plan.pekon) - len(new_kec) - len(new_pekon),
        skipped=plan.skipped,
    )
    record_audit(
        session,
        actor_member_id=actor_id,
        channel=channel,
        action="regions.import",
        entity="region",
        after={
            "kecamatan_new": result.kecamatan_new,
            "pekon_new": result.pekon_new,
            "existing": result.existing,
        },
    )
    return result


# --- pemangku units -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitEntry:
    """A unit to create: its pekon and name, and the line it came from (None on the command line)."""

    line: int | None
    pekon_kode: str
    nama: str


async def _existing_units(
    session: AsyncSession, pekon_kodes: set[str]
) -> tuple[dict[str, int], dict[tuple[str, str], str]]:
    """Highest sequence per pekon, and the code of each (pekon, normalised name) already there."""
    rows = (
        await session.execute(
            select(Unit.pekon_kode, Unit.seq, Unit.nama_norm, Unit.kode).where(
                Unit.pekon_kode.in_(pekon_kodes)
            )
        )
    ).all()
    top: dict[str, int] = {}
    names: dict[tuple[str, str], str] = {}
    for pekon_kode, seq, nama_norm, kode in rows:
        top[pekon_kode] = max(top.get(pekon_kode, 0), seq)
        names[(pekon_kode, nama_norm)] = kode
    return top, names


def _check_unit(
    entry: UnitEntry,
    pekons: set[str],
    names: dict[tuple[str, str], str],
    seen: dict[tuple[str, str], int | None],
) -> list[Problem]:
    if not entry.pekon_kode or not clean_name(entry.nama):
        return [Problem(entry.line, "missing_value", {"column": "pekon" if not entry.pekon_kode else "nama"})]
    if entry.pekon_kode not in pekons:
        return [Problem(entry.line, "unknown_pekon", {"kode": entry.pekon_kode})]
    if len(clean_name(entry.nama)) > NAME_MAX:
        return [Problem(entry.line, "name_too_long", {"max": str(NAME_MAX)})]
    key = (entry.pekon_kode, normalise_name(entry.nama))
    if key in names:
        return [Problem(entry.line, "unit_exists", {"nama": clean_name(entry.nama), "kode": names[key]})]
    if key in seen:
        return [
            Problem(entry.line, "duplicate_unit", {"nama": clean_name(entry.nama), "first": str(seen[key])})
        ]
    seen[key] = entry.line
    return []


async def create_units(
    session: AsyncSession,
    entries: Sequence[UnitEntry],
    *,
    actor_id: int | None = None,
    channel: str = "cli",
    progress: Progress | None = None,
) -> list[Unit]:
    """Validate all entries, then create the units with the next local codes `<pekon>-NN`."""
    wanted = {e.pekon_kode for e in entries}
    # Locking the pekon rows makes two operators adding units to one pekon at once wait for each
    # other, so the second sees the first's codes and names (SQLite's single writer does this anyway).
    locked = select(Pekon.kode).where(Pekon.kode.in_(wanted)).order_by(Pekon.kode).with_for_update()
    pekons = set(await session.scalars(locked))
    top, names = await _existing_units(session, pekons)
    seen: dict[tuple[str, str], int | None] = {}
    check([p for e in entries for p in _check_unit(e, pekons, names, seen)])
    units = []
    for entry in entries:
        seq = top[entry.pekon_kode] = top.get(entry.pekon_kode, 0) + 1
        nama = clean_name(entry.nama)
        units.append(
            Unit(
                kode=f"{entry.pekon_kode}-{seq:02d}",
                pekon_kode=entry.pekon_kode,
                seq=seq,
                nama=nama,
                nama_norm=normalise_name(nama),
            )
        )
    for start in range(0, len(units), CHUNK):
        session.add_all(units[start : start + CHUNK])
        await session.flush()
        if progress:
            progress(len(units[start : start + CHUNK]))
    for unit in units:
        record_audit(
            session,
            actor_member_id=actor_id,
            channel=channel,
            action="unit.create",
            entity="unit",
            entity_id=unit.kode,
            after={"nama": unit.nama, "pekon": unit.pekon_kode},
        )
    return units


def unit_entries(rows: Sequence[CsvRow]) -> list[UnitEntry]:
    """The entries of a units file (columns pekon, nama)."""
    return [UnitEntry(row.line, row.get("pekon"), row.get("nama")) for row in rows]
