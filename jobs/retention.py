"""The retention pass: personal data outside the ledger is kept only as long as it serves.

After `retention_days` the payload of every outbox row that is done (sent, delivered, read, failed
or dead) and the body of every processed webhook body are blanked, in batches of BATCH rows, one
transaction each, so PostgreSQL never holds many row locks for long and the chat's writes pass in
between on SQLite. Used or expired sign-in links and ended sessions are deleted, old invite codes
retired, old registration tries deleted. Rows keep their ids, dedupe keys, statuses and times, so a
redelivered message is still dropped and a reminder step still goes out once.

The pass holds a PostgreSQL session advisory lock for its whole run (its batches commit on their
own, so a transaction lock would not cover them): a second runner waits and then finds nothing.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from jobs.context import JobContext
from models.retention import (
    blank_inbound_batch,
    blank_outbox_batch,
    delete_dead_sign_ins,
    delete_kept_list_files,
    delete_registration_attempts,
    kept_outbox_rows,
    retire_invite_codes,
)

log = logging.getLogger(__name__)

BATCH = 5_000
LOCK_NAME = "pass:retention"


async def run_retention(ctx: JobContext, now: datetime, batch: int = BATCH) -> int:
    """Blank, delete and retire what is past retention at `now`; returns how many rows changed."""
    before = now - timedelta(days=ctx.schedule.retention_days)
    async with _exclusive(ctx.sessionmaker):
        outbox = await _blank_outbox(ctx.sessionmaker, before, batch)
        inbound = await _blank_inbound(ctx.sessionmaker, before, batch)
        async with ctx.sessionmaker() as session:
            tokens = await delete_dead_sign_ins(session, now)
            invites = await retire_invite_codes(session, before)
            tries = await delete_registration_attempts(session, before)
            lists = await delete_kept_list_files(session, now)
            await session.commit()
    log.info(
        "retention: outbox %d, inbound %d, sign-ins %d, invites %d, tries %d, list files %d",
        outbox, inbound, tokens, invites, tries, lists,
    )  # fmt: skip
    return outbox + inbound + tokens + invites + tries + lists


async def _blank_outbox(sessionmaker: async_sessionmaker[AsyncSession], before: datetime, batch: int) -> int:
    async with sessionmaker() as session:
        keep = await kept_outbox_rows(session)
    total, after = 0, 0
    while True:
        async with sessionmaker() as session:
            blanked, last = await blank_outbox_batch(session, before, after, batch, keep)
            await session.commit()
        if last is None:
            return total
        total, after = total + blanked, last


async def _blank_inbound(sessionmaker: async_sessionmaker[AsyncSession], before: datetime, batch: int) -> int:
    total = 0
    while True:
        async with sessionmaker() as session:
            blanked = await blank_inbound_batch(session, before, batch)
            await session.commit()
        total += blanked
        if blanked < batch:
            return total


@asynccontextmanager
async def _exclusive(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[None]:
    """Hold the pass's lock on PostgreSQL for the whole run, on a connection of its own (not in a
    transaction: an idle open transaction would hold back vacuum for the pass's length)."""
    engine: AsyncEngine = sessionmaker.kw["bind"]
    if engine.dialect.name != "postgresql":  # one process, and each batch holds the write lock
        yield
        return
    key = {"key": zlib.crc32(LOCK_NAME.encode())}
    async with engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
        await conn.commit()
        try:
            yield
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)
            await conn.commit()
