"""Whole conversations over WhatsApp: signed webhook bodies in, the fake Graph API's received
messages out, the ledger checked. The handlers are the same as on every channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Choice, DocumentRef, OutgoingMessage, TemplateRef
from handlers import texts
from models.event import Event, EventPerson
from models.invites import create_invite, format_code
from models.outbox import OutboxMessage, StoredDocument, enqueue_for_member
from models.period import UnitReport
from models.person import Channel, Identity, Role
from tests.bot.whatsapp.harness import WhatsAppPhone, WhatsAppWorld, whatsapp_world
from tests.factories import seed_pekon

WA_ID = "6281234567890"


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        yield w


async def registered(world: WhatsAppWorld) -> WhatsAppPhone:
    """A pemangku registered over WhatsApp with `DAFTAR KODE`, the menu list in front of them."""
    async with world.sessionmaker() as session:
        units = await seed_pekon(session, baseline_period=date(2026, 11, 1))
        invite = await create_invite(session, Role.PEMANGKU, unit_id=units[0].id, name="Sutrisno")
        await session.commit()
    phone = world.phone(WA_ID)
    answer = await phone.say(f"DAFTAR {format_code(invite.code)}")
    assert "Selamat datang" in answer and "pemangku Pemangku 1" in answer
    assert world.graph.sent_to(WA_ID)[-1]["interactive"]["type"] == "list"  # the menu
    return phone


async def test_registration_by_daftar_binds_the_whatsapp_number(world: WhatsAppWorld) -> None:
    await registered(world)
    async with world.sessionmaker() as session:
        identity = await session.scalar(select(Identity))
    assert identity is not None
    assert (identity.channel, identity.address) == (Channel.WHATSAPP, WA_ID)
    assert identity.last_inbound_at is not None  # the 24-hour window is open


async def birth_by(phone: WhatsAppPhone, *, tapping: bool) -> None:
    """A birth report from the menu list to the receipt, choices tapped or typed."""

    async def choose(choice_id: str, typed: str) -> str:
        return await phone.tap(choice_id) if tapping else await phone.say(typed)

    assert texts.QUESTIONS["name"] in await choose("lahir", "1")
    assert texts.QUESTIONS["sex"] in await phone.say("Putri Ayu")
    assert "[2. P (perempuan)]" in phone.read_last()
    assert texts.QUESTION_DATE["lahir"] in await choose("P", "P (perempuan)")
    assert texts.QUESTIONS["birth_place"] in await phone.say("kemarin")
    assert texts.QUESTIONS["mother_name"] in await phone.say("Liwa")
    assert texts.QUESTIONS["father_name"] in await phone.say("Sari")
    assert texts.QUESTION_NIK_NEWBORN in await phone.say("Joko")
    assert texts.QUESTIONS["citizenship"] in await phone.say("-")
    summary = await choose("WNI", "1")
    assert "Putri Ayu" in summary and "[1. Simpan]" in summary
    assert "Laporan kelahiran tersimpan" in await choose("simpan", "simpan")


async def births(world: WhatsAppWorld) -> list[EventPerson]:
    async with world.sessionmaker() as session:
        return list(await session.scalars(select(EventPerson)))


@pytest.mark.parametrize("tapping", [True, False], ids=["tapping", "typing"])
async def test_a_complete_birth_report_by_buttons_and_list_or_typed(
    world: WhatsAppWorld, tapping: bool
) -> None:
    phone = await registered(world)
    await birth_by(phone, tapping=tapping)
    [person] = await births(world)
    assert (person.name, person.sex, person.birth_place, person.mother_name) == (
        "Putri Ayu",
        "P",
        "Liwa",
        "Sari",
    )
    async with world.sessionmaker() as session:
        event = await session.scalar(select(Event))
    assert event is not None and (event.kind, event.channel) == ("lahir", "whatsapp")


async def test_an_express_line(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    summary = await phone.say("LAHIR Putri Ayu P 19-11-2026 di Liwa ibu Sari ayah Joko")
    assert "Putri Ayu" in summary
    while "[1. Simpan]" not in summary:  # what the line did not say is asked
        summary = await phone.say("-" if texts.QUESTION_NIK_NEWBORN in summary else "1")
    assert "tersimpan" in await phone.tap("simpan")
    [person] = await births(world)
    assert (person.name, person.father_name) == ("Putri Ayu", "Joko")


async def test_month_submission_after_a_report(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    await birth_by(phone, tapping=True)
    await phone.say("menu")
    confirm = await phone.tap("kirim")
    assert "[1. Ya, kirim]" in confirm
    assert "sudah terkirim" in await phone.tap("ya")
    async with world.sessionmaker() as session:
        report = await session.scalar(select(UnitReport))
    assert report is not None and (report.status, report.channel) == ("submitted", "whatsapp")


async def test_nihil(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    assert "[1. Ya, kirim]" in await phone.tap("nihil")
    assert "tercatat NIHIL" in await phone.tap("ya")
    async with world.sessionmaker() as session:
        report = await session.scalar(select(UnitReport))
    assert report is not None and report.status == "nihil"


def reminder() -> OutgoingMessage:
    """A reminder as the jobs build it: free text with one-tap answers, and its template."""
    return OutgoingMessage(
        text="Pak Sutrisno, laporan November 2026 untuk Pemangku 1 belum masuk.",
        choices=(Choice("kirim", "Kirim laporan"), Choice("nihil", "NIHIL")),
        template=TemplateRef("pengingat_laporan", ("Sutrisno", "Pemangku 1", "November 2026")),
    )


async def queue_for_sutrisno(
    world: WhatsAppWorld, message: OutgoingMessage, last_inbound_hours_ago: float
) -> None:
    async with world.sessionmaker() as session, session.begin():
        identity = await session.scalar(select(Identity).where(Identity.address == WA_ID))
        assert identity is not None
        identity.last_inbound_at = datetime.now(UTC) - timedelta(hours=last_inbound_hours_ago)
        await enqueue_for_member(session, identity.member_id, message.to_payload())
    await world.settle()


async def test_a_reminder_inside_the_window_is_free_text_with_buttons(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    phone.read()
    await queue_for_sutrisno(world, reminder(), last_inbound_hours_ago=23)
    [sent] = phone.read()
    assert sent.startswith("Pak Sutrisno, laporan November 2026") and "[2. NIHIL]" in sent
    assert "[1. Ya, kirim]" in await phone.tap("nihil")  # its button works like the menu's


async def test_a_reminder_outside_the_window_goes_as_the_template(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    phone.read()
    await queue_for_sutrisno(world, reminder(), last_inbound_hours_ago=25)
    assert phone.read() == ["<template pengingat_laporan ['Sutrisno', 'Pemangku 1', 'November 2026']>"]
    # the template's quick-reply button comes back as its text, which the handlers read as typed
    answer = await phone.post(phone.body("template_button", button={"payload": "NIHIL", "text": "NIHIL"}))
    assert "[1. Ya, kirim]" in answer[-1]


async def test_a_document_delivery(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    phone.read()
    content = b"PK\x03\x04 rekap xlsx bytes" * 100
    async with world.sessionmaker() as session, session.begin():
        doc = StoredDocument(
            filename="B3-Trimulyo-2026-11.xlsx", media_type="x", content=content, sha256="0" * 64
        )
        session.add(doc)
        await session.flush()
        ref = DocumentRef(doc.id, doc.filename, "Rekap B.3 November 2026")
    await queue_for_sutrisno(
        world, OutgoingMessage(text="Rekap siap", document=ref), last_inbound_hours_ago=1
    )
    assert phone.read() == ["<document B3-Trimulyo-2026-11.xlsx> Rekap B.3 November 2026"]
    [(filename, media_type, stored)] = world.graph.media.values()
    assert (filename, stored) == ("B3-Trimulyo-2026-11.xlsx", content)
    assert media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    async with world.sessionmaker() as session:
        row = await session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert row is not None and row.status == "sent" and row.platform_message_id
