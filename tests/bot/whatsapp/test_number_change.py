"""A pemangku changes their WhatsApp number: Meta's signed `system` notice (`user_changed_number`,
`from` the old number, `system.wa_id` the new one) moves the registered identity, its draft and
its unsent messages to the new number, once, audited; a number that is already another person's
is never taken, and the pekon staff are told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import channel_words, registration_words, report_words
from models.audit import AuditEntry
from models.event import EventPerson
from models.outbox import OutboxMessage, OutboxStatus, enqueue
from models.person import Channel, Identity, Role
from models.region import Unit
from tests.bot.whatsapp.harness import WhatsAppPhone, WhatsAppWorld, readable, whatsapp_world
from tests.bot.whatsapp.test_conversations import WA_ID, registered
from tests.factories import TRIMULYO, add_member

NEW_ID = "6281399990000"
STAFF_ID = "6281100001111"
UNREGISTERED = registration_words.UNREGISTERED.format(
    village="pekon", account=registration_words.ACCOUNT_WORDS["whatsapp"]
)


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        yield w


def changed_number(old: WhatsAppPhone, new_id: str = NEW_ID) -> dict[str, Any]:
    """The Cloud API's notice that `old` now uses `new_id` (the shape Meta documents)."""
    system = {
        "body": f"User A changed from {old.wa_id} to {new_id}",
        "wa_id": new_id,
        "type": "user_changed_number",
    }
    body = old.body("text", type="system", system=system)
    body["entry"][0]["changes"][0]["value"]["messages"][0].pop("text")
    return body


async def audits(world: WhatsAppWorld) -> list[AuditEntry]:
    async with world.sessionmaker() as session:
        found = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "identity.address_change")
        )
        return list(found)


async def test_the_new_number_is_answered_as_the_pemangku_mid_report(world: WhatsAppWorld) -> None:
    """The draft follows: the name typed on the new number answers the question asked on the old."""
    old = await registered(world)
    assert (await old.say("lahir")).endswith(report_words.QUESTIONS["name"])
    assert await old.post(changed_number(old)) == []  # nothing to say to anyone
    new = world.phone(NEW_ID)
    assert "Jenis kelamin?" in await new.say("Putri Ayu")
    assert old.read() == []
    async with world.sessionmaker() as session:
        identity = await session.scalar(select(Identity))
    assert identity is not None and identity.address == NEW_ID
    [entry] = await audits(world)
    assert entry.before == {"address": "*********7890"}
    assert entry.after == {"address": "*********0000", "outcome": "moved"}
    assert entry.actor_member_id == identity.member_id


async def test_unsent_messages_go_to_the_new_number(world: WhatsAppWorld) -> None:
    """A message still waiting (a retry later) is re-addressed, never sent to the old number,
    which may be given to a stranger; its dedupe key follows, so a job run again sends none twice."""
    old = await registered(world)
    async with world.sessionmaker() as session:
        identity = await session.scalar(select(Identity))
        assert identity is not None
        row = enqueue(
            session,
            channel=Channel.WHATSAPP,
            address=WA_ID,
            payload={"text": "Pengingat"},
            member_id=identity.member_id,
            dedupe_key=f"remind:2026-11:+0:m{identity.member_id}:whatsapp:{WA_ID}",
        )
        row.next_attempt_at = world.clock() + timedelta(hours=1)
        await session.commit()
        row_id, member_id = row.id, identity.member_id
    await old.post(changed_number(old))
    async with world.sessionmaker() as session:
        moved = await session.get(OutboxMessage, row_id)
    assert moved is not None and moved.status == OutboxStatus.PENDING
    assert moved.address == NEW_ID
    assert moved.dedupe_key == f"remind:2026-11:+0:m{member_id}:whatsapp:{NEW_ID}"


async def test_a_number_already_someone_elses_changes_nothing(world: WhatsAppWorld) -> None:
    """Nothing moves, the conflict is audited and the pekon's staff are told, once, however
    often Meta delivers the notice."""
    old = await registered(world)
    async with world.sessionmaker() as session:
        unit = await session.scalar(select(Unit).where(Unit.seq == 2))
        other = await add_member(
            session, "Wartini", Role.PEMANGKU, unit=unit, channel=Channel.WHATSAPP, address=NEW_ID
        )
        await add_member(
            session, "Ratna", Role.STAFF, pekon_kode=TRIMULYO, channel=Channel.WHATSAPP, address=STAFF_ID
        )
        await session.execute(update(Identity).values(last_inbound_at=world.clock()))  # windows open
        await session.commit()
    notice = changed_number(old)
    await old.post(notice)
    await old.post(notice)  # a redelivery
    async with world.sessionmaker() as session:
        identities = {i.address: i.member.name for i in await session.scalars(select(Identity))}
    assert identities[WA_ID] == "Sutrisno" and identities[NEW_ID] == "Wartini"
    [entry] = await audits(world)
    assert entry.after == {"address": "*********0000", "outcome": "conflict", "holder_member_id": other.id}
    assert world.phone(STAFF_ID).read() == [
        channel_words.CHANNEL_NUMBER_TAKEN_NOTICE.format(name="Sutrisno", unit=" (pemangku Pemangku 1)")
    ]
    assert "Pemangku 2" in await world.phone(NEW_ID).say("status")  # still Wartini's number


