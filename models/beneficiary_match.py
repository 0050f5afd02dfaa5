"""Matching a pekon's beneficiary lists against the ledger's standing person lines.

Certain: the same valid 16-digit NIK. Probable: the names match (honorifics, accents, case and
order aside: rapidfuzz token-set similarity >= 90), the NIKs are within two edits or one side has
none, and birth date and sex agree wherever both sides have them; always within one pekon. A
probable match counts only after staff confirm it; the decision is kept and never asked again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.audit import record_audit
from models.beneficiary import (
    Beneficiary,
    BeneficiaryList,
    BeneficiaryMatch,
    MatchKind,
    MatchStatus,
    match_name,
    nik_sex,
    valid_nik,
)
from models.event import Action, Event, EventPerson

NAME_CUTOFF = 90
CHUNK = 2000  # pekon per statement: bounded memory, and under the drivers' 32,767 parameters
BULK = 20_000  # list rows matched at once from which the planner's statistics are refreshed
NIK_EDITS = 2


@dataclass(frozen=True)
class Person:
    """What matching compares of a list row or a ledger line."""

    id: int
    name_key: str
    nik: str | None
    birth_date: date | None
    sex: str | None


@dataclass(frozen=True)
class Candidate:
    """A list row found in the ledger."""

    beneficiary_id: int
    event_person_id: int
    kind: MatchKind
    score: int


def person_key(row: Person) -> str:
    """What identifies a list row across versions of a list (a decision follows it)."""
    return f"{row.nik or ''}|{row.name_key}|{row.birth_date or ''}"[:200]


def _nik_close(row: Person, line: Person) -> bool | None:
    """Whether both NIKs are within two edits; None when one side has none."""
    if not row.nik or not line.nik:
        return None
    return bool(Levenshtein.distance(row.nik, line.nik, score_cutoff=NIK_EDITS) <= NIK_EDITS)


def _born(person: Person) -> tuple[int, int, int] | None:
    """Day, month and two-digit year of birth: as given, else as a valid NIK encodes them."""
    if person.birth_date:
        return person.birth_date.day, person.birth_date.month, person.birth_date.year % 100
    if valid_nik(person.nik) and person.nik:
        return int(person.nik[6:8]) % 40, int(person.nik[8:10]), int(person.nik[10:12])
    return None


def _sex(person: Person) -> str | None:
    return person.sex or (nik_sex(person.nik) if person.nik and valid_nik(person.nik) else None)


def _evidence(row: Person, line: Person) -> bool | None:
    """True when birth dates or NIKs back the names up, False when a fact disagrees, None when
    there is nothing to compare beyond the names."""
    close = _nik_close(row, line)
    if close is False:
        return False
    rb, lb = _born(row), _born(line)
    if rb and lb and rb != lb:
        return False
    rs, ls = _sex(row), _sex(line)
    if rs and ls and rs != ls:
        return False
    return True if close or (rb and lb) else None


def _part_of(a: str, b: str) -> bool:
    """One name has words the other lacks ("Fajar Pratama", "Suparman Fajar Pratama"): token-set
    similarity says 100, but without a birth date or NIK to back it up that is too weak."""
    return len(a.split()) != len(b.split())


def find_matches(rows: Sequence[Person], lines: Sequence[Person]) -> list[Candidate]:
    """Every certain and probable match between a pekon's list rows and its ledger lines."""
    by_nik: dict[str, list[Person]] = defaultdict(list)
    for row in rows:
        if valid_nik(row.nik):
            by_nik[row.nik or ""].append(row)
    keys = [row.name_key for row in rows]
    found: list[Candidate] = []
    for line in lines:
        certain = {row.id for row in by_nik.get(line.nik or "", ())} if valid_nik(line.nik) else set()
        found += [Candidate(i, line.id, MatchKind.CERTAIN, 100) for i in sorted(certain)]
        hits = process.extract(
            line.name_key, keys, scorer=fuzz.token_set_ratio, score_cutoff=NAME_CUTOFF, limit=None
        )
        for _, score, index in hits:
            row = rows[index]
            if row.id in certain or (evidence := _evidence(row, line)) is False:
                continue
            if evidence or not _part_of(row.name_key, line.name_key):
                found.append(Candidate(row.id, line.id, MatchKind.PROBABLE, round(score)))
    return found


