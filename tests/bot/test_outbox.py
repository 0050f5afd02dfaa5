"""The outbox worker with an in-memory sender: order, retries, dead letters, blocked people, leases."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot import outbox_store
from bot.channels.base import Delivery, PermanentFailure, RetryLater, Unreachable
from bot.cli import _register_all, app
from bot.config import Settings, get_settings
from bot.db import make_engine, make_sessionmaker
from bot.messages import Choice, DocumentRef, OutgoingMessage
from bot.outbox import PER_CHAT_BATCH, OutboxWorker, backoff
from bot.outbox_pace import ChatBuckets
from models.base import utcnow
from models.outbox import OutboxMessage, OutboxStatus, StoredDocument, coalesce, enqueue, enqueue_replies
from models.person import Channel, Identity, Role
from models.region import Unit
from tests.factories import TRIMULYO, add_member, seed_pekon

T = TypeVar("T")


class FakeSender:
    """Records deliveries; raises the exceptions queued for a text, one per attempt."""

    channel = "telegram"

    def __init__(self, delay: float = 0.0, hang_after: int | None = None) -> None:
        self.delivered: list[Delivery] = []
        self.hang_after = hang_after
        self.hanging = 0
        self.failures: dict[str, list[Exception]] = defaultdict(list)
        self.delay = delay
        self.times: dict[str, list[float]] = defaultdict(list)

    async def send(self, delivery: Delivery) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hang_after is not None and len(self.delivered) >= self.hang_after:
            self.hanging += 1
            await asyncio.Event().wait()  # never answers
        queued = self.failures[delivery.message.text]
        if queued:
            raise queued.pop(0)
        self.delivered.append(delivery)
        self.times[delivery.address].append(asyncio.get_running_loop().time())
        return f"p{delivery.outbox_id}"

    def texts(self, address: str | None = None) -> list[str]:
        return [d.message.text for d in self.delivered if address is None or d.address == address]


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"database_url": "sqlite://", "telegram_rate_per_second": 1000.0}
    values |= {"telegram_chat_rate_per_second": 0.0, "outbox_max_attempts": 3}
    return Settings(**(values | overrides))


async def queue(
    sessionmaker: async_sessionmaker[AsyncSession], *items: tuple[str, str], **payload: Any
) -> list[int]:
    """Queue (address, text) pairs to Telegram; their ids."""
    async with sessionmaker() as session, session.begin():
        rows = [
            enqueue(
                session,
                channel="telegram",
                address=address,
                payload=OutgoingMessage(text=text, **payload).to_payload(),
            )
            for address, text in items
        ]
        await session.flush()
        return [row.id for row in rows]


async def rows(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, OutboxMessage]:
    async with sessionmaker() as session:
        found = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return {row.id: row for row in found}


def worker_for(
    sessionmaker: async_sessionmaker[AsyncSession], sender: FakeSender, **overrides: Any
) -> OutboxWorker:
    return OutboxWorker(sessionmaker, settings(**overrides), [sender], poll_seconds=0.05)


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
        await _make_due(sessionmaker)
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
        await _make_due(sessionmaker)
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


async def test_two_workers_never_send_a_row_twice(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    items = [(str(n % 7), f"m{n}") for n in range(60)]
    await queue(sessionmaker, *items)
    sender = FakeSender(delay=0.002)
    one, two = worker_for(sessionmaker, sender), worker_for(sessionmaker, sender)
    await asyncio.gather(one.flush(), two.flush())
    assert sorted(sender.texts()) == sorted(text for _, text in items)
    for address in {a for a, _ in items}:
        assert sender.texts(address) == [t for a, t in items if a == address]


async def test_a_crash_mid_send_loses_nothing(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await queue(sessionmaker, *[(str(n), f"m{n}") for n in range(20)])
    stuck = FakeSender(hang_after=5)
    crashed = OutboxWorker(sessionmaker, settings(), [stuck], lease_seconds=0.3)
    task = asyncio.create_task(crashed.run())
    await eventually(lambda: len(stuck.delivered) == 5 and stuck.hanging == 15)
    await asyncio.sleep(0.1)  # the five confirmed sends are recorded
    task.cancel()  # the process dies with fifteen sends in flight
    with pytest.raises(asyncio.CancelledError):
        await task
    done_before = set(stuck.texts())
    await asyncio.sleep(0.35)  # the leases of the interrupted rows run out
    after = FakeSender()
    await worker_for(sessionmaker, after).flush()
    assert set(after.texts()) == {f"m{n}" for n in range(20)} - done_before
    assert len(after.texts()) == 15
    assert {r.status for r in (await rows(sessionmaker)).values()} == {OutboxStatus.SENT}


def test_bulk_sends_to_one_chat_burst_then_keep_the_sustained_rate() -> None:
    chats = ChatBuckets(burst=2, rate=5.0)  # seconds on an injected clock
    assert [chats.take("1", 0.0) for _ in range(4)] == [0.0, 0.0, 0.2, pytest.approx(0.4)]
    assert chats.take("2", 0.0) == 0.0  # another chat has its own allowance
    assert chats.take("1", 0.4) == pytest.approx(0.2)  # the promised sends are still owed
    assert [chats.take("1", 10.0) for _ in range(3)] == [0.0, 0.0, pytest.approx(0.2)]  # refilled, burst only
    assert chats.take("1", 10.0, wait=False) == 0.0  # a reply never waits
    assert ChatBuckets(burst=1, rate=0.0).take("1", 0.0) == 0.0  # rate 0: no per-chat limit


async def test_replies_to_a_person_go_out_at_once_whatever_the_chat_pace(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        for n in range(4):  # four turns of a person typing quickly, one reply each
            payload = OutgoingMessage(text=f"jawaban {n}").to_payload()
            await enqueue_replies(session, channel="telegram", address="1", payloads=[payload])
    sender = FakeSender()
    await worker_for(sessionmaker, sender, telegram_chat_burst=1, telegram_chat_rate_per_second=0.1).flush()
    times = sender.times["1"]
    assert sender.texts("1") == [f"jawaban {n}" for n in range(4)]
    assert times[-1] - times[0] < 1.0  # a bulk send would have waited 10 s for each


async def _make_due(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Skip the backoff wait."""
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