async def test_a_redelivered_notice_is_applied_once(world: WhatsAppWorld) -> None:
    old = await registered(world)
    notice = changed_number(old)
    await old.post(notice)
    await old.post(notice)
    assert len(await audits(world)) == 1
    assert "Pemangku 1" in await world.phone(NEW_ID).say("status")


async def test_a_stranger_changing_number_is_still_a_stranger(world: WhatsAppWorld) -> None:
    stranger = world.phone("6285712345678")
    assert await stranger.post(changed_number(stranger)) == []
    assert await audits(world) == []
    assert UNREGISTERED in await world.phone(NEW_ID).say("halo")


async def at_summary(phone: WhatsAppPhone) -> None:
    """A birth told in one line and its questions answered, up to the summary to save."""
    summary = await phone.say("LAHIR Putri Ayu P 19-11-2026 di Liwa ibu Sari ayah Joko")
    while "[1. Simpan]" not in summary:  # what the line did not say is asked
        summary = await phone.say("-" if report_words.QUESTION_NIK_NEWBORN in summary else "1")


def sent_at(body: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The body's messages stamped `at` by the platform."""
    for message in body["entry"][0]["changes"][0]["value"]["messages"]:
        message["timestamp"] = str(int(at.timestamp()))
    return body


async def births(world: WhatsAppWorld) -> list[str]:
    async with world.sessionmaker() as session:
        return list(await session.scalars(select(EventPerson.name)))


@pytest.mark.parametrize("late", [False, True], ids=["same-body", "delivered-after-the-notice"])
async def test_a_message_sent_from_the_old_number_before_the_change_is_the_pemangkus(
    world: WhatsAppWorld, late: bool
) -> None:
    """Simpan typed on the old number just before the change reaches us with the notice (Meta
    puts both in one body, and the change is applied before any message) or after it: the birth
    is saved once and the receipt goes to the new number, nothing to the old one."""
    old = await registered(world)
    await at_summary(old)
    changed = world.clock()
    save = sent_at(old.body("text", type="text", text={"body": "simpan"}), changed - timedelta(seconds=5))
    notice = sent_at(changed_number(old), changed)
    if late:
        assert await old.post(notice) == []
        await old.post(save)
    else:
        save["entry"][0]["changes"][0]["value"]["messages"] += notice["entry"][0]["changes"][0]["value"][
            "messages"
        ]
        await old.post(save)
    new = world.phone(NEW_ID)
    assert any("Laporan kelahiran tersimpan" in text for text in new.read())
    assert old.read() == []
    assert await births(world) == ["Putri Ayu"]
    await old.post(save)  # Meta delivers the message again: nothing twice
    assert await births(world) == ["Putri Ayu"] and new.read() == [] and old.read() == []


async def test_a_message_from_the_old_number_sent_well_after_the_change_is_a_strangers(
    world: WhatsAppWorld,
) -> None:
    """The old number may be someone else's now: what it sends after the change (beyond a few
    minutes of clock difference) is answered there as a stranger's, and touches nobody's report."""
    old = await registered(world)
    await at_summary(old)
    assert await old.post(sent_at(changed_number(old), world.clock() - timedelta(hours=2))) == []
    assert UNREGISTERED in await old.say("simpan")
    assert await births(world) == []
    assert world.phone(NEW_ID).read() == []
    assert UNREGISTERED in await world.phone("6285712345678").say("simpan")  # a stranger is too


@pytest.fixture
async def quick_lease_world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker, outbox_lease_seconds=0.5) as w:
        yield w


@pytest.mark.parametrize("refused", [False, True], ids=["taken", "refused"])
async def test_a_message_in_flight_to_the_old_number_goes_to_the_new_one_too(
    quick_lease_world: WhatsAppWorld, refused: bool
) -> None:
    """A send to the old number under way when the number changes cannot be called back, but
    whatever the old number's answer (taken, or refused for good), it is not recorded against the
    row, which now says the new number: once its claim runs out it goes there."""
    world = quick_lease_world
    old = await registered(world)
    world.graph.send_gate, world.graph.send_asked = asyncio.Event(), asyncio.Event()
    async with world.sessionmaker() as session:
        identity = await session.scalar(select(Identity))
        assert identity is not None
        await session.execute(update(Identity).values(last_inbound_at=world.clock()))  # window open
        row = enqueue(
            session,
            channel=Channel.WHATSAPP,
            address=WA_ID,
            payload={"text": "Pengingat"},
            member_id=identity.member_id,
        )
        await session.commit()
        row_id = row.id
    world.worker.wake()
    await asyncio.wait_for(world.graph.send_asked.wait(), 5)  # the send to the old number is under way
    assert (await world.post(changed_number(old))).status_code == 200
    await world.webhook.wait_idle()  # the notice is applied while the send waits
    if refused:
        world.graph.fail_next(100)  # invalid parameter: a refusal for good
    world.graph.send_gate.set()
    await world.settle()
    if not refused:
        assert [readable(m) for m in world.graph.sent_to(WA_ID)][-1] == "Pengingat"  # gone, uncalled
    assert world.phone(NEW_ID).read() == ["Pengingat"]
    async with world.sessionmaker() as session:
        sent = await session.get(OutboxMessage, row_id)
    assert sent is not None and (sent.address, sent.status) == (NEW_ID, OutboxStatus.SENT)
