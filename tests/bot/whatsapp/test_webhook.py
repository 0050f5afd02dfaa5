"""The webhook over real HTTP: verification, signatures, store-then-process, dedup, statuses."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import MessageSink
from bot.channels.whatsapp_payload import sign
from bot.channels.whatsapp_webhook import WhatsAppWebhook
from bot.inbound_store import retry_delay
from bot.messages import IncomingMessage, OutgoingMessage, TemplateRef
from handlers.texts import conversation_words, error_words, registration_words
from jobs.context import JobContext, Schedule
from jobs.retention import run_retention
from models.inbound import InboundPayload, ProcessedMessage
from models.outbox import OutboxMessage, OutboxStatus, enqueue
from models.person import Channel, Identity, Role
from tests.bot.whatsapp.harness import (
    APP_SECRET,
    VERIFY_TOKEN,
    WhatsAppWorld,
    whatsapp_world,
)
from tests.factories import add_member, seed_pekon

WA_ACCOUNT = registration_words.ACCOUNT_WORDS["whatsapp"]  # a WhatsApp number, a Telegram account

WA_ID = "6281234567890"


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        yield w


async def register_member(session: AsyncSession, wa_id: str = WA_ID) -> None:
    units = await seed_pekon(session)
    await add_member(
        session, "Sutrisno", Role.PEMANGKU, unit=units[0], channel=Channel.WHATSAPP, address=wa_id
    )


async def count(sessionmaker: async_sessionmaker[AsyncSession], model: type[object]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_verification_echoes_the_challenge_only_for_the_right_token(world: WhatsAppWorld) -> None:
    url = f"{world.url}/whatsapp/webhook"
    good = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    answer = await world.http.get(url, params=good)
    assert (answer.status_code, answer.text) == (200, "1158201444")
    for bad in ({**good, "hub.verify_token": "guess"}, {**good, "hub.mode": "unsubscribe"}, {}):
        assert (await world.http.get(url, params=bad)).status_code == 403


async def test_bad_signatures_get_403_and_store_nothing(world: WhatsAppWorld) -> None:
    raw = json.dumps(world.fixture("text")).encode()
    good = sign(APP_SECRET.encode(), raw)
    changed = raw.replace(b"DAFTAR", b"DAFTAX")  # one byte changed, old signature replayed
    tries = [
        (raw, None),
        (raw, "sha256=" + "0" * 64),
        (raw, good.removeprefix("sha256=")),
        (raw, sign(b"another-secret", raw)),
        (changed, good),
    ]
    for body, signature in tries:
        assert (await world.post(body, signature=signature)).status_code == 403
    await world.settle()
    for model in (InboundPayload, ProcessedMessage, OutboxMessage):
        assert await count(world.sessionmaker, model) == 0
    assert world.graph.messages == []


async def test_the_same_body_three_times_is_processed_once(world: WhatsAppWorld) -> None:
    body = world.phone().body("text", text={"body": "halo"})
    for _ in range(3):
        assert (await world.post(body)).status_code == 200
    await world.settle()
    assert await count(world.sessionmaker, InboundPayload) == 3  # each delivery stored ...
    assert await count(world.sessionmaker, ProcessedMessage) == 1  # ... handled once
    assert await count(world.sessionmaker, OutboxMessage) == 1
    sent = world.graph.sent_to(WA_ID)
    assert [m["text"]["body"] for m in sent] == [
        registration_words.UNREGISTERED.format(village="pekon", account=WA_ACCOUNT)
    ]
    assert world.graph.read == [body["entry"][0]["changes"][0]["value"]["messages"][0]["id"]]


async def test_every_entry_change_and_message_of_one_body_is_handled(world: WhatsAppWorld) -> None:
    async with world.sessionmaker() as session:
        await register_member(session)
    await world.post(world.fixture("multi"))
    await world.settle()
    to_first = [m for m in world.graph.sent_to(WA_ID)]
    to_second = world.graph.sent_to("6285712345678")
    assert len(to_second) == 1 and "belum terdaftar" in to_second[0]["text"]["body"]
    assert len(to_first) == 2  # "halo" and "menu": the menu, twice
    assert all(m["interactive"]["type"] == "list" for m in to_first)
    assert await count(world.sessionmaker, ProcessedMessage) == 3


@pytest.mark.parametrize("kind", ["image", "audio", "sticker", "location", "unsupported"])
async def test_what_cannot_be_read_gets_a_short_helpful_answer(world: WhatsAppWorld, kind: str) -> None:
    async with world.sessionmaker() as session:
        await register_member(session)
    phone = world.phone()
    [answer] = await phone.post(phone.body(kind))  # the explanation and the menu, one message
    assert answer.startswith(error_words.UNSUPPORTED)
    assert conversation_words.MENU_PROMPT in answer


async def test_a_shared_contact_of_ones_own_number_is_recognised(world: WhatsAppWorld) -> None:
    from bot.channels.whatsapp_payload import parse_body

    now = world.clock()
    [message] = parse_body(world.fixture("contacts"), now).messages
    assert (message.contact_phone, message.contact_is_own) == ("+6281234567890", True)
    body = world.fixture("contacts")
    body["entry"][0]["changes"][0]["value"]["messages"][0]["contacts"][0]["phones"][0] = {
        "phone": "0857-1234-5678"
    }
    [other] = parse_body(body, now).messages
    assert (other.contact_phone, other.contact_is_own) == ("+6285712345678", False)


async def _sent_row(world: WhatsAppWorld, wamid: str, template: bool = False) -> int:
    message = OutgoingMessage(
        text="Pengingat",
        template=TemplateRef("pengingat_laporan", ("Sutrisno", "Pemangku 1", "November 2026"))
        if template
        else None,
    )
    async with world.sessionmaker() as session, session.begin():
        row = enqueue(session, channel="whatsapp", address=WA_ID, payload=message.to_payload())
        row.status, row.platform_message_id = OutboxStatus.SENT, wamid
        await session.flush()
        return row.id


def _status_body(world: WhatsAppWorld, name: str, wamid: str) -> dict[str, Any]:
    body = world.fixture(name)
    body["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = wamid
    return body


async def _row(world: WhatsAppWorld, row_id: int) -> OutboxMessage:
    async with world.sessionmaker() as session:
        return await session.get_one(OutboxMessage, row_id)


async def test_statuses_move_the_outbox_row_forward_never_back(world: WhatsAppWorld) -> None:
    row_id = await _sent_row(world, "wamid.A")
    for name, expected in [
        ("status_delivered", "delivered"),
        ("status_read", "read"),
        ("status_delivered", "read"),
        ("status_sent", "read"),
    ]:
        await world.post(_status_body(world, name, "wamid.A"))
        await world.settle()
        assert (await _row(world, row_id)).status == expected
    failed_id = await _sent_row(world, "wamid.B")
    await world.post(_status_body(world, "status_failed", "wamid.B"))
    await world.settle()
    failed = await _row(world, failed_id)
    assert failed.status == "failed" and "131026" in (failed.last_error or "")


async def test_a_131047_failure_status_resends_the_row_as_its_template(world: WhatsAppWorld) -> None:
    async with world.sessionmaker() as session:
        await register_member(session)
    with_template = await _sent_row(world, "wamid.T", template=True)
    without = await _sent_row(world, "wamid.F")
    for wamid in ("wamid.T", "wamid.F"):
        await world.post(_status_body(world, "status_failed_131047", wamid))
    await world.settle()
    assert (await _row(world, with_template)).status == "sent"
    [template] = world.graph.sent_to(WA_ID)
    assert template["type"] == "template" and template["template"]["name"] == "pengingat_laporan"
    held = await _row(world, without)
    assert held.status == "dead" and "held until the person writes again" in (held.last_error or "")


async def test_a_body_stored_before_a_crash_is_processed_at_the_next_start(
    world: WhatsAppWorld, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    body = world.phone().body("text", text={"body": "halo"})
    async with sessionmaker() as session, session.begin():
        session.add(InboundPayload(channel="whatsapp", body=body))  # stored, 200 sent, then the crash
    restarted = WhatsAppWebhook(
        sessionmaker, world.webhook._sink, app_secret=APP_SECRET, verify_token=VERIFY_TOKEN
    )
    assert await restarted.recover() == 1
    assert await restarted.recover() == 0
    await world.settle()
    assert len(world.graph.sent_to(WA_ID)) == 1
    async with sessionmaker() as session:
        assert await session.scalar(select(InboundPayload.processed_at)) is not None


async def test_a_message_opens_the_window_and_releases_held_messages(world: WhatsAppWorld) -> None:
    async with world.sessionmaker() as session:
        await register_member(session)
    async with world.sessionmaker() as session, session.begin():
        identity = await session.scalar(select(Identity))
        assert identity is not None
        identity.last_inbound_at = world.clock() - timedelta(days=2)
        enqueue(
            session,
            channel="whatsapp",
            address=WA_ID,
            payload=OutgoingMessage(text="Rekap siap").to_payload(),
        )
    await world.settle()
    assert world.graph.sent_to(WA_ID) == []  # outside the window, no template: held
    async with world.sessionmaker() as session:
        held = await session.scalar(select(OutboxMessage))
        assert held is not None and held.status == "dead"
    phone = world.phone()
    answers = await phone.say("menu")
    assert answers.startswith("Rekap siap")


async def test_unknown_json_shapes_are_accepted_and_ignored(world: WhatsAppWorld) -> None:
    for body in (
        {"object": "page", "entry": []},
        {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"field": "account_update", "value": {}}]}],
        },
    ):
        assert (await world.post(body)).status_code == 200
    assert (await world.post(b"not json")).status_code == 200  # signed: Meta must not retry it
    await world.settle()
    async with world.sessionmaker() as session:
        notes = list(await session.scalars(select(InboundPayload.error).order_by(InboundPayload.id)))
    assert notes == [None, None, "unreadable: json x1"]
    assert world.graph.messages == []


class _FailingOnce:
    """A dispatcher that fails the first time (the database went away), then works."""

    def __init__(self, sink: MessageSink) -> None:
        self.sink, self.failed = sink, False

    async def dispatch(self, message: IncomingMessage) -> list[OutgoingMessage]:
        if not self.failed:
            self.failed = True
            raise ConnectionError("database unreachable")
        return await self.sink.dispatch(message)


async def test_a_body_whose_processing_failed_is_retried_by_the_sweep(
    world: WhatsAppWorld, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    later = timedelta()  # how far this webhook's clock runs ahead of the transport's
    webhook = WhatsAppWebhook(
        sessionmaker,
        _FailingOnce(world.webhook._sink),
        app_secret=APP_SECRET,
        verify_token=VERIFY_TOKEN,
        clock=lambda: world.clock() + later,
    )
    body = world.phone().body("text", text={"body": "halo"})
    async with sessionmaker() as session, session.begin():
        row = InboundPayload(channel="whatsapp", body=body)
        session.add(row)
    await webhook.process(row.id)
    async with sessionmaker() as session:
        failed = await session.get_one(InboundPayload, row.id)
    assert (failed.processed_at, failed.error, failed.attempts) == (None, "ConnectionError", 1)
    assert await webhook.recover() == 0  # it waits its backoff
    later = retry_delay(1)
    sweeping = asyncio.create_task(webhook.sweep(every=0.01))
    await world.settle()
    async with asyncio.timeout(5):
        while not world.graph.sent_to(WA_ID):
            await asyncio.sleep(0.02)
            await world.settle()
    sweeping.cancel()
    assert len(world.graph.sent_to(WA_ID)) == 1


async def test_processed_bodies_are_deleted_after_the_retention_setting_not_a_week(
    world: WhatsAppWorld,
) -> None:
    """One rule (jobs/retention.py): the sweep keeps processing, the retention pass deletes."""
    now = world.clock()
    async with world.sessionmaker() as session, session.begin():
        for processed in (now - timedelta(days=11), now - timedelta(days=9)):
            session.add(InboundPayload(channel="whatsapp", body={}, processed_at=processed))
    sweeping = asyncio.create_task(world.webhook.sweep(every=0.01))
    await asyncio.sleep(0.1)  # several sweeps: the old one deleted what was processed 7 days ago
    sweeping.cancel()
    assert await count(world.sessionmaker, InboundPayload) == 2
    await run_retention(JobContext(world.sessionmaker, Schedule(retention_days=10)), now)
    async with world.sessionmaker() as session:
        left = list(await session.scalars(select(InboundPayload.processed_at)))
    assert left == [now - timedelta(days=9)]


async def test_an_oversized_body_is_refused_unread(world: WhatsAppWorld) -> None:
    huge = json.dumps({"object": "whatsapp_business_account", "pad": "x" * 1_000_000}).encode()
    assert (await world.post(huge)).status_code == 413
    assert await count(world.sessionmaker, InboundPayload) == 0


async def test_a_message_delivered_after_its_window_closed_gets_a_template_then_its_answer(
    world: WhatsAppWorld,
) -> None:
    """Meta retries a webhook for up to 7 days: a message sent 3 days ago is answered, but its
    window closed 2 days ago, so the answer is held; the person is told so by a template instead
    of waiting in silence, and gets the answer as soon as they write again."""
    async with world.sessionmaker() as session:
        await register_member(session)
    phone = world.phone()
    late = phone.body("text", text={"body": "menu"})
    sent_at = world.clock() - timedelta(days=3)
    late["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = str(int(sent_at.timestamp()))
    assert (await world.post(late)).status_code == 200
    await world.settle()
    [notice] = world.graph.sent_to(WA_ID)
    assert notice["type"] == "template" and notice["template"]["name"] == "balasan_tertunda"
    assert await world.post(late) and await count(world.sessionmaker, ProcessedMessage) == 1  # redelivery
    await world.settle()
    assert len(world.graph.sent_to(WA_ID)) == 1  # the redelivery neither answers nor notifies again
    phone.seen = 1
    answers = await phone.post(phone.body("text", text={"body": "menu"}))
    assert [a.startswith(conversation_words.MENU_PROMPT) for a in answers] == [
        True,
        True,
    ]  # the held one, then now
    async with world.sessionmaker() as session:
        statuses = list(await session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))
    assert statuses == ["sent", "sent", "sent"]  # the held reply, the notice, the new reply
