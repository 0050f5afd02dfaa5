"""The outbox fast path: a turn queues its replies already leased and hands them to the worker.

The reply goes out without the worker looking for it; a crash between the commit and the send
leaves it to its lease (sent once, later); a chat with rows waiting keeps its order; what was
queued while a reply was in flight, or given back behind a refused one, goes without a poll."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox_store
from bot.channels.base import PermanentFailure
from bot.dispatcher import Dispatcher
from bot.messages import Choice, IncomingMessage, OutgoingMessage
from bot.outbox import Lease, OutboxWorker
from models.base import utcnow
from models.outbox import OutboxMessage, OutboxStatus, enqueue, enqueue_replies
from models.person import Channel, Role
from tests.bot.outbox_helpers import FakeSender, eventually, settings, worker_for
from tests.factories import add_member, seed_pekon

PERSON = "7001"


async def _pemangku(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        [unit] = await seed_pekon(session, units=1)
        await add_member(session, "Budi", Role.PEMANGKU, unit=unit, channel=Channel.TELEGRAM, address=PERSON)


def _status(n: int) -> IncomingMessage:
    return IncomingMessage(
        channel=Channel.TELEGRAM, sender_id=PERSON, external_id=f"m{n}", received_at=utcnow(), text="status"
    )


async def _rows(sessionmaker: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_a_reply_goes_out_without_the_worker_looking_and_only_once(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _pemangku(sessionmaker)
    sender = FakeSender(delay=0.3)
    # Polls once a minute and is never woken: only the handoff can bring the reply out now.
    worker = OutboxWorker(sessionmaker, settings(), [sender], poll_seconds=60)
    running = asyncio.create_task(worker.run())
    await asyncio.sleep(0.05)  # the worker has looked once and sleeps
    dispatcher = Dispatcher(sessionmaker, settings(), handoff=worker)
    [reply] = await dispatcher.dispatch(_status(1))
    [row] = await _rows(sessionmaker)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1  # claimed in the turn's commit
    other = FakeSender()
    await worker_for(sessionmaker, other).flush()  # a second process looks while the send is in flight
    await eventually(lambda: len(sender.delivered) == 1, within=2.0)
    await worker.stop()
    await running
    assert other.delivered == []
    assert sender.texts(PERSON) == [reply.text]
    [row] = await _rows(sessionmaker)
    assert row.status == OutboxStatus.SENT and row.attempts == 1


class _LostHandoff:
    """A lease given, then the process dies between the commit and the send."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def lease(self, channel: str, address: str) -> Lease | None:
        now = utcnow()
        return Lease(now, now + timedelta(seconds=self.seconds))

    def hand(self, channel: str, address: str, batch: list[outbox_store.Claimed]) -> None:
        """Never sends: the crash."""


async def test_a_crash_after_the_commit_leaves_the_reply_to_its_lease(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _pemangku(sessionmaker)
    dispatcher = Dispatcher(sessionmaker, settings(), handoff=_LostHandoff(0.4))
    await dispatcher.dispatch(_status(1))
    sender = FakeSender()
    await worker_for(sessionmaker, sender).flush()
    assert sender.delivered == []  # leased: nobody else sends it meanwhile
    await asyncio.sleep(0.45)
    await worker_for(sessionmaker, sender).flush()
    await worker_for(sessionmaker, sender).flush()
    assert len(sender.texts(PERSON)) == 1
    [row] = await _rows(sessionmaker)
    assert row.status == OutboxStatus.SENT and row.attempts == 2  # the lost attempt, then the real one


async def test_a_reply_waits_behind_the_rows_its_chat_already_has(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _pemangku(sessionmaker)
    async with sessionmaker() as session, session.begin():  # a reminder waiting for its retry
        waiting = enqueue(
            session,
            channel="telegram",
            address=PERSON,
            payload=OutgoingMessage(text="pengingat").to_payload(),
        )
        waiting.next_attempt_at = utcnow() + timedelta(seconds=30)
    sender = FakeSender()
    worker = OutboxWorker(sessionmaker, settings(), [sender], poll_seconds=0.05)
    running = asyncio.create_task(worker.run())
    await asyncio.sleep(0.05)
    await Dispatcher(sessionmaker, settings(), on_queued=worker.wake, handoff=worker).dispatch(_status(1))
    await asyncio.sleep(0.3)
    assert sender.delivered == []  # not handed past the waiting row
    async with sessionmaker() as session, session.begin():
        await session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    await eventually(lambda: len(sender.delivered) == 2)
    await worker.stop()
    await running
    assert sender.texts(PERSON)[0] == "pengingat"
    assert {row.status for row in await _rows(sessionmaker)} == {OutboxStatus.SENT}


async def test_a_message_written_while_the_reply_is_in_flight_is_answered_without_a_poll(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The worker looks for nothing after a handed reply, unless something was queued meanwhile:
    the second turn's reply (queued behind the busy chat) goes out when the first is sent."""
    await _pemangku(sessionmaker)
    sender = FakeSender(delay=0.3)
    worker = OutboxWorker(sessionmaker, settings(), [sender], poll_seconds=60)
    running = asyncio.create_task(worker.run())
    await asyncio.sleep(0.05)
    dispatcher = Dispatcher(sessionmaker, settings(), on_queued=worker.wake, handoff=worker)
    [first] = await dispatcher.dispatch(_status(1))  # handed: its send takes 0.3 s
    [second] = await dispatcher.dispatch(_status(2))  # the chat is busy: queued as usual
    await eventually(lambda: len(sender.delivered) == 2, within=2.0)
    await worker.stop()
    await running
    assert sender.texts(PERSON) == [first.text, second.text]
    assert {row.status for row in await _rows(sessionmaker)} == {OutboxStatus.SENT}


async def test_a_handed_reply_refused_by_the_platform_lets_the_rest_of_its_turn_go(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The rows behind a refused row of a handed batch are given back due at once; a look follows."""
    sender = FakeSender()
    worker = OutboxWorker(sessionmaker, settings(), [sender], poll_seconds=60)
    running = asyncio.create_task(worker.run())
    await asyncio.sleep(0.05)
    lease = worker.lease("telegram", PERSON)
    assert lease is not None
    async with sessionmaker() as session, session.begin():
        refused = OutgoingMessage(text="ditolak", choices=(Choice(id="q1:ya", label="Ya"),))  # not joined
        payloads = [refused.to_payload(), OutgoingMessage(text="berikutnya").to_payload()]
        queued = await enqueue_replies(
            session, channel="telegram", address=PERSON, payloads=payloads, leased_until=lease.until
        )
        batch = await outbox_store.claimed(session, queued.rows, lease.now)
    sender.failures["ditolak"].append(PermanentFailure("400 bad request"))
    worker.hand("telegram", PERSON, batch)
    await eventually(lambda: len(sender.delivered) == 1, within=2.0)
    await worker.stop()
    await running
    assert sender.texts(PERSON) == ["berikutnya"]
    assert [row.status for row in await _rows(sessionmaker)] == [OutboxStatus.DEAD, OutboxStatus.SENT]
