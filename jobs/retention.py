"""The retention pass: personal data outside the ledger is kept only as long as it serves.

Drafts left longer than the draft TTL are blanked as an expired draft's next turn would reset
them. After `retention_days` the payload of every outbox row that is done (sent, delivered, read,
failed or dead) is blanked, walking the outbox by id from a durable watermark (so a run reads only
the rows that grew old since the last one), and every processed or dead webhook body is deleted
(a message of a dead body still waiting in its person's queue is cleared and set aside). Used or
expired sign-in links and ended sessions are deleted, old invite codes retired, old registration
tries and old numbers people moved away from deleted. Everything is done in batches of BATCH
rows, one transaction each, so PostgreSQL
never holds many row locks for long and the chat's writes pass in between on SQLite. Rows keep
their ids, dedupe keys, statuses and times, so a redelivered message is still dropped and a
reminder step still goes out once.

The pass holds a PostgreSQL session advisory lock for its whole run (its batches commit on their
own, so a transaction lock would not cover them): a second runner waits and then finds nothing.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from jobs.context import JobContext
from models.retention import (
    blank_expired_drafts,
    delete_dead_sign_ins,
    delete_inbound_batch,
    delete_kept_list_files,
    delete_moved_addresses,
    delete_registration_attempts,
    retire_invite_codes,
    set_aside_waiting,
)
from models.retention_outbox import blank_outbox_batch, keyboards

log = logging.getLogger(__name__)

BATCH = 5_000
LOCK_NAME = "pass:retention"
Batch = Callable[[AsyncSession, int], Awaitable[int]]  # (session, limit) -> rows changed


async def run_retention(ctx: JobContext, now: datetime, batch: int = BATCH) -> int:
    """Blank, delete and retire what is past retention at `now`; returns how many rows changed."""
    before = now - timedelta(days=ctx.schedule.retention_days)
    idle_before = now - timedelta(hours=ctx.schedule.draft_ttl_hours)
    async with _exclusive(ctx.sessionmaker):
        drafts = await _in_batches(ctx.sessionmaker, batch, partial(blank_expired_drafts, idle_before))
        outbox = await _blank_outbox(ctx.sessionmaker, before, batch)
        inbound = await _in_batches(ctx.sessionmaker, batch, partial(delete_inbound_batch, before))
        inbound += await _in_batches(ctx.sessionmaker, batch, partial(set_aside_waiting, before, now))
        async with ctx.sessionmaker() as session:
            tokens = await delete_dead_sign_ins(session, now)
            invites = await retire_invite_codes(session, before)
            tries = await delete_registration_attempts(session, before)
            moved = await delete_moved_addresses(session, before)
            lists = await delete_kept_list_files(session, now)
            await session.commit()
    log.info(
        "retention: drafts %d, outbox %d, inbound %d, sign-ins %d, invites %d, tries %d, list files %d, "
        "old numbers %d", drafts, outbox, inbound, tokens, invites, tries, lists, moved,
    )  # fmt: skip
    return drafts + outbox + inbound + tokens + invites + tries + lists + moved


async def _blank_outbox(sessionmaker: async_sessionmaker[AsyncSession], before: datetime, batch: int) -> int:
    """Walk the outbox from its watermark, a transaction a batch, until the walk stops."""
    async with sessionmaker() as session:
        held = await keyboards(session)  # after the drafts: a blanked draft holds no keyboard
    total = 0
    while True:
        async with sessionmaker() as session:
            blanked, stopped = await blank_outbox_batch(session, before, batch, held)
            await session.commit()
        total += blanked
        if stopped:
            return total


async def _in_batches(sessionmaker: async_sessionmaker[AsyncSession], batch: int, step: Batch) -> int:
    """Repeat `step` (changing up to `batch` rows), a transaction each, until it changes fewer."""
    total = 0
    while True:
        async with sessionmaker() as session:
            changed = await step(session, batch)
            await session.commit()
        total += changed
        if changed < batch:
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
