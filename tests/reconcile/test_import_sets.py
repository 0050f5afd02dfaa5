"""The set-based list import (`store_lists`: a few statements per 2,000 pekon and one per 1,000 rows)
stores exactly what the per-pekon import it replaced stored (kept as bench/reconcile_baseline.py), on
a generated world of five pekon in two kecamatan: kecamatan files split by their DESA column (codes
and names), a single pekon's file, a second program, newer versions replacing older ones, an older
file and a bad file refused whole, dusun names that are and are not units."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.reconcile_baseline import store_lists_per_pekon
from bench.whole_file import plan_list, read_list
from models.audit import AuditEntry
from models.beneficiary import Beneficiary, BeneficiaryList
from models.beneficiary_import import ImportResult, ListMeta, store_lists
from models.csvfile import ImportRejected
from models.person import Role
from models.region import Pekon
from tests.factories import TRIMULYO, add_member, seed_pekon
from tests.reconcile.world import ListRow, ledger_people, noisy_list

Store = Callable[[AsyncSession, dict[str, list[dict[str, object]]], ListMeta, str], Awaitable[ImportResult]]
KECAMATAN = [TRIMULYO, "18.04.15.2005", "18.04.15.2006", "18.04.15.2007"]
ELSEWHERE = "18.04.16.2001"
TODAY = date(2026, 11, 20)
COLUMNS = [c.name for c in Beneficiary.__table__.columns if c.name not in ("id", "list_id")]
UNIT = 2 + COLUMNS.index("unit_id")  # in a row of _tables()
DUSUN = ("Pemangku 1", "dusun pemangku 2", "PEMANGKU 3", "Sidomulyo", "")


def _file(rng: random.Random, pekons: list[Pekon], rows: int, bad: bool = False) -> bytes:
    """A list file for the pekon, with a DESA column naming each row's pekon by code or by name."""
    lines = ["NIK;NAMA;TGL LAHIR;JK;DUSUN;NO PESERTA;DESA"]
    for pekon in pekons:
        made: list[ListRow] = noisy_list(rng, ledger_people(rng, rows), strangers=rows // 3)
        for n, row in enumerate(made):
            born = f"{row.birth_date:%d-%m-%Y}" if row.birth_date else ""
            desa = pekon.kode if n % 2 else pekon.nama.upper()
            lines.append(
                f"{row.nik or ''};{row.name};{born};{row.sex or ''};{rng.choice(DUSUN)};P{n:04d};{desa}"
            )
    if bad:
        lines.insert(3, f"1804150101800001;Siti;31-02-1980;P;;;{pekons[0].kode}")
    return "\n".join(lines).encode()


async def _pekons(session: AsyncSession, kodes: list[str]) -> list[Pekon]:
    found = {p.kode: p for p in await session.scalars(select(Pekon).where(Pekon.kode.in_(kodes)))}
    return [found[kode] for kode in kodes]


async def _steps(session: AsyncSession, store: Store, member_id: int) -> list[object]:
    """The imports, each committed or refused; what each returned (list ids relative to the first)."""
    rng = random.Random(41)
    pkh = ListMeta("PKH", "dinsos-09.csv", date(2026, 9, 1), "Ratna")
    newer = ListMeta("PKH", "dinsos-11.csv", date(2026, 11, 1), "Ratna", member_id)
    steps: list[tuple[list[str], int, bool, ListMeta, str]] = [
        (KECAMATAN, 40, False, pkh, "cli"),
        ([ELSEWHERE], 30, False, pkh, "cli"),
        (KECAMATAN[:2], 20, False, ListMeta("PBI-JK", "bpjs.xlsx", pkh.as_of, "Adi"), "cli"),
        (KECAMATAN[1:3], 35, False, newer, "telegram"),
        (KECAMATAN, 10, False, ListMeta("PKH", "lama.csv", date(2026, 10, 1), "R"), "cli"),
        (KECAMATAN, 10, True, newer, "whatsapp"),
        (KECAMATAN[2:], 25, False, newer, "whatsapp"),
    ]
    outcomes: list[object] = []
    for kodes, rows, bad, meta, channel in steps:
        pekons = await _pekons(session, kodes)
        try:
            planned = await plan_list(session, read_list(_file(rng, pekons, rows, bad)), pekons, TODAY)
            result = await store(session, planned, meta, channel)
        except ImportRejected as refused:
            await session.rollback()
            outcomes.append([(p.line, p.code, p.detail) for p in refused.problems])
            continue
        await session.commit()
        outcomes.append((result.rows, list(result.list_ids), result.replaced))
    return outcomes


async def _tables(session: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every list, row and import audit entry, ids counted from each table's first (creation times
    left out)."""
    lists = list(await session.scalars(select(BeneficiaryList).order_by(BeneficiaryList.id)))
    rows = list(await session.scalars(select(Beneficiary).order_by(Beneficiary.id)))
    audits = await session.scalars(
        select(AuditEntry).where(AuditEntry.action == "beneficiary_list.import").order_by(AuditEntry.id)
    )
    first, first_row = lists[0].id, rows[0].id

    def rel(id_: object) -> int | None:
        return None if id_ is None else int(str(id_)) - first

    return {
        "lists": [
            (rel(b.id), b.pekon_kode, b.program, b.source, b.as_of, b.imported_by, b.imported_by_member_id,
             b.rows, rel(b.replaced_by_id))
            for b in lists
        ],
        "rows": [(r.id - first_row, rel(r.list_id), *(getattr(r, c) for c in COLUMNS)) for r in rows],
        "audit": [
            (a.actor_member_id, a.channel, a.entity, rel(a.entity_id),
             a.before and {**a.before, "list": rel(a.before["list"])}, a.after)
            for a in audits
        ],
    }  # fmt: skip


async def _erase(session: AsyncSession) -> None:
    await session.execute(delete(AuditEntry).where(AuditEntry.action == "beneficiary_list.import"))
    await session.execute(delete(Beneficiary))
    await session.execute(delete(BeneficiaryList))
    await session.commit()


async def _world(session: AsyncSession) -> int:
    for n, kode in enumerate([*KECAMATAN, ELSEWHERE]):
        await seed_pekon(session, kode=kode, nama=f"Pekon {n}", units=3)
    return (await add_member(session, "Ratna", Role.STAFF, pekon_kode=TRIMULYO)).id


async def test_the_set_based_import_stores_what_the_per_pekon_import_stored(session: AsyncSession) -> None:
    member_id = await _world(session)
    before = await _steps(session, store_lists_per_pekon, member_id)
    old = await _tables(session)
    await _erase(session)
    after = await _steps(session, store_lists, member_id)
    new = await _tables(session)
    assert after == before
    assert [o[2] for o in after if isinstance(o, tuple)] == [0, 0, 0, 2, 2]  # versions replaced
    assert [o[0][1] for o in after if isinstance(o, list)] == ["list_older", "bad_date"]
    assert len(new["lists"]) == 11 and sum(1 for b in new["lists"] if b[-1] is not None) == 4
    assert len(new["rows"]) == sum(b[7] for b in new["lists"]) and {r[UNIT] for r in new["rows"]} > {None}
    for name in ("lists", "rows", "audit"):
        assert new[name] == old[name], name


@pytest.mark.parametrize("wide", [False, True])
async def test_an_import_runs_as_many_statements_for_five_pekon_as_for_one(
    session: AsyncSession, engine: AsyncEngine, wide: bool
) -> None:
    """Set-based: the statements do not grow with the pekon (the per-pekon import ran five per pekon)."""
    await _world(session)
    pekons = list(await session.scalars(select(Pekon).order_by(Pekon.kode)))
    chosen = pekons if wide else pekons[:1]
    rng = random.Random(5)
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for meta in (ListMeta("PKH", "a.csv", date(2026, 9, 1), "R"), ListMeta("PKH", "b.csv", TODAY, "R")):
        planned = await plan_list(session, read_list(_file(rng, chosen, 30)), chosen, TODAY)
        statements.clear()
        result = await store_lists(session, planned, meta)
        await session.commit()
    # the second import: current versions, new versions, rows, replaced marks, audit entries
    assert len(statements) == 5, statements
    assert result.replaced == len(chosen)


async def test_a_version_already_loaded_in_the_session_shows_it_was_replaced(session: AsyncSession) -> None:
    await _world(session)
    pekon = await session.get(Pekon, TRIMULYO)
    assert pekon is not None
    rng = random.Random(6)
    first = await store_lists(
        session, await plan_list(session, read_list(_file(rng, [pekon], 5)), [pekon], TODAY),
        ListMeta("PKH", "a.csv", date(2026, 9, 1), "R"),
    )  # fmt: skip
    await session.commit()
    loaded = await session.get(BeneficiaryList, first.list_ids[TRIMULYO])
    assert loaded is not None and loaded.replaced_by_id is None
    second = await store_lists(
        session, await plan_list(session, read_list(_file(rng, [pekon], 5)), [pekon], TODAY),
        ListMeta("PKH", "b.csv", TODAY, "R"),
    )  # fmt: skip
    assert loaded.replaced_by_id == second.list_ids[TRIMULYO]
