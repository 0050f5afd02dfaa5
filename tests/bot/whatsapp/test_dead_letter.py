"""A poison webhook body (its processing raises every time) over real HTTP: it is tried a few
times with a growing wait and then given up (dead), holding back no other body or person; the
admin is told once (jobs/inbound_dead.py: as a template outside their window, never in the quiet
hours); the operator lists it and puts it back (`pemangku inbound`); the retention pass deletes
it. Its text (a NIK) is never logged nor shown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.channels import whatsapp_batch, whatsapp_store
from bot.channels.base import MessageSink
from bot.channels.whatsapp_payload import StatusUpdate, parse_stored
from bot.cli import _register_all, app
from bot.config import get_settings
from bot.inbound_store import retry_delay
from bot.messages import IncomingMessage, OutgoingMessage
from handlers.texts import error_words, operator_words
from jobs.context import JobContext, Schedule, month_label
from jobs.inbound_dead import run_inbound_dead
from jobs.retention import run_retention
from models.audit import AuditEntry
from models.base import WIB, wib_date
from models.inbound import InboundPayload, ProcessedMessage
from models.outbox import OutboxMessage
from models.person import Channel, Role
from tests.bot.whatsapp.harness import AheadClock, WhatsAppWorld, whatsapp_world
from tests.factories import add_member

LIMIT = 3  # PEMANGKU_INBOUND_MAX_ATTEMPTS in these tests
NIK = "1804154107900001"
POISONED, HEALTHY, LEFT_BEHIND = "6281100000001", "6281100000002", "6281100000003"
ADMIN = "6281100000009"  # the admin, on WhatsApp
NEVER_QUIET = Schedule(quiet_hours_start=0, quiet_hours_end=0)


class Poison:
    """Between the webhook and the dispatcher: a bug that raises on every message saying RACUN,
    its error text carrying what was typed (as a database error's text may), until `cured`."""

    def __init__(self) -> None:
        self.sink: MessageSink | None = None
        self.cured = False

    def wrap(self, sink: MessageSink) -> MessageSink:
        self.sink = sink
        return self

    async def dispatch(self, message: IncomingMessage) -> list[OutgoingMessage]:
        assert self.sink is not None
        if not self.cured and "RACUN" in (message.text or ""):
            raise ValueError(f"cannot handle {message.text}")
        return await self.sink.dispatch(message)


@pytest.fixture
def poison() -> Poison:
    return Poison()


@asynccontextmanager
async def admin_world(
    sessionmaker: async_sessionmaker[AsyncSession], wrap: Callable[[MessageSink], MessageSink]
) -> AsyncIterator[WhatsAppWorld]:
    """A WhatsApp world with a WhatsApp admin, a clock the test moves ahead, `wrap` before the
    dispatcher and LIMIT tries a body."""
    async with sessionmaker() as session:
        await add_member(session, "Admin Kabupaten", Role.ADMIN, channel=Channel.WHATSAPP, address=ADMIN)
    async with whatsapp_world(
        sessionmaker, transport=AheadClock(), wrap=wrap, inbound_max_attempts=LIMIT
    ) as w:
        yield w


@pytest.fixture
async def world(
    sessionmaker: async_sessionmaker[AsyncSession], poison: Poison
) -> AsyncIterator[WhatsAppWorld]:
    async with admin_world(sessionmaker, poison.wrap) as w:
        yield w


def later(world: WhatsAppWorld, by: timedelta) -> None:
    """Time passes for the webhook (its backoff), the phones and the outbox."""
    assert isinstance(world.clock, AheadClock)
    world.clock.ahead += by


async def bodies(world: WhatsAppWorld) -> dict[int, InboundPayload]:
    async with world.sessionmaker() as session:
        return {row.id: row for row in await session.scalars(select(InboundPayload))}


async def admin_notices(world: WhatsAppWorld) -> list[str]:
    """The notices queued to the admin, after the notice pass ran (at a time outside the quiet hours)."""
    await run_inbound_dead(JobContext(world.sessionmaker, NEVER_QUIET), world.clock())
    async with world.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.address == ADMIN).order_by(OutboxMessage.id)
        )
        return [row.payload["text"] for row in rows]


def set_aside(sent: datetime) -> str:
    """What the person reads of a message set aside: which one, by when they sent it (WIB)."""
    return error_words.MESSAGE_SET_ASIDE.format(sent=f"{sent.astimezone(WIB):%d-%m-%Y pukul %H.%M}")


async def poison_until_dead(world: WhatsAppWorld) -> int:
    """Post the poison body and let the sweep try it until it is dead; returns its id."""
    racun = world.phone(POISONED, "Racun")
    assert (await world.post(racun.body("text", text={"body": f"RACUN {NIK}"}))).status_code == 200
    await world.settle()
    (payload_id,) = (await bodies(world)).keys()
    for attempts in range(1, LIMIT):
        later(world, retry_delay(attempts))
        assert await world.webhook.recover() == 1
        await world.settle()
    return payload_id


