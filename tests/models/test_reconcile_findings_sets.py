"""The set-based findings and matching (any number of pekon in a few statements) give exactly what
the per-pekon path gave, pekon by pekon, on a generated world of several pekon: noisy lists, lists
in two programs, a replaced list, NIKs shared across pekon, a cancelled death, decided matches and
rows in units that never reported."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import beneficiary_match
from models.beneficiary import Beneficiary, BeneficiaryList, BeneficiaryMatch, MatchStatus
from models.beneficiary_findings import (
    FindingKind,
    findings_by_pekon,
    findings_count_by_pekon,
    month_findings,
    pekon_findings,
)
from models.beneficiary_match import decide, refresh_matches, refresh_matches_in
from models.event import EventKind, EventPerson
from models.ledger import correct_event
from models.region import Pekon, Unit
from tests.factories import TRIMULYO, seed_pekon
from tests.reconcile.oracle import _left, oracle_findings
from tests.reconcile.seed import NOW, import_rows, record_people
from tests.reconcile.world import ListRow, ledger_people, noisy_list

PEKON = [TRIMULYO, "18.04.15.2005", "18.04.15.2006", "18.04.16.2001"]
WITHOUT_LISTS = "18.04.15.2007"
MONTHS = (date(2026, 10, 1), date(2026, 11, 1))


async def _pekon_world(
    session: AsyncSession, rng: random.Random, n: int, kode: str, shared: list[ListRow]
) -> list[ListRow]:
    """One pekon: its ledger in two of three units (the third never reports), a death cancelled, a
    PKH list with rows shared with the previous pekon, and a PBI-JK list in every other pekon."""
    units = await seed_pekon(session, kode=kode, nama=f"Pekon {n}", units=3)
    people = ledger_people(rng, 30)
    events = await record_people(session, units[:2], people, rng)
    dead = events[next(p.key for p in people if p.kind == EventKind.MENINGGAL)]
    unit = next(u for u in units if u.id == dead.unit_id)
    await correct_event(
        session, original=dead, unit=unit, persons=None, reason="salah orang",
        actor_id=None, channel="console", now=NOW,
    )  # fmt: skip
    pekon = await session.get(Pekon, kode)
    assert pekon is not None
    rows = noisy_list(rng, people, strangers=10)
    await import_rows(session, pekon, [*rows, *shared[:3]])
    if n % 2 == 0:
        await import_rows(session, pekon, rng.sample(rows, len(rows) // 2), program="PBI-JK")
    silent = list(await session.scalars(select(Beneficiary.id).join(BeneficiaryList).where(
        BeneficiaryList.pekon_kode == kode).order_by(Beneficiary.id).limit(4)))  # fmt: skip
    await session.execute(update(Beneficiary).where(Beneficiary.id.in_(silent)).values(unit_id=units[2].id))
    await session.commit()
    return rows


async def _world(session: AsyncSession, seed: int) -> None:
    """Every pekon; the first's list replaced by a newer version after its matches were decided."""
    rng = random.Random(seed)
    shared: list[ListRow] = [ListRow(None, "Bersama", "1804150101800001", None, "L")] * 3
    first: list[ListRow] = []
    for n, kode in enumerate(PEKON):
        shared = await _pekon_world(session, rng, n, kode, shared)
        first = first or shared
    await seed_pekon(session, kode=WITHOUT_LISTS, nama="Tanpa Daftar", units=1)
    await refresh_matches(session, TRIMULYO)
    pending = await session.scalars(
        select(BeneficiaryMatch).where(BeneficiaryMatch.status == MatchStatus.PENDING)
    )
    for n, match in enumerate(pending):
        await decide(session, match, confirm=n % 3 != 2, member_id=None, channel="cli", now=NOW)
    pekon = await session.get(Pekon, TRIMULYO)
    assert pekon is not None
    newer = [replace(row) for row in first if rng.random() < 0.8]
    await import_rows(session, pekon, newer, as_of=date(2026, 10, 15))


async def _matches(session: AsyncSession) -> set[tuple[object, ...]]:
    found = await session.execute(
        select(
            BeneficiaryMatch.pekon_kode,
            BeneficiaryMatch.beneficiary_id,
            BeneficiaryMatch.event_person_id,
            BeneficiaryMatch.kind,
            BeneficiaryMatch.score,
            BeneficiaryMatch.status,
            BeneficiaryMatch.person_key,
        )
    )
    return set(found.tuples())


