"""The outbox sends what was queued and records what became of it: sent, retried, dead, unreachable
(staff told), documents and the WhatsApp window; the operator's view of dead rows."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot import outbox_outcome, outbox_store
from bot.channels.base import PermanentFailure, RetryLater, Unreachable
from bot.cli import _register_all, app
from bot.config import get_settings
from bot.db import make_engine, make_sessionmaker
from bot.messages import Choice, DocumentRef, OutgoingMessage
from bot.outbox_pace import backoff
from models.base import utcnow
from models.outbox import OutboxStatus, StoredDocument, coalesce, enqueue
from models.person import Channel, Identity, Role
from models.region import Unit
from tests.bot.outbox_helpers import FakeSender, make_due, queue, rows, worker_for
from tests.factories import TRIMULYO, add_member, seed_pekon

T = TypeVar("T")


async def test_sends_each_chat_in_order_and_marks_sent(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ids = await queue(sessionmaker, ("1", "a1"), ("2", "b1"), ("1", "a2"), ("2", "b2"), ("1", "a3"))
    sender = FakeSender()
    await worker_for(sessionmaker, sender).flush()
    assert sender.texts("1") == ["a1", "a2", "a3"]
    assert sender.texts("2") == ["b1", "b2"]
    stored = await rows(sessionmaker)
    assert {stored[i].status for i in ids} == {OutboxStatus.SENT}
    assert stored[ids[0]].platform_message_id == f"p{ids[0]}"
    assert stored[ids[0]].attempts == 1 and stored[ids[0]].sent_at is not None


async def test_a_sent_message_is_never_sent_again(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await queue(sessionmaker, ("1", "once"))
    sender = FakeSender()
    await worker_for(sessionmaker, sender).flush()
    await worker_for(sessionmaker, sender).flush()  # a restarted process
    assert sender.texts() == ["once"]


async def test_retry_later_waits_and_holds_back_the_chat(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first, second, other = await queue(sessionmaker, ("1", "first"), ("1", "second"), ("2", "other"))
    sender = FakeSender()
    sender.failures["first"].append(RetryLater("telegram 429", after=30))
    before = utcnow()
    await worker_for(sessionmaker, sender).flush()
    stored = await rows(sessionmaker)
    assert stored[first].status == OutboxStatus.PENDING and stored[first].attempts == 1
    assert stored[first].last_error == "retry: telegram 429"
    assert stored[first].next_attempt_at >= before + timedelta(seconds=30)
    assert stored[second].status == OutboxStatus.PENDING and stored[second].attempts == 0  # kept in order
    assert sender.texts() == ["other"]
    assert stored[other].status == OutboxStatus.SENT


async def test_network_errors_back_off_then_succeed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    [row_id] = await queue(sessionmaker, ("1", "flaky"))
    sender = FakeSender()
    sender.failures["flaky"] += [RetryLater("telegram: Bad Gateway"), RetryLater("telegram: timed out")]
    worker = worker_for(sessionmaker, sender)
    for _ in range(3):
        await worker.flush()
        await make_due(sessionmaker)
    stored = (await rows(sessionmaker))[row_id]
    assert stored.status == OutboxStatus.SENT and stored.attempts == 3
    assert sender.texts() == ["flaky"]
    assert [backoff(n) for n in (1, 2, 3, 20)] == [2.0, 4.0, 8.0, 600.0]


async def test_dead_after_max_attempts_and_requeued_by_the_operator(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    [row_id] = await queue(sessionmaker, ("1", "doomed"))
    sender = FakeSender()
    sender.failures["doomed"] += [RetryLater("telegram: Internal Server Error")] * 3
    worker = worker_for(sessionmaker, sender)
    for _ in range(4):
        await worker.flush()
        await make_due(sessionmaker)
    stored = (await rows(sessionmaker))[row_id]
    assert stored.status == OutboxStatus.DEAD and stored.attempts == 3
    async with sessionmaker() as session:
        listed = await outbox_store.problem_rows(session)
    assert [r.id for r in listed] == [row_id]
    async with sessionmaker() as session, session.begin():
        assert await outbox_store.requeue(session, utcnow(), row_id) == 1
    await worker.flush()
    assert sender.texts() == ["doomed"]
    assert (await rows(sessionmaker))[row_id].status == OutboxStatus.SENT


async def test_a_refused_message_is_dead_at_once(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    [row_id] = await queue(sessionmaker, ("1", "bad"))
    sender = FakeSender()
    sender.failures["bad"].append(PermanentFailure("telegram 400: can't parse entities"))
    await worker_for(sessionmaker, sender).flush()
    stored = (await rows(sessionmaker))[row_id]
    assert stored.status == OutboxStatus.DEAD and stored.last_error is not None
    assert stored.last_error.startswith("refused: telegram 400")


async def _people(sessionmaker: async_sessionmaker[AsyncSession]) -> list[Unit]:
    async with sessionmaker() as session:
        units = await seed_pekon(session)
        await seed_pekon(session, kode="18.04.15.2005", nama="Sukamaju", units=1)
        await add_member(
            session, "Budi", Role.PEMANGKU, unit=units[0], channel=Channel.TELEGRAM, address="11"
        )
        await add_member(
            session, "Sari", Role.STAFF, pekon_kode=TRIMULYO, channel=Channel.TELEGRAM, address="22"
        )
        await add_member(session, "Ani", Role.STAFF, pekon_kode="18.04.15.2005", address="33")
    return units


async def test_a_blocked_person_is_marked_unreachable_and_the_staff_told(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _people(sessionmaker)
    first, second = await queue(sessionmaker, ("11", "reminder"), ("11", "another"))
    sender = FakeSender()
    sender.failures["reminder"] += [Unreachable("telegram 403: bot was blocked by the user")]
    await worker_for(sessionmaker, sender).flush()
    stored = await rows(sessionmaker)
    assert stored[first].status == OutboxStatus.DEAD and stored[second].status == OutboxStatus.DEAD
    async with sessionmaker() as session:
        budi = await session.scalar(select(Identity).where(Identity.address == "11"))
    assert budi is not None and budi.reachable is False
    [notice] = sender.texts("22")  # Sari, staff of Budi's pekon; not Ani of another pekon
    assert "Budi" in notice and "Pemangku 1" in notice and "Telegram" in notice
    assert sender.texts("33") == [] and sender.texts("11") == []


async def test_the_staff_are_told_once_and_a_later_success_revives(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _people(sessionmaker)
    await queue(sessionmaker, ("11", "one"))
    sender = FakeSender()
    sender.failures["one"].append(Unreachable("blocked"))
    sender.failures["two"].append(Unreachable("blocked"))
    worker = worker_for(sessionmaker, sender)
    await worker.flush()
    await queue(sessionmaker, ("11", "two"))
    await worker.flush()
    assert len(sender.texts("22")) == 1
    await queue(sessionmaker, ("11", "three"))  # unblocked meanwhile
    await worker.flush()
    async with sessionmaker() as session:
        budi = await session.scalar(select(Identity).where(Identity.address == "11"))
    assert budi is not None and budi.reachable is True
    assert sender.texts("11") == ["three"]


async def test_documents_and_the_whatsapp_window_reach_the_sender(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _people(sessionmaker)
    async with sessionmaker() as session, session.begin():
        doc = StoredDocument(filename="rekap.pdf", media_type="application/pdf", content=b"%PDF", sha256="x")
        session.add(doc)
        await session.execute(
            update(Identity).where(Identity.address == "22").values(last_inbound_at=utcnow())
        )
        await session.flush()
        doc_id = doc.id
    await queue(sessionmaker, ("11", "rekap"), document=DocumentRef(doc_id, "rekap.pdf", "Rekap"))
    await queue(sessionmaker, ("22", "hi"), ("unknown", "welcome"))
    sender = FakeSender()
    await worker_for(sessionmaker, sender).flush()
    by_text = {d.message.text: d for d in sender.delivered}
    assert by_text["rekap"].document_bytes == b"%PDF"
    assert by_text["rekap"].window_open is False  # Budi never wrote
    assert by_text["hi"].window_open is True  # Sari wrote just now
    assert by_text["welcome"].window_open is True  # a reply to somebody not registered yet


def test_the_operator_lists_and_requeues_dead_messages(
    db_url: str, monkeypatch: pytest.MonkeyPatch, engine: AsyncEngine
) -> None:
    # A synchronous test (the CLI runs its own event loop): its own engine in each loop.
    async def in_fresh_loop(work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
        fresh = make_engine(db_url)
        try:
            return await work(make_sessionmaker(fresh))
        finally:
            await fresh.dispose()

    async def prepare(sessionmaker: async_sessionmaker[AsyncSession]) -> list[int]:
        ids = await queue(sessionmaker, ("11", "a"), ("12", "b"), ("13", "c"))
        async with sessionmaker() as session, session.begin():
            await outbox_outcome.mark_dead(session, ids[0], "11", "refused: telegram 400: chat not found")
            await outbox_outcome.mark_dead(session, ids[1], "12", "retry: telegram: Bad Gateway")
        return ids

    ids = asyncio.run(in_fresh_loop(prepare))
    monkeypatch.setenv("PEMANGKU_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")  # rich's table width
    get_settings.cache_clear()
    _register_all()
    runner = CliRunner()
    try:
        listing = runner.invoke(app, ["outbox"])
        one = runner.invoke(app, ["outbox", "--retry", str(ids[0])])
        missing = runner.invoke(app, ["outbox", "--retry", str(ids[2])])  # pending, not dead
        rest = runner.invoke(app, ["outbox", "--retry-dead"])
    finally:
        get_settings.cache_clear()
    assert listing.exit_code == 0
    assert "chat not found" in listing.output and "Bad Gateway" in listing.output and "dead" in listing.output
    assert (one.exit_code, one.output.strip()) == (0, "1 pesan dijadwalkan ulang.")
    assert missing.exit_code == 2
    assert (rest.exit_code, rest.output.strip()) == (0, "1 pesan dijadwalkan ulang.")
    stored = asyncio.run(in_fresh_loop(rows))
    assert {stored[i].status for i in ids} == {OutboxStatus.PENDING}
    assert stored[ids[0]].attempts == 0 and stored[ids[0]].last_error is None


async def test_a_message_that_can_never_be_encoded_is_dead_at_once(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    bad, good = await queue(sessionmaker, ("1", "Nama: Budi \ud800"), ("1", "berikutnya"))
    async with sessionmaker() as session, session.begin():
        broken = enqueue(session, channel="telegram", address="2", payload={"choices": "x"})
        await session.flush()
        broken_id = broken.id
    sender = FakeSender()
    sender.failures["encode"].append(UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"))
    [encode] = await queue(sessionmaker, ("3", "encode"))
    await worker_for(sessionmaker, sender).flush()
    stored = await rows(sessionmaker)
    for row_id in (bad, broken_id, encode):
        assert stored[row_id].status == OutboxStatus.DEAD and stored[row_id].attempts == 1
    assert stored[good].status == OutboxStatus.SENT
    assert sender.texts() == ["berikutnya"]


def test_one_turns_replies_are_joined_where_they_fit() -> None:
    question = OutgoingMessage("Jenis kelamin?", (Choice("L", "L"), Choice("P", "P"))).to_payload()
    told, menu = OutgoingMessage("Belum mengerti.").to_payload(), OutgoingMessage("Menu").to_payload()
    document = OutgoingMessage("Rekap", document=DocumentRef(1, "rekap.pdf")).to_payload()
    assert coalesce([told, question]) == [{**question, "text": "Belum mengerti.\n\nJenis kelamin?"}]
    assert coalesce([told, menu, question])[0]["text"] == "Belum mengerti.\n\nMenu\n\nJenis kelamin?"
    assert coalesce([question, told]) == [question, told]  # buttons stay on the last message
    assert coalesce([told, document]) == [told, document]
    long = OutgoingMessage("x" * 1020).to_payload()
    assert coalesce([long, question]) == [long, question]  # a WhatsApp button body holds 1,024
    assert len(coalesce([long, menu])) == 1
