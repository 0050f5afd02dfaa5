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
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

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


def standing(pekon_kode: str) -> list[Any]:
    """Conditions for a person line of the pekon that stands now: reported (not a reversal), of an
    event neither cancelled nor replaced by a correction. The corrected events are one uncorrelated
    subquery, evaluated once (event.correction_of_id has no index of its own)."""
    corrected = select(Event.correction_of_id).where(
        Event.pekon_kode == pekon_kode, Event.correction_of_id.is_not(None)
    )
    return [
        EventPerson.sign > 0,
        Event.id == EventPerson.event_id,
        Event.action != Action.CANCEL,
        Event.id.not_in(corrected.scalar_subquery()),
    ]


def current_lists(pekon_kodes: Sequence[str]) -> Any:
    """Conditions for the current version of each program's list of these pekon."""
    return [BeneficiaryList.pekon_kode.in_(pekon_kodes), BeneficiaryList.replaced_by_id.is_(None)]


async def _list_rows(session: AsyncSession, pekon_kode: str) -> list[Person]:
    rows = await session.execute(
        select(Beneficiary.id, Beneficiary.name_key, Beneficiary.nik, Beneficiary.birth_date, Beneficiary.sex)
        .join(BeneficiaryList, BeneficiaryList.id == Beneficiary.list_id)
        .where(*current_lists([pekon_kode]))
        .order_by(Beneficiary.id)
    )
    return [Person(*row) for row in rows]


async def _ledger_lines(session: AsyncSession, pekon_kode: str) -> list[Person]:
    ep = EventPerson
    rows = await session.execute(
        select(ep.id, ep.name, ep.nik, ep.birth_date, ep.sex)
        .where(ep.pekon_kode == pekon_kode, *standing(pekon_kode))
        .order_by(ep.id)
    )
    return [Person(i, match_name(name), nik, born, sex) for i, name, nik, born, sex in rows]


async def refresh_matches(session: AsyncSession, pekon_kode: str) -> int:
    """Record the matches not yet known between the pekon's current lists and its ledger; a
    probable match takes over a decision staff already made about the same person and line.
    Idempotent: run it after an import, before a check, after a month close. Returns how many."""
    rows = await _list_rows(session, pekon_kode)
    if not rows:
        return 0
    found = find_matches(rows, await _ledger_lines(session, pekon_kode))
    known = set(
        (
            await session.execute(
                select(BeneficiaryMatch.beneficiary_id, BeneficiaryMatch.event_person_id)
                .join(Beneficiary, Beneficiary.id == BeneficiaryMatch.beneficiary_id)
                .join(BeneficiaryList, BeneficiaryList.id == Beneficiary.list_id)
                .where(*current_lists([pekon_kode]))
            )
        ).tuples()
    )
    new = [c for c in found if (c.beneficiary_id, c.event_person_id) not in known]
    if not new:
        return 0
    decided = await _decisions(session, pekon_kode)
    by_id = {row.id: row for row in rows}
    values = []
    for c in new:
        key = person_key(by_id[c.beneficiary_id])
        status = MatchStatus.CERTAIN if c.kind == MatchKind.CERTAIN else MatchStatus.PENDING
        earlier = decided.get((key, c.event_person_id)) if c.kind == MatchKind.PROBABLE else None
        values.append(
            {
                "pekon_kode": pekon_kode,
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
    session: AsyncSession, pekon_kode: str
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
            BeneficiaryMatch.pekon_kode == pekon_kode,
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