def standing() -> list[Any]:
    """Conditions for a person line that stands now: reported (not a reversal), of an event neither
    cancelled nor replaced by a correction (NOT EXISTS on the correction_of_id index, per line, so
    it costs the same for one pekon or the nation)."""
    correction = aliased(Event)
    corrected = select(correction.id).where(correction.correction_of_id == Event.id)
    return [
        EventPerson.sign > 0,
        Event.id == EventPerson.event_id,
        Event.action != Action.CANCEL,
        ~corrected.exists(),
    ]


def current_lists(pekon_kodes: Sequence[str]) -> Any:
    """Conditions for the current version of each program's list of these pekon."""
    return [BeneficiaryList.pekon_kode.in_(pekon_kodes), BeneficiaryList.replaced_by_id.is_(None)]


def chunks(kodes: Sequence[str]) -> list[Sequence[str]]:
    """Pekon codes in slices of CHUNK, each one statement's worth."""
    return [kodes[start : start + CHUNK] for start in range(0, len(kodes), CHUNK)]


async def _list_rows(session: AsyncSession, kodes: Sequence[str]) -> dict[str, list[Person]]:
    core = await session.connection()  # plain rows: the ORM's loading costs a third more here
    rows = await core.execute(
        select(
            BeneficiaryList.pekon_kode,
            Beneficiary.id,
            Beneficiary.name_key,
            Beneficiary.nik,
            Beneficiary.birth_date,
            Beneficiary.sex,
        )
        .join(BeneficiaryList, BeneficiaryList.id == Beneficiary.list_id)
        .where(*current_lists(kodes))
        .order_by(Beneficiary.id)
    )
    found: dict[str, list[Person]] = defaultdict(list)
    for pekon, *row in rows:
        found[pekon].append(Person(*row))
    return found


async def _ledger_lines(session: AsyncSession, kodes: Sequence[str]) -> dict[str, list[Person]]:
    ep = EventPerson
    rows = await session.execute(
        select(ep.pekon_kode, ep.id, ep.name, ep.nik, ep.birth_date, ep.sex)
        .select_from(ep)
        .join(Event, Event.id == ep.event_id)
        .where(ep.pekon_kode.in_(kodes), *standing())
        .order_by(ep.id)
    )
    found: dict[str, list[Person]] = defaultdict(list)
    for pekon, i, name, nik, born, sex in rows:
        found[pekon].append(Person(i, match_name(name), nik, born, sex))
    return found


async def _known(session: AsyncSession, kodes: Sequence[str]) -> set[tuple[int, int]]:
    """The (list row, ledger line) pairs already recorded for these pekon's current lists."""
    known = await session.execute(
        select(BeneficiaryMatch.beneficiary_id, BeneficiaryMatch.event_person_id)
        .join(Beneficiary, Beneficiary.id == BeneficiaryMatch.beneficiary_id)
        .join(BeneficiaryList, BeneficiaryList.id == Beneficiary.list_id)
        .where(*current_lists(kodes))
    )
    return set(known.tuples())


async def refresh_matches(session: AsyncSession, pekon_kode: str) -> int:
    """Record the matches not yet known between the pekon's current lists and its ledger (see
    refresh_matches_in). Returns how many."""
    return await refresh_matches_in(session, [pekon_kode])


