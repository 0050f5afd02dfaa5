"""Whole conversations over WhatsApp: signed webhook bodies in, the fake Graph API's received
messages out, the ledger checked. The handlers are the same as on every channel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import MessageSink
from bot.channels.whatsapp_webhook import WhatsAppWebhook
from bot.messages import DocumentRef, IncomingMessage, OutgoingMessage, TemplateRef
from handlers.texts import conversation_words, report_words
from jobs.context import JobContext, Schedule
from jobs.reminders import run_reminders
from models.event import Event, EventPerson
from models.inbound import InboundPayload
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
    assert "Selamat datang, Sutrisno" in answer and "Pemangku 1" in answer
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

    assert report_words.QUESTIONS["name"] in await choose("lahir", "1")
    assert report_words.QUESTIONS["sex"] in await phone.say("Putri Ayu")
    assert "[2. P (perempuan)]" in phone.read_last()
    assert report_words.QUESTION_DATE["lahir"] in await choose("P", "P (perempuan)")
    assert report_words.QUESTIONS["birth_place"] in await phone.say("kemarin")
    assert report_words.QUESTIONS["mother_name"] in await phone.say("Liwa")
    assert report_words.QUESTIONS["father_name"] in await phone.say("Sari")
    assert report_words.QUESTION_NIK_NEWBORN in await phone.say("Joko")
    assert report_words.QUESTIONS["citizenship"] in await phone.say("-")
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
        summary = await phone.say("-" if report_words.QUESTION_NIK_NEWBORN in summary else "1")
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


async def remind(world: WhatsAppWorld, last_inbound_hours_ago: float) -> None:
    """The reminders pass of the jobs, run on 3 December 2026 (two days before the deadline)."""
    await set_last_inbound(world, last_inbound_hours_ago)
    ctx = JobContext(world.sessionmaker, Schedule())
    assert await run_reminders(ctx, datetime(2026, 12, 3, 3, 0, tzinfo=UTC)) == 1
    await world.settle()


async def set_last_inbound(world: WhatsAppWorld, hours_ago: float) -> int:
    """Move the person's last message into the past; returns their member id."""
    async with world.sessionmaker() as session, session.begin():
        identity = await session.scalar(select(Identity).where(Identity.address == WA_ID))
        assert identity is not None
        identity.last_inbound_at = world.clock() - timedelta(hours=hours_ago)
        return identity.member_id


async def queue_for_sutrisno(
    world: WhatsAppWorld, message: OutgoingMessage, last_inbound_hours_ago: float
) -> None:
    member_id = await set_last_inbound(world, last_inbound_hours_ago)
    async with world.sessionmaker() as session, session.begin():
        await enqueue_for_member(session, member_id, message.to_payload())
    await world.settle()


