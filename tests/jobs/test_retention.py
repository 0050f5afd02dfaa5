"""The retention pass (SQLite and PostgreSQL, injected clock): old done rows are blanked, recent and
pending ones are kept whole, the once-only guarantees survive, two runners and a crash are safe."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import models.retention_outbox
from bot.db import make_engine, make_sessionmaker
from bot.messages import IncomingMessage
from jobs.context import JobContext, Schedule
from jobs.retention import run_retention
from models.conversation import Conversation
from models.identity_move import MovedAddress
from models.inbound import InboundPayload, ProcessedMessage
from models.invites import create_invite
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Channel, Identity, Invite, RegistrationAttempt, Role
from models.retention_outbox import OUTBOX, read_mark
from models.web_login import WebLink, WebSession
from tests.factories import add_member, seed_pekon
from tests.handlers.transcript import Clock, make_dispatcher

NOW = datetime(2027, 3, 10, 3, tzinfo=UTC)
OLD = NOW - timedelta(days=40)  # past the default 30 days
RECENT = NOW - timedelta(days=10)
TEXT = {"text": "Halo Budi, NIK ************1234"}


def _ctx(sessionmaker: async_sessionmaker[AsyncSession]) -> JobContext:
    return JobContext(sessionmaker, Schedule())


def _row(created: datetime, status: str, key: str | None = None) -> OutboxMessage:
    return OutboxMessage(
        channel="telegram",
        address="42",
        payload=dict(TEXT),
        status=status,
        dedupe_key=key,
        created_at=created,
    )


async def _payloads(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, dict[str, Any]]:
    async with sessionmaker() as s:
        return {r.id: r.payload for r in await s.scalars(select(OutboxMessage))}


async def test_old_done_rows_are_blanked_recent_and_pending_ones_kept(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as s:
        rows = {
            "sent": _row(OLD, OutboxStatus.SENT, "remind:2027-01:+1:m1:telegram:42"),
            "read": _row(OLD, OutboxStatus.READ),
            "dead": _row(OLD, OutboxStatus.DEAD),
            "pending": _row(OLD, OutboxStatus.PENDING),
            "recent": _row(RECENT, OutboxStatus.SENT),
        }
        s.add_all(rows.values())
        bodies = {
            "done": InboundPayload(channel="whatsapp", body=dict(TEXT), processed_at=OLD, created_at=OLD),
            "waiting": InboundPayload(channel="whatsapp", body=dict(TEXT), created_at=OLD),
            "recent": InboundPayload(channel="whatsapp", body=dict(TEXT), processed_at=RECENT),
        }
        s.add_all(bodies.values())
        await s.commit()
    done = await run_retention(_ctx(sessionmaker), NOW, batch=2)
    payloads = await _payloads(sessionmaker)
    blanked = {name for name, row in rows.items() if payloads[row.id] == {}}
    assert blanked == {"sent", "read", "dead"}
    assert all(payloads[rows[n].id] == TEXT for n in ("pending", "recent"))
    async with sessionmaker() as s:
        kept = await s.scalar(select(OutboxMessage).where(OutboxMessage.id == rows["sent"].id))
        found = {r.id: r.body for r in await s.scalars(select(InboundPayload))}
    assert kept is not None and kept.dedupe_key == "remind:2027-01:+1:m1:telegram:42"
    assert kept.status == OutboxStatus.SENT and kept.created_at == OLD
    assert found == {bodies["waiting"].id: TEXT, bodies["recent"].id: TEXT}  # the done one deleted
    assert done == 4
    assert await run_retention(_ctx(sessionmaker), NOW, batch=2) == 0


async def test_dead_sign_ins_deleted_old_invite_codes_retired(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    units = await seed_pekon(session, units=1)
    old = await create_invite(
        session, Role.PEMANGKU, unit_id=units[0].id, name="Lama", now=OLD - timedelta(15)
    )
    fresh = await create_invite(session, Role.PEMANGKU, unit_id=units[0].id, name="Baru", now=NOW)
    session.add_all(
        [
            RegistrationAttempt(channel="telegram", address="6281234", succeeded=False, created_at=OLD),
            RegistrationAttempt(channel="telegram", address="6285678", succeeded=False, created_at=NOW),
        ]
    )
    person = await add_member(session, "Pindah Nomor", Role.PEMANGKU, unit=units[0], channel=Channel.WHATSAPP)
    identity_id = await session.scalar(select(Identity.id).where(Identity.member_id == person.id))
    assert identity_id is not None
    session.add_all(
        [
            MovedAddress(channel="whatsapp", address="6281111", identity_id=identity_id, moved_at=OLD),
            MovedAddress(channel="whatsapp", address="6282222", identity_id=identity_id, moved_at=RECENT),
        ]
    )
    await session.commit()
    old_code, fresh_code = old.code, fresh.code
    await run_retention(_ctx(sessionmaker), NOW)
    async with sessionmaker() as s:
        codes = {i.name: i.code for i in await s.scalars(select(Invite))}
        tries = list(await s.scalars(select(RegistrationAttempt.address)))
        moved = list(await s.scalars(select(MovedAddress.address)))
    assert moved == ["6282222"]  # an old number is forgotten after the retention days
    assert codes == {"Lama": f"-{old.id}", "Baru": fresh_code} and old_code != codes["Lama"]
    assert tries == ["6285678"]


async def test_used_and_expired_sign_in_links_and_ended_sessions_are_deleted(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    units = await seed_pekon(session, units=1)
    staff = await add_member(session, "Ratna", Role.STAFF, pekon_kode=units[0].pekon_kode)
    minute = timedelta(minutes=1)
    session.add_all(
        [
            WebLink(token_hash="used", member_id=staff.id, expires_at=NOW + minute, used_at=NOW - minute),
            WebLink(token_hash="expired", member_id=staff.id, expires_at=NOW - minute),
            WebLink(token_hash="valid", member_id=staff.id, expires_at=NOW + minute),
            WebSession(token_hash="ended", member_id=staff.id, csrf="c", last_seen_at=NOW, ended_at=NOW),
            WebSession(
                token_hash="idle", member_id=staff.id, csrf="c", last_seen_at=NOW - timedelta(hours=13)
            ),
            WebSession(token_hash="live", member_id=staff.id, csrf="c", last_seen_at=NOW - minute),
        ]
    )
    await session.commit()
    assert await run_retention(_ctx(sessionmaker), NOW) == 4
    async with sessionmaker() as s:
        assert list(await s.scalars(select(WebLink.token_hash))) == ["valid"]
        assert list(await s.scalars(select(WebSession.token_hash))) == ["live"]


async def test_a_redelivered_message_is_still_dropped_after_the_pass(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Meta redelivers for up to 7 days (Telegram keeps updates 24 hours); the message id is kept
    whatever the pass blanks, so even a redelivery long after is dropped."""
    units = await seed_pekon(session, units=1)
    invite = await create_invite(session, Role.PEMANGKU, unit_id=units[0].id, name="Budi", now=OLD)
    await session.commit()
    clock = Clock(OLD)
    dispatcher = make_dispatcher(sessionmaker, clock)
    message = IncomingMessage(
        channel=Channel.WHATSAPP, sender_id="6281", external_id="wamid.1", received_at=OLD,
        text=f"DAFTAR {invite.code}",
    )  # fmt: skip
    assert await dispatcher.dispatch(message)
    async with sessionmaker() as s:
        await s.execute(update(OutboxMessage).values(status=OutboxStatus.SENT, created_at=OLD))
        await s.execute(update(Conversation).values(keyboard=None))
        await s.commit()
    assert await run_retention(_ctx(sessionmaker), NOW) > 0
    clock.now = NOW
    assert await dispatcher.dispatch(message) == []
    async with sessionmaker() as s:
        assert await s.scalar(select(func.count(ProcessedMessage.id))) == 1
        assert list(await s.scalars(select(OutboxMessage.payload))) == [{}]