async def test_a_poison_body_stops_at_the_limit_and_holds_back_nobody(
    world: WhatsAppWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    racun, healthy = world.phone(POISONED, "Racun"), world.phone(HEALTHY, "Sehat")
    sent = world.clock()
    assert (await world.post(racun.body("text", text={"body": f"RACUN {NIK}"}))).status_code == 200
    assert await healthy.say("halo")  # answered while the poison body fails beside it
    (poisoned,) = [row for row in (await bodies(world)).values() if row.processed_at is None]
    assert (poisoned.attempts, poisoned.error, poisoned.dead_at) == (1, "ValueError", None)
    assert await world.webhook.recover() == 0  # not due again before its backoff
    for attempts in range(1, LIMIT):
        left = world.phone(LEFT_BEHIND, "Tertinggal")  # a body whose process died after its 200
        async with world.sessionmaker() as session, session.begin():
            session.add(InboundPayload(channel="whatsapp", body=left.body("text", text={"body": "halo"})))
        later(world, retry_delay(attempts))
        assert await world.webhook.recover() == 2  # the poison body and the left one, one sweep
        await world.settle()
        assert left.read()  # the other body of the same sweep was processed and answered
    dead = (await bodies(world))[poisoned.id]
    assert (dead.attempts, dead.error, dead.processed_at) == (LIMIT, "ValueError", None)
    assert dead.dead_at is not None and dead.body  # kept for the operator until retention
    later(world, timedelta(days=1))
    assert await world.webhook.recover() == 0  # no more automatic tries
    assert (await bodies(world))[poisoned.id].attempts == LIMIT
    assert racun.read() == [set_aside(sent)]  # set aside: nothing invented, asked again
    assert await admin_notices(world) == [operator_words.INBOUND_DEAD_NOTICE.format(count=1)]
    assert NIK not in caplog.text and "RACUN" not in caplog.text


async def kill_another(world: WhatsAppWorld, who: str) -> None:
    """One more poison body, from `who`, tried until it is dead."""
    phone = world.phone(who)
    assert (await world.post(phone.body("text", text={"body": "RACUN lagi"}))).status_code == 200
    await world.settle()
    for attempts in range(1, LIMIT):
        later(world, retry_delay(attempts))
        await world.webhook.recover()
        await world.settle()


async def test_the_admin_is_told_at_most_once_an_hour(world: WhatsAppWorld) -> None:
    now = world.clock()
    later(world, now.replace(minute=1, second=0, microsecond=0) + timedelta(hours=1) - now)  # hh:01
    await poison_until_dead(world)
    notice = operator_words.INBOUND_DEAD_NOTICE
    assert await admin_notices(world) == [notice.format(count=1)]
    await kill_another(world, HEALTHY)  # dead within the same hour: no second notice
    assert await admin_notices(world) == [notice.format(count=1)]
    later(world, timedelta(hours=1))
    await kill_another(world, LEFT_BEHIND)  # the next hour: one notice with every dead body
    assert await admin_notices(world) == [notice.format(count=1), notice.format(count=3)]


def wib(instant: datetime, days_after: int, hour: int) -> datetime:
    """`hour` o'clock WIB, `days_after` WIB days after `instant`'s."""
    return datetime.combine(wib_date(instant) + timedelta(days=days_after), time(hour), WIB)


async def test_the_notice_waits_out_the_quiet_hours_and_reaches_the_admin_as_a_template(
    world: WhatsAppWorld,
) -> None:
    """Before: the notice was queued as plain text the moment a body died, night or day, and held
    for the admin's 24-hour window, which a kabupaten admin who never writes never opens."""
    await poison_until_dead(world)
    ctx = JobContext(world.sessionmaker, Schedule())  # quiet from 21.00 to 07.00 WIB
    admin = world.phone(ADMIN)
    died = world.clock()
    for hour in (22, 23):
        assert await run_inbound_dead(ctx, wib(died, 0, hour)) == 0
    assert await run_inbound_dead(ctx, wib(died, 1, 3)) == 0
    await world.settle()
    assert admin.read() == []  # the night passes in silence
    morning = wib(died, 1, 7)
    assert await run_inbound_dead(ctx, morning) == 1
    await world.settle()
    month = month_label(morning.date())
    expected = f"<template pemberitahuan_rekap [{operator_words.INBOUND_DEAD_TEMPLATE_FOR!r}, {month!r}]>"
    assert admin.read() == [expected]  # outside their window: the template
    assert await run_inbound_dead(ctx, wib(died, 1, 8)) == 0  # told once
    assert (await admin.say("menu")).startswith(operator_words.INBOUND_DEAD_NOTICE.format(count=1))


async def test_the_operator_lists_and_retries_a_dead_body(
    world: WhatsAppWorld, poison: Poison, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = world.clock()
    payload_id = await poison_until_dead(world)
    monkeypatch.setenv("PEMANGKU_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")  # rich's table width
    get_settings.cache_clear()
    _register_all()
    runner = CliRunner()

    async def pemangku(*args: str) -> tuple[int, str]:  # the CLI runs its own event loop
        result = await asyncio.to_thread(runner.invoke, app, list(args))
        return result.exit_code, result.output.strip()

    try:
        code, listing = await pemangku("inbound")
        assert code == 0
        assert all(word in listing for word in (str(payload_id), "dead", "whatsapp", "ValueError"))
        assert f" {LIMIT} " in listing and NIK not in listing and "RACUN" not in listing
        assert await pemangku("inbound", "--retry", str(payload_id + 1)) == (
            2,
            "Ditolak: " + operator_words.INBOUND_NOT_FOUND.format(id=payload_id + 1),
        )
        poison.cured = True  # the bug is fixed
        requeued = operator_words.INBOUND_REQUEUED
        assert await pemangku("inbound", "--retry", str(payload_id)) == (0, requeued.format(count=1))
        assert await pemangku("inbound", "--retry-dead") == (0, requeued.format(count=0))
        assert await world.webhook.recover(orphans_only=True) == 1  # the sweep of every few seconds
        await world.settle()
        assert await pemangku("inbound") == (0, operator_words.INBOUND_EMPTY)
    finally:
        get_settings.cache_clear()
    # set aside on the last try (its person asked to send it again): not handled a second time
    assert world.phone(POISONED).read() == [set_aside(sent)]
    row = (await bodies(world))[payload_id]
    assert row.processed_at is not None and row.dead_at is None
    async with world.sessionmaker() as session:
        audit = list(await session.execute(select(AuditEntry.action, AuditEntry.after)))
    assert [tuple(entry) for entry in audit] == [
        ("inbound.list", {"rows": 1}),
        ("inbound.retry", {"ids": [payload_id]}),
    ]


async def test_a_dead_body_is_deleted_after_the_retention_setting(world: WhatsAppWorld) -> None:
    payload_id = await poison_until_dead(world)
    dead_at = (await bodies(world))[payload_id].dead_at
    assert dead_at is not None
    context = JobContext(world.sessionmaker, Schedule(retention_days=10))
    await run_retention(context, dead_at + timedelta(days=9))
    assert payload_id in await bodies(world)
    async with world.sessionmaker() as session:
        kept = list(await session.scalars(select(ProcessedMessage.message)))
    assert kept == [None]  # its message was set aside on the last try: the id stays, its text is gone
    await run_retention(context, dead_at + timedelta(days=11))
    assert payload_id not in await bodies(world)
    async with world.sessionmaker() as session:
        kept = list(await session.scalars(select(ProcessedMessage.message)))
    assert kept == [None]  # the message id stays (a redelivery is dropped), its text is gone


async def test_a_body_that_breaks_its_batch_fails_alone(
    world: WhatsAppWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bodies taken together share one transaction for the senders' windows and one for the
    processed mark: a body that breaks either (here a status, and a sender, the database refuses)
    must fail alone, its try counted, and the others be processed."""
    real_status, real_windows = whatsapp_store.apply_status, whatsapp_batch.before_turns

    async def refuse_status(session: AsyncSession, status: StatusUpdate, now: datetime) -> None:
        if status.wamid == "wamid.POISON":
            raise ValueError("the database refused the status")
        await real_status(session, status, now)

    async def refuse_sender(session: AsyncSession, messages: list[IncomingMessage], now: datetime) -> None:
        if any(m.sender_id == POISONED for m in messages):
            raise ValueError("the database refused the window")
        await real_windows(session, messages, now)

    monkeypatch.setattr(whatsapp_store, "apply_status", refuse_status)
    monkeypatch.setattr(whatsapp_batch, "before_turns", refuse_sender)
    statuses = []
    for wamid in ("wamid.GOOD", "wamid.POISON"):
        status = world.fixture("status_delivered")
        status["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = wamid
        statuses.append(status)
    texts = [world.phone(who).body("text", text={"body": "halo"}) for who in (HEALTHY, POISONED, LEFT_BEHIND)]
    async with world.sessionmaker() as session, session.begin():
        rows = [InboundPayload(channel="whatsapp", body=body) for body in [*statuses, *texts]]
        session.add_all(rows)
    now = world.clock()
    # taken in one batch, as bodies arriving together are
    done = [world.webhook._batches.submit(row.id, parse_stored(row.body, now)) for row in rows]
    await asyncio.gather(*done)
    await world.settle()
    stored = await bodies(world)
    failed = {row.id: row.attempts for row in stored.values() if row.processed_at is None}
    assert failed == {rows[1].id: 1, rows[3].id: 1}  # the poison status, the poisoned sender
    assert world.phone(HEALTHY).read() and world.phone(LEFT_BEHIND).read()