async def test_a_reminder_inside_the_window_is_free_text_with_buttons(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    phone.read()
    await remind(world, last_inbound_hours_ago=23)
    [sent] = phone.read()
    assert "November 2026" in sent and "[1. " in sent and "[2. " in sent  # free text, two buttons
    assert "[1. Ya, kirim]" in await phone.tap("nihil")  # its button works like the menu's


async def test_a_reminder_outside_the_window_goes_as_the_template(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    phone.read()
    await remind(world, last_inbound_hours_ago=25)
    assert phone.read() == ["<template pengingat_laporan ['Sutrisno', 'Pemangku 1', 'November 2026']>"]
    # the template's quick-reply button comes back as its text, which the handlers read as typed
    answer = await phone.post(phone.body("template_button", button={"payload": "NIHIL", "text": "NIHIL"}))
    assert len(answer) == 1 and "[1. Ya, kirim]" in answer[0]  # the reminder's text does not follow


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


async def test_a_notice_outside_the_window_goes_as_its_template_and_the_details_follow(
    world: WhatsAppWorld,
) -> None:
    phone = await registered(world)
    phone.read()
    notice = OutgoingMessage(
        text="Pemangku yang belum lapor November 2026: Pemangku 2, Pemangku 3.",
        template=TemplateRef("pemberitahuan_rekap", ("Pekon Trimulyo", "November 2026")),
        extra={"kind": "escalation"},
    )
    content = b"rekap" * 100
    async with world.sessionmaker() as session, session.begin():
        doc = StoredDocument(
            filename="B3.pdf", media_type="application/pdf", content=content, sha256="0" * 64
        )
        session.add(doc)
        await session.flush()
        ref = DocumentRef(doc.id, doc.filename, "Rekap B.3")
    await queue_for_sutrisno(world, notice, last_inbound_hours_ago=30)
    await queue_for_sutrisno(world, OutgoingMessage(text="Berkas", document=ref), last_inbound_hours_ago=30)
    assert phone.read() == ["<template pemberitahuan_rekap ['Pekon Trimulyo', 'November 2026']>"]
    answers = await phone.post(phone.body("text", text={"body": "menu"}))
    assert sorted(answers[:2]) == ["<document B3.pdf> Rekap B.3", notice.text]  # the held file, the details
    assert conversation_words.MENU_PROMPT in answers[2]
    again = await phone.say("menu")  # nothing follows twice
    assert notice.text not in again and "B3.pdf" not in again


class _WorkerFirst:
    """A dispatcher after which the outbox worker runs before the webhook's last step."""

    def __init__(self, sink: MessageSink) -> None:
        self.sink = sink

    async def dispatch(self, message: IncomingMessage) -> list[OutgoingMessage]:
        replies = await self.sink.dispatch(message)
        await asyncio.sleep(0.5)  # the worker (polling every 0.05 s) takes the replies now
        return replies


async def test_the_first_reply_to_a_new_registration_is_not_held(world: WhatsAppWorld) -> None:
    async with world.sessionmaker() as session:
        units = await seed_pekon(session, baseline_period=date(2026, 11, 1))
        invite = await create_invite(session, Role.PEMANGKU, unit_id=units[0].id, name="Sutrisno")
        await session.commit()
    phone = world.phone(WA_ID)
    body = phone.body("text", text={"body": f"DAFTAR {invite.code}"})
    async with world.sessionmaker() as session, session.begin():
        stored = InboundPayload(channel="whatsapp", body=body)
        session.add(stored)
    webhook = WhatsAppWebhook(
        world.sessionmaker, _WorkerFirst(world.webhook._sink), app_secret="s", verify_token="t"
    )
    await webhook.process(stored.id)
    await world.settle()
    assert "Selamat datang, Sutrisno" in "\n".join(phone.read())


def _rows(message: dict[str, object]) -> list[dict[str, str]]:
    interactive = message["interactive"]
    assert isinstance(interactive, dict) and interactive["type"] == "list"
    return [row for section in interactive["action"]["sections"] for row in section["rows"]]


@pytest.mark.parametrize("role", [Role.PEMANGKU, Role.STAFF, Role.CAMAT])
def test_every_menu_row_title_fits_with_its_detail_below(role: Role) -> None:
    from bot.channels.whatsapp_render import ELLIPSIS, ROW_TITLE_MAX, free_form_contents
    from handlers.menu import menu
    from models.person import Member

    [content] = free_form_contents(menu(Member(name="X", role=role)))
    if content["interactive"]["type"] == "button":  # two entries: reply buttons, titles whole
        assert all(ELLIPSIS not in b["reply"]["title"] for b in content["interactive"]["action"]["buttons"])
        return
    for row in _rows(content):
        assert len(row["title"]) <= ROW_TITLE_MAX and ELLIPSIS not in row["title"], row
        assert row.get("description") and ELLIPSIS not in row["description"], row


async def test_laporan_saya_with_five_entries_is_a_list_to_tap(world: WhatsAppWorld) -> None:
    phone = await registered(world)
    names = ("Ayu", "Bayu", "Citra", "Dewi", "Eko")
    for day, name in enumerate(names, 10):
        await phone.say(f"LAHIR {name} L {day}-11-2026 di rumah ibu Ani ayah Joko")
        await phone.tap("simpan")
    await phone.tap("laporan")
    rows = _rows(world.graph.sent_to(WA_ID)[-1])
    assert [row["title"].split(". ", 1)[0] for row in rows] == ["1", "2", "3", "4", "5"]
    assert all(len(row["title"]) <= 24 and "kelahiran" in row["title"] for row in rows)
    assert rows[0]["description"].startswith("Eko · 14 November 2026")
    answer = await phone.tap(rows[1]["id"])
    assert "Dewi" in answer and "Mau diapakan?" in answer