async def eventually(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until the condition holds."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


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
            await outbox_store.mark_dead(session, ids[0], "refused: telegram 400: chat not found")
            await outbox_store.mark_dead(session, ids[1], "retry: telegram: Bad Gateway")
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


async def test_a_chat_waiting_to_retry_hides_no_other_chat(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await queue(sessionmaker, *[("1", f"m{n}") for n in range(300)], ("2", "other"))
    sender = FakeSender()
    sender.failures["m0"].append(RetryLater("whatsapp: temporary error HTTP 500", after=30))
    await worker_for(sessionmaker, sender, telegram_rate_per_second=50).flush()
    assert sender.texts() == ["other"]  # chat 1 waits for its first message, in order


async def test_a_bulk_to_one_chat_does_not_hold_back_another_chat(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await queue(sessionmaker, *[("1", f"m{n}") for n in range(300)], ("2", "other"))
    sender = FakeSender()
    worker = worker_for(sessionmaker, sender, telegram_rate_per_second=50)
    task = asyncio.create_task(worker.run())
    await eventually(lambda: "other" in sender.texts())
    await worker.stop()
    await task
    assert sender.texts().index("other") <= PER_CHAT_BATCH  # in the first round, not after chat 1
    assert sender.texts("1") == [f"m{n}" for n in range(len(sender.texts("1")))]


async def test_the_worker_sleeps_while_only_a_retry_is_due_later(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, *_ = await queue(sessionmaker, *[("1", f"m{n}") for n in range(10)])
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == first)
            .values(next_attempt_at=utcnow() + timedelta(seconds=30), attempts=1)
        )
    looks = 0
    due_rows = outbox_store.due_rows

    async def counted(*args: Any) -> list[outbox_store.DueRow]:
        nonlocal looks
        looks += 1
        return await due_rows(*args)

    monkeypatch.setattr(outbox_store, "due_rows", counted)
    worker = OutboxWorker(sessionmaker, settings(), [FakeSender()], poll_seconds=1.0)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.5)
    await worker.stop()
    await task
    assert looks <= 2  # one look, then asleep until the poll: no busy loop over the waiting chat


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


async def test_a_send_that_outlasts_its_lease_hides_no_other_chat(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    class StuckOnOne(FakeSender):
        async def send(self, delivery: Delivery) -> str:
            if delivery.address == "1":
                await asyncio.Event().wait()  # the platform never answers this chat
            return await super().send(delivery)

    await queue(sessionmaker, *[("1", f"m{n}") for n in range(300)])
    sender = StuckOnOne()
    worker = OutboxWorker(sessionmaker, settings(telegram_rate_per_second=50), [sender], lease_seconds=0.2)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.4)  # chat 1's leases have run out while its send still hangs
    await queue(sessionmaker, ("2", "other"))
    worker.wake()
    try:
        await eventually(lambda: sender.texts() == ["other"])
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