async def refresh_matches_in(session: AsyncSession, pekon_kodes: Sequence[str]) -> int:
    """Record the matches not yet known between these pekon's current lists and their ledgers,
    each pekon against its own; a probable match takes over a decision staff already made about
    the same person and line. Idempotent: run it after an import, before a check, after a month
    close. Five statements per 2,000 pekon (then the inserts). Returns how many."""
    made = read = 0
    for kodes in chunks(list(dict.fromkeys(pekon_kodes))):
        rows = await _list_rows(session, kodes)
        read += sum(len(listed) for listed in rows.values())
        if not rows:
            continue
        lines = await _ledger_lines(session, list(rows))
        known = await _known(session, list(rows))
        found = [c for kode, listed in rows.items() for c in find_matches(listed, lines.get(kode, []))]
        new = [c for c in found if (c.beneficiary_id, c.event_person_id) not in known]
        if new:
            made += await _store(session, rows, new)
    if read >= BULK:
        await _refresh_statistics(session)
    return made


async def _refresh_statistics(session: AsyncSession) -> None:
    """Let PostgreSQL's planner see the rows a bulk import and its matching just wrote (as the month
    close does): planned on a fresh table's empty statistics, the findings of 1,662 pekon took 11 s
    instead of 0.1 s (nested loops over a full scan of the matches per list)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("ANALYZE beneficiary_list, beneficiary, beneficiary_match"))


async def _store(session: AsyncSession, rows: dict[str, list[Person]], new: list[Candidate]) -> int:
    """Insert the new candidates, each carrying an earlier decision about its person and line."""
    decided = await _decisions(session, list(rows))
    by_id = {row.id: (kode, row) for kode, listed in rows.items() for row in listed}
    values = []
    for c in new:
        kode, row = by_id[c.beneficiary_id]
        key = person_key(row)
        status = MatchStatus.CERTAIN if c.kind == MatchKind.CERTAIN else MatchStatus.PENDING
        earlier = decided.get((key, c.event_person_id)) if c.kind == MatchKind.PROBABLE else None
        values.append(
            {
                "pekon_kode": kode,
                "beneficiary_id": c.beneficiary_id,
                "event_person_id": c.event_person_id,
                "kind": c.kind,
                "score": c.score,
                "status": earlier[0] if earlier else status,
                "person_key": key,
                "decided_by_member_id": earlier[1] if earlier else None,
                "decided_at": earlier[2] if earlier else None,
            }
        )
    for start in range(0, len(values), 1000):
        await session.execute(insert(BeneficiaryMatch), values[start : start + 1000])
    return len(values)


async def _decisions(
    session: AsyncSession, kodes: Sequence[str]
) -> dict[tuple[str, int], tuple[str, int | None, datetime | None]]:
    rows = await session.execute(
        select(
            BeneficiaryMatch.person_key,
            BeneficiaryMatch.event_person_id,
            BeneficiaryMatch.status,
            BeneficiaryMatch.decided_by_member_id,
            BeneficiaryMatch.decided_at,
        )
        .where(
            BeneficiaryMatch.pekon_kode.in_(kodes),
            BeneficiaryMatch.status.in_([MatchStatus.CONFIRMED, MatchStatus.REJECTED]),
        )
        .order_by(BeneficiaryMatch.id)
    )
    return {(key, line): (status, who, when) for key, line, status, who, when in rows}


async def decide(
    session: AsyncSession,
    match: BeneficiaryMatch,
    *,
    confirm: bool,
    member_id: int | None,
    channel: str,
    now: datetime,
) -> bool:
    """Confirm or reject a pending probable match (audited); False when it was already decided."""
    if match.status != MatchStatus.PENDING:
        return False
    before = match.status
    match.status = MatchStatus.CONFIRMED if confirm else MatchStatus.REJECTED
    match.decided_by_member_id, match.decided_at = member_id, now
    record_audit(
        session,
        actor_member_id=member_id,
        channel=channel,
        action=f"beneficiary_match.{'confirm' if confirm else 'reject'}",
        entity="beneficiary_match",
        entity_id=match.id,
        before={"status": before},
        after={"status": match.status, "pekon": match.pekon_kode},
    )
    await session.flush()
    return True