async def _cross_pekon_matches(session: AsyncSession) -> int:
    """Matches whose list row or ledger line lies outside the match's pekon (must be none)."""
    found = await session.scalars(
        select(BeneficiaryMatch.id)
        .join(Beneficiary, Beneficiary.id == BeneficiaryMatch.beneficiary_id)
        .join(BeneficiaryList, BeneficiaryList.id == Beneficiary.list_id)
        .join(EventPerson, EventPerson.id == BeneficiaryMatch.event_person_id)
        .where(
            (BeneficiaryList.pekon_kode != BeneficiaryMatch.pekon_kode)
            | (EventPerson.pekon_kode != BeneficiaryMatch.pekon_kode)
        )
    )
    return len(list(found))


@pytest.mark.parametrize(("seed", "chunk"), [(3, 2000), (14, 2000), (14, 2)])
async def test_set_based_matching_and_findings_equal_the_per_pekon_ones(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, seed: int, chunk: int
) -> None:
    """With chunk 2 the five pekon take three statements' slices: NIKs shared across slices, and
    every pekon's findings gathered from its own slice only."""
    monkeypatch.setattr(beneficiary_match, "CHUNK", chunk)
    await _world(session, seed)
    kodes = [*PEKON, WITHOUT_LISTS]
    async with session.begin_nested() as one_by_one:
        made = sum([await refresh_matches_in(session, [kode]) for kode in kodes])
        expected = await _matches(session)
        await one_by_one.rollback()
    assert made > 0 and await refresh_matches_in(session, kodes) == made
    assert await _matches(session) == expected and await _cross_pekon_matches(session) == 0
    assert await refresh_matches_in(session, kodes) == 0  # idempotent
    for program in (None, "PKH", "PBI-JK"):
        for b2 in (True, False):
            oracle = {kode: await oracle_findings(session, kode, program, b2=b2) for kode in kodes}
            assert await findings_by_pekon(session, kodes, program, b2=b2) == oracle
            assert await pekon_findings(session, PEKON[1], program, b2=b2) == oracle[PEKON[1]]
    counts = await findings_count_by_pekon(session, [*reversed(kodes), PEKON[0]])
    assert counts == {kode: len(await oracle_findings(session, kode, b2=False)) for kode in kodes}
    assert counts[WITHOUT_LISTS] == 0
    for kode in kodes:
        every = await _left(session, kode, None)
        for month in MONTHS:
            assert await month_findings(session, kode, month) == [f for f in every if f.period == month]
    kinds = {f.kind for found in (await findings_by_pekon(session, kodes)).values() for f in found}
    assert kinds == set(FindingKind)  # the world holds every kind, so a wrong grouping shows


async def test_a_pekon_world_keeps_its_findings_when_other_pekon_are_asked_with_it(
    session: AsyncSession,
) -> None:
    """Asking for one pekon alone or among many gives the same list for it (and each unit's rows
    in units that never reported stay with their own pekon)."""
    await _world(session, 5)
    await refresh_matches_in(session, PEKON)
    together = await findings_by_pekon(session, PEKON)
    for kode in PEKON:
        alone = await pekon_findings(session, kode)
        assert together[kode] == alone
        silent = [f for f in alone if f.kind == FindingKind.BELUM_LAPOR]
        if kode != TRIMULYO:  # its current list is the newer one, its rows in no unit
            assert len(silent) >= 4 and {f.unit for f in silent} == {"Pemangku 3"}
    units = await session.scalars(select(Unit.pekon_kode).where(Unit.nama == "Pemangku 3"))
    assert sorted(units) == sorted(PEKON)


async def test_a_bulk_match_refreshes_the_planners_statistics_on_postgresql(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big import leaves fresh tables whose statistics say "empty": planned on them, the findings
    of 1,662 pekon took 100 times longer. Past BULK rows the matching analyzes the tables."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the planner's statistics are PostgreSQL's")
    monkeypatch.setattr(beneficiary_match, "BULK", 40)
    await _world(session, 7)
    counted = "SELECT reltuples FROM pg_class WHERE relname = 'beneficiary'"
    before = await session.scalar(text(counted))
    await refresh_matches_in(session, PEKON[:1])  # one small list: below BULK, nothing analyzed
    assert await session.scalar(text(counted)) == before
    await refresh_matches_in(session, PEKON)
    rows = await session.scalar(select(func.count(Beneficiary.id)))
    assert rows is not None and rows > 40 and await session.scalar(text(counted)) == rows
