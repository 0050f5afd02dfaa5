"""Group commit of the page views' audit entries: concurrent views share a commit, every entry is in
the database when its request returns, and a failed commit fails every request of its batch."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.web.writes import WriteBatch
from models.audit import AuditEntry


def _entry(n: int, **more: object) -> dict[str, object]:
    return {"actor_member_id": None, "channel": "web", "action": "web.view.pekon", "entity": "region",
            "entity_id": f"18.04.15.200{n}", "after": {"bulan": "2027-01"}, **more}  # fmt: skip


async def test_concurrent_views_share_commits_and_all_are_stored(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    commits: list[int] = []
    event.listen(engine.sync_engine, "commit", lambda _conn: commits.append(1))
    batch = WriteBatch(sessionmaker)

    async def view(n: int) -> int:
        await batch.write([_entry(n)], None)
        async with sessionmaker() as session:  # durable once the request may answer
            stored = await session.scalars(select(AuditEntry.entity_id))
            return list(stored).count(f"18.04.15.200{n}")

    assert await asyncio.gather(*(view(n) for n in range(8))) == [1] * 8
    assert 1 <= len(commits) <= 2  # the first alone, the seven that waited behind it together
    await batch.write([], None)  # nothing to write: no transaction
    assert len(commits) <= 2


async def test_a_failed_commit_fails_its_requests(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    batch = WriteBatch(sessionmaker)
    with pytest.raises(TypeError):
        await batch.write([_entry(1, no_such_column=1)], None)
    await batch.write([_entry(2)], None)  # the next batch goes on
    async with sessionmaker() as session:
        assert list(await session.scalars(select(AuditEntry.entity_id))) == ["18.04.15.2002"]