async def test_two_runners_at_once_blank_each_row_once(
    sessionmaker: async_sessionmaker[AsyncSession], db_url: str
) -> None:
    async with sessionmaker() as s:
        s.add_all([_row(OLD, OutboxStatus.SENT) for _ in range(30)])
        await s.commit()
    other_engine = make_engine(db_url)
    try:
        other = JobContext(make_sessionmaker(other_engine), Schedule())
        done = await asyncio.gather(
            run_retention(_ctx(sessionmaker), NOW, batch=7), run_retention(other, NOW, batch=7)
        )
    finally:
        await other_engine.dispose()
    assert sum(done) == 30
    assert all(p == {} for p in (await _payloads(sessionmaker)).values())
    if other_engine.dialect.name == "postgresql":
        assert min(done) == 0  # the second waited for the first, then found nothing left


async def test_a_crash_between_batches_loses_nothing_and_the_next_run_finishes(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed in the second batch, after its rows were blanked but before its commit: that batch
    is undone whole, the watermark stays where the first batch's commit left it."""
    async with sessionmaker() as s:
        s.add_all([_row(OLD, OutboxStatus.SENT) for _ in range(12)])
        await s.commit()
    real = models.retention_outbox.save_mark
    calls = 0

    async def crashing(*args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("killed")
        await real(*args)

    monkeypatch.setattr(models.retention_outbox, "save_mark", crashing)
    with pytest.raises(ConnectionError):
        await run_retention(_ctx(sessionmaker), NOW, batch=5)
    payloads = await _payloads(sessionmaker)
    assert [payloads[i] == {} for i in sorted(payloads)] == [True] * 5 + [False] * 7
    assert await _mark(sessionmaker) == min(payloads) + 4
    monkeypatch.setattr(models.retention_outbox, "save_mark", real)
    assert await run_retention(_ctx(sessionmaker), NOW, batch=5) == 7
    assert all(p == {} for p in (await _payloads(sessionmaker)).values())
    assert await _mark(sessionmaker) == max(payloads)


async def _mark(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as s:
        return await read_mark(s, OUTBOX)
