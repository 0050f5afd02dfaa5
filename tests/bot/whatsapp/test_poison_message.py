"""A poison message (its turn fails every time) holds back its person's later messages only
while its body has tries left: on the last try it is set aside (its body dead, the admins told)
and its person asked to send it again; their later messages, in the same body and in later
ones, are then handled in their order, once. A message that failed only once still goes first;
another person is never held up. Real HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import dispatcher
from bot.channels.base import MessageSink
from bot.inbound_store import retry_delay
from bot.messages import IncomingMessage, OutgoingMessage
from handlers.core import Turn
from handlers.router import handle
from handlers.texts import error_words, operator_words
from models.inbound import WAITING, ProcessedMessage
from models.outbox import enqueue_replies
from tests.bot.whatsapp.harness import AheadClock, WhatsAppPhone, WhatsAppWorld
from tests.bot.whatsapp.test_dead_letter import LIMIT, admin_notices, admin_world, bodies, set_aside

PERSON, OTHER = "6281100000011", "6281100000012"


class Poison:
    """Between the webhook and the dispatcher: a message saying RACUN fails `fails` times, and so
    does every later message of its person while it waits in their queue (a turn takes every
    waiting message of its person first: bot/dispatcher.py, as with a file that cannot be brought)."""

    def __init__(self) -> None:
        self.sink: MessageSink | None = None
        self.sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self.fails = 1_000_000

    def wrap(self, sink: MessageSink) -> MessageSink:
        self.sink = sink
        return self

    async def dispatch(self, message: IncomingMessage) -> list[OutgoingMessage]:
        assert self.sink is not None
        if self.fails > 0 and ("RACUN" in (message.text or "") or await self._poison_waits(message)):
            self.fails -= "RACUN" in (message.text or "")
            raise ValueError("cannot handle it")
        return await self.sink.dispatch(message)

    async def _poison_waits(self, message: IncomingMessage) -> bool:
        assert self.sessionmaker is not None
        async with self.sessionmaker() as session:
            waiting = await session.scalars(
                select(ProcessedMessage.message).where(WAITING, ProcessedMessage.address == message.sender_id)
            )
            return any("RACUN" in str(row) for row in waiting)


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the conversations handled, in the order they were handled."""
    seen: list[str] = []

    async def recording(turn: Turn) -> list[OutgoingMessage]:
        seen.append(f"{turn.message.sender_id}:{turn.message.text}")
        return await handle(turn)

    monkeypatch.setattr(dispatcher, "handle", recording)
    return seen


@pytest.fixture
def poison(sessionmaker: async_sessionmaker[AsyncSession]) -> Poison:
    poison = Poison()
    poison.sessionmaker = sessionmaker
    return poison


@pytest.fixture
async def world(
    sessionmaker: async_sessionmaker[AsyncSession], poison: Poison
) -> AsyncIterator[WhatsAppWorld]:
    async with admin_world(sessionmaker, poison.wrap) as w:
        yield w


def text(phone: WhatsAppPhone, line: str) -> dict[str, object]:
    """One text message as its recorded body's message object."""
    body = phone.body("text", type="text", text={"body": line})
    message: dict[str, object] = body["entry"][0]["changes"][0]["value"]["messages"][0]
    return message


def one_body(phone: WhatsAppPhone, *lines: str) -> dict[str, object]:
    """One webhook body carrying several messages of the person, in this order."""
    body = phone.body("text", type="text", text={"body": lines[0]})
    body["entry"][0]["changes"][0]["value"]["messages"] = [text(phone, line) for line in lines]
    return body


async def retry(world: WhatsAppWorld, attempts: int) -> None:
    """Time passes by the body's backoff; the sweep tries what is due."""
    assert isinstance(world.clock, AheadClock)
    world.clock.ahead += retry_delay(attempts)
    await world.webhook.recover()
    await world.settle()


