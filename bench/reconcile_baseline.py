"""The per-pekon list import as it was before the set-based `store_lists`: five statements or so per
pekon (the current version, the new version, its rows, the replaced mark, the audit entry). Kept only
as bench/reconcile.py's in-run baseline and as the oracle tests/reconcile/test_import_sets.py checks
the set-based import against."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import record_audit
from models.beneficiary import BeneficiaryList
from models.beneficiary_import import CHUNK, ROWS, ImportResult, ListMeta
from models.csvfile import Problem, check


async def _current(session: AsyncSession, pekon_kode: str, program: str) -> BeneficiaryList | None:
    found: BeneficiaryList | None = await session.scalar(
        select(BeneficiaryList).where(
            BeneficiaryList.pekon_kode == pekon_kode,
            BeneficiaryList.program == program,
            BeneficiaryList.replaced_by_id.is_(None),
        )
    )
    return found


async def store_lists_per_pekon(
    session: AsyncSession, planned: dict[str, list[dict[str, object]]], meta: ListMeta, channel: str = "cli"
) -> ImportResult:
    """The old `store_lists`, pekon by pekon."""
    result = ImportResult()
    olds = {kode: await _current(session, kode, meta.program) for kode in planned}
    older = [kode for kode, old in olds.items() if old is not None and old.as_of > meta.as_of]
    if older:
        old = olds[older[0]]
        assert old is not None
        check([Problem(None, "list_older", {"kode": older[0], "per": old.as_of.isoformat()})])
    for kode, rows in planned.items():
        new = BeneficiaryList(
            pekon_kode=kode,
            program=meta.program,
            source=meta.source[:200],
            as_of=meta.as_of,
            imported_by=meta.importer[:120],
            imported_by_member_id=meta.member_id,
            rows=len(rows),
        )
        session.add(new)
        await session.flush()
        for start in range(0, len(rows), CHUNK):
            chunk = [{**r, "list_id": new.id} for r in rows[start : start + CHUNK]]
            await session.execute(insert(ROWS), chunk)
        old = olds[kode]
        if old is not None:
            old.replaced_by_id = new.id
            result.replaced += 1
        record_audit(
            session,
            actor_member_id=meta.member_id,
            channel=channel,
            action="beneficiary_list.import",
            entity="beneficiary_list",
            entity_id=new.id,
            before=None if old is None else {"list": old.id, "per": old.as_of.isoformat(), "rows": old.rows},
            after={"pekon": kode, "program": meta.program, "per": meta.as_of.isoformat(), "rows": len(rows),
                   "source": meta.source[:200], "by": meta.importer[:120]},
        )  # fmt: skip
        result.rows[kode], result.list_ids[kode] = len(rows), new.id
    await session.flush()
    return result
