"""The beneficiary lists' version per scope (models.dashboard_cache lists_version), kept by the
database's triggers on beneficiary_list and beneficiary_match: a decision moves its pekon's,
kecamatan's and kabupaten's and no other; a match whose id was handed out first but committed last
still moves it (PostgreSQL); an import not yet committed holds up no birth in its pekon."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.beneficiary import Beneficiary, BeneficiaryList, BeneficiaryMatch, MatchKind, MatchStatus
from models.beneficiary_match import decide
from models.dashboard_cache import LISTS_KEY, Version, lists_version
from models.event import EventPerson
from models.region import Unit
from tests.models.dashboard_world import KEC, OTHER, A, B, at, build
from tests.models.test_dashboard_cache import _birth  # models.person_input moves PersonInput

KAB, OTHER_KEC = KEC[:5], OTHER[:8]
SCOPES = (A, KEC, KAB, OTHER_KEC, OTHER)
NOW = at(date(2027, 1, 20))


async def _fresh(session: AsyncSession, scope: str) -> Version | None:
    session.info.pop(LISTS_KEY, None)  # a new request
    return await lists_version(session, scope)


async def _seen(session: AsyncSession) -> dict[str, Version | None]:
    return {scope: await _fresh(session, scope) for scope in SCOPES}


async def _listed(session: AsyncSession, pekon: str) -> int:
    """A list of one row for the pekon, committed; the row's id."""
    listed = BeneficiaryList(pekon_kode=pekon, program="PKH", source="dinsos.csv", as_of=date(2026, 9, 1),
                             imported_by="operator", rows=1)  # fmt: skip
    session.add(listed)
    await session.flush()
    row = Beneficiary(list_id=listed.id, line=2, name="Sukardi", name_key="sukardi")
    session.add(row)
    await session.commit()
    return row.id


async def _match(session: AsyncSession, pekon: str, beneficiary_id: int) -> BeneficiaryMatch:
    """A pending match of the list row with a person of the pekon's ledger, flushed, not committed."""
    person = await session.scalar(select(EventPerson.id).where(EventPerson.pekon_kode == pekon).limit(1))
    assert person is not None
    match = BeneficiaryMatch(pekon_kode=pekon, beneficiary_id=beneficiary_id, event_person_id=person,
                             kind=MatchKind.PROBABLE, score=90, status=MatchStatus.PENDING,
                             person_key="x")  # fmt: skip
    session.add(match)
    await session.flush()
    return match


async def test_a_decision_moves_its_pekon_kecamatan_and_kabupaten_not_another(session: AsyncSession) -> None:
    await build(session)
    match = await _match(session, A, await _listed(session, A))
    await session.commit()
    before = await _seen(session)
    assert await decide(session, match, confirm=True, member_id=None, channel="console", now=NOW)
    await session.commit()
    after = await _seen(session)
    assert {scope: after[scope] != before[scope] for scope in SCOPES} == {
        A: True, KEC: True, KAB: True, OTHER_KEC: False, OTHER: False}  # fmt: skip
    assert await lists_version(session, "18") is None  # no region's code: nothing kept


async def test_a_match_committed_after_a_later_one_still_moves_the_version(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """PostgreSQL hands out ids before commit: the smaller id commits last. (SQLite has one writer.)"""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite writers are serialised: ids commit in order")
    await build(session)
    rows = {pekon: await _listed(session, pekon) for pekon in (A, B)}
    async with sessionmaker() as first, sessionmaker() as second, sessionmaker() as reader:
        smaller = await _match(first, A, rows[A])  # the smaller id, not yet committed
        larger = await _match(second, B, rows[B])  # the larger id, committed first
        assert smaller.id < larger.id
        await second.commit()
        seen = await _fresh(reader, KEC)
        await reader.rollback()
        await first.commit()
        assert await _fresh(reader, KEC) != seen


async def test_an_import_not_yet_committed_holds_up_no_birth_in_its_pekon(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """An import of a national list runs a minute in one transaction; the lists' marks are rows of
    their own, so the chat's writes to the ledger (and its marks) of the pekon do not wait on it."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever the marks")
    await build(session)
    async with sessionmaker() as importing, sessionmaker() as chat:
        importing.add(BeneficiaryList(pekon_kode=A, program="PKH", source="dinsos.csv", rows=0,
                                      as_of=date(2026, 9, 1), imported_by="operator"))  # fmt: skip
        await importing.flush()  # the lists' mark written, not committed
        await chat.execute(text("SET LOCAL lock_timeout = '2s'"))
        unit = await chat.scalar(select(Unit).where(Unit.pekon_kode == A).order_by(Unit.id))
        assert unit is not None
        await _birth(chat, unit)
        await chat.commit()  # no lock timeout
        await importing.rollback()
        assert await _fresh(session, A) == (0, 0)  # rolled back: no mark


async def test_a_write_of_many_rows_counts_each_row_in_its_own_pekon(session: AsyncSession) -> None:
    """One statement over many matches of many pekon (a refresh, a deletion) moves each pekon by its
    rows, alike on SQLite (row triggers) and PostgreSQL (statement triggers); a list moves every pekon."""
    await build(session)
    rows = {pekon: await _listed(session, pekon) for pekon in (A, B)}
    people = list(await session.scalars(select(EventPerson.id).where(EventPerson.pekon_kode == A).limit(3)))
    matches = [{"pekon_kode": pekon, "beneficiary_id": rows[pekon], "event_person_id": person,
                "kind": "certain", "score": 100, "status": "certain", "person_key": "x"}
               for pekon, person in [(A, people[0]), (A, people[1]), (B, people[2])]]  # fmt: skip
    before = {pekon: await _fresh(session, pekon) for pekon in (A, B, OTHER)}
    assert before == {A: (0, 2), B: (0, 2), OTHER: (0, 2)}  # two lists, each a finding anywhere
    await session.execute(insert(BeneficiaryMatch), matches)
    await session.execute(update(BeneficiaryMatch).values(score=99))
    await session.execute(delete(BeneficiaryMatch))
    after = {pekon: await _fresh(session, pekon) for pekon in (A, B, OTHER)}
    assert after == {A: (2 + 4 + 2, 2), B: (1 + 2 + 1, 2), OTHER: (0, 2)}  # an update: old and new row
    await session.execute(update(BeneficiaryList).where(BeneficiaryList.pekon_kode == A).values(source="x"))
    assert {pekon: await _fresh(session, pekon) for pekon in (A, B, OTHER)} == {
        A: (8, 4), B: (4, 4), OTHER: (0, 4)}  # fmt: skip