async def test_a_poison_is_set_aside_and_the_later_messages_go_on_in_order_once(
    world: WhatsAppWorld, handled: list[str]
) -> None:
    person, other = world.phone(PERSON, "Racun"), world.phone(OTHER, "Lain")
    sent = world.clock()
    first = await world.post(one_body(person, "RACUN", "halo satu", "halo dua"))
    assert first.status_code == 200
    assert await other.say("halo")  # another person is not held up
    await world.settle()
    assert (await world.post(one_body(person, "halo tiga"))).status_code == 200  # a later body
    await world.settle()
    assert person.read() == []  # held behind the poison while it has tries left
    for attempts in range(1, LIMIT):
        await retry(world, attempts)
        if attempts < LIMIT - 1:
            assert person.read() == []
    answers = person.read()
    assert answers[0] == set_aside(sent) and set_aside(sent) not in answers[1:] and len(answers) > 1
    mine = [line for line in handled if line.startswith(PERSON)]
    assert mine == [f"{PERSON}:halo satu", f"{PERSON}:halo dua", f"{PERSON}:halo tiga"]
    stored = sorted((await bodies(world)).values(), key=lambda row: row.id)
    poisoned = next(row for row in stored if "RACUN" in str(row.body))
    assert poisoned.dead_at is not None and poisoned.attempts == LIMIT
    assert all(row.processed_at is not None for row in stored if row.id != poisoned.id)
    assert await admin_notices(world) == [operator_words.INBOUND_DEAD_NOTICE.format(count=1)]
    async with world.sessionmaker() as session:
        assert list(await session.scalars(select(ProcessedMessage.id).where(WAITING))) == []
    await retry(world, LIMIT)  # nothing more: no second answer, nothing handled twice
    assert person.read() == [] and [line for line in handled if line.startswith(PERSON)] == mine


async def test_a_message_that_fails_for_a_while_still_goes_first(
    world: WhatsAppWorld, poison: Poison, handled: list[str]
) -> None:
    poison.fails = 2  # the database blips twice; the body's last try succeeds
    person, other = world.phone(PERSON, "Sekali"), world.phone(OTHER, "Lain")
    assert (await world.post(one_body(person, "RACUN sekali", "halo satu"))).status_code == 200
    await world.settle()
    assert (await world.post(one_body(person, "halo dua"))).status_code == 200
    assert await other.say("halo")  # another person is not held up
    await retry(world, 1)
    assert person.read() == [] and not any(line.startswith(PERSON) for line in handled)
    await retry(world, 2)
    mine = [line for line in handled if line.startswith(PERSON)]
    assert mine == [f"{PERSON}:RACUN sekali", f"{PERSON}:halo satu", f"{PERSON}:halo dua"]
    answers = person.read()
    opening = error_words.MESSAGE_SET_ASIDE.split("{")[0]  # no message set aside, whichever
    assert answers and not any(a.startswith(opening) for a in answers)
    assert all(row.processed_at is not None for row in (await bodies(world)).values())


async def test_the_last_try_gives_up_on_what_cannot_be_handled_only(world: WhatsAppWorld) -> None:
    """Two poisons of one person in one body: each is set aside with its own answer, once."""
    person = world.phone(PERSON, "Dua")
    sent = world.clock()
    assert (await world.post(one_body(person, "RACUN satu", "RACUN dua", "halo"))).status_code == 200
    await world.settle()
    for attempts in range(1, LIMIT):
        await retry(world, attempts)
    answers = person.read()
    assert answers[:2] == [set_aside(sent)] * 2 and len(answers) > 2 and set_aside(sent) not in answers[2:]
    assert len([row for row in (await bodies(world)).values() if row.dead_at is not None]) == 1


async def test_a_failure_the_database_cannot_record_is_tried_again_not_dropped(
    world: WhatsAppWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A turn breaks while the database refuses even the record of its failure (the sorry could
    not be queued): the body is not taken as answered; the sweep tries it again and the person
    gets their real answer, once."""
    person = world.phone(PERSON, "Putus")
    broken = {"turn": 1, "record": 1}

    async def breaking(turn: Turn) -> list[OutgoingMessage]:
        if broken["turn"]:
            broken["turn"] -= 1
            raise ValueError("a bug in the turn")
        return await handle(turn)

    async def refusing(session: AsyncSession, **given: Any) -> Any:
        if broken["record"] and error_words.INTERNAL_ERROR in str(given["payloads"]):
            broken["record"] -= 1
            raise OSError("the database went away")
        return await enqueue_replies(session, **given)

    monkeypatch.setattr(dispatcher, "handle", breaking)
    monkeypatch.setattr("bot.inbound_queue.enqueue_replies", refusing)
    assert (await world.post(one_body(person, "status"))).status_code == 200
    await world.settle()
    assert person.read() == []
    (row,) = (await bodies(world)).values()
    assert row.processed_at is None and row.attempts == 1  # left for the sweep, its try counted
    await retry(world, 1)
    answers = person.read()
    assert answers and error_words.INTERNAL_ERROR not in answers  # the real answer, once
    assert all(row.processed_at is not None for row in (await bodies(world)).values())
    async with world.sessionmaker() as session:
        assert list(await session.scalars(select(ProcessedMessage.id).where(WAITING))) == []
