"""Field test round 3, odd payloads over WhatsApp: every kind of message a cheap phone or the
platform sends, in the Cloud API's documented shapes, through the signed webhook and the fake
Graph API. The person gets a kind answer (or nothing, where answering is wrong), nothing is
recorded, the others in the same body are still answered, and a redelivery is processed once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import conversation_words, error_words, registration_words, report_words
from models.event import Event
from models.inbound import ProcessedMessage
from tests.bot.whatsapp.harness import WhatsAppPhone, WhatsAppWorld, whatsapp_world
from tests.bot.whatsapp.test_conversations import registered

STRANGER = "6285712345678"
UNREGISTERED = registration_words.UNREGISTERED.format(
    village="pekon", account=registration_words.ACCOUNT_WORDS["whatsapp"]
)
EXPRESS = "lahir Putri Ayu P 3-11-2026 di Liwa ibu Sari ayah Joko"


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        yield w


async def events(world: WhatsAppWorld) -> int:
    async with world.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Event)) or 0)


def message(phone: WhatsAppPhone, kind: str, **fields: Any) -> dict[str, Any]:
    """A message of `kind` from this phone with the given type-specific fields (a fresh wamid)."""
    body = phone.body("text", type=kind, **fields)
    raw = body["entry"][0]["changes"][0]["value"]["messages"][0]
    if kind != "text":
        raw.pop("text", None)
    return body


MENU_TAIL = conversation_words.MENU_PROMPT


async def in_a_report(world: WhatsAppWorld) -> WhatsAppPhone:
    """A registered pemangku in the middle of a birth report, the name question waiting."""
    phone = await registered(world)
    assert (await phone.say("lahir")).endswith(report_words.QUESTIONS["name"])
    return phone


@pytest.mark.parametrize("name", ["\u200bPutri Ayu", "Putri\u200f Ayu\u200e", "\ufeffPutri\u00ad Ayu"])
async def test_invisible_marks_are_not_part_of_a_name(world: WhatsAppWorld, name: str) -> None:
    """A zero-width space, a bidi mark or a soft hyphen copied from another chat is no part of the
    name (handlers.parsing drops format characters; a guard, it passed before this round too)."""
    phone = await registered(world)
    summary = await phone.say(EXPRESS.replace("Putri Ayu", name))
    assert "Nama: Putri Ayu\n" in summary and "[1. Simpan]" in summary


@pytest.mark.parametrize("typed", ["   ", "\u200b", "\u200f\u200e", "\ufeff \u2060"])
async def test_a_blank_or_invisible_text_changes_nothing(world: WhatsAppWorld, typed: str) -> None:
    phone = await in_a_report(world)
    answer = await phone.say(typed)
    assert answer.endswith(report_words.QUESTIONS["name"])
    assert await phone.say("Putri Ayu") == "Jenis kelamin?\n[1. L (laki-laki)]\n[2. P (perempuan)]"


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("sticker", {"sticker": {"id": "5", "mime_type": "image/webp", "animated": False}}),
        ("audio", {"audio": {"id": "6", "mime_type": "audio/ogg; codecs=opus", "voice": True}}),
        ("video", {"video": {"id": "7", "mime_type": "video/mp4"}}),
        ("location", {"location": {"latitude": -5.03, "longitude": 104.06, "name": "Liwa"}}),
        ("unsupported", {"errors": [{"code": 131051, "title": "Message type unknown"}]}),
        ("contacts", {"contacts": [{"name": {"formatted_name": "X"}, "phones": [{"phone": "+62 857 1"}]}]}),
    ],
)
async def test_what_cannot_be_read_mid_report_keeps_the_question(
    world: WhatsAppWorld, kind: str, fields: dict[str, Any]
) -> None:
    phone = await in_a_report(world)
    [answer] = await phone.post(message(phone, kind, **fields))
    assert answer.startswith(error_words.UNSUPPORTED) or "nomor" in answer.lower()
    assert answer.endswith(report_words.QUESTIONS["name"])
    assert await events(world) == 0


async def test_reactions_are_not_answered(world: WhatsAppWorld) -> None:
    """Before: a 👍 on the bot's message got "Maaf, saya hanya bisa membaca pesan teks" and the
    question again. Now a reaction (to the last message, to an old one, or taken away) is no message."""
    phone = await in_a_report(world)
    last = world.graph.sent_to(phone.wa_id)[-1]
    for reaction in (
        {"message_id": last.get("id", "wamid.LAST"), "emoji": "👍"},
        {"message_id": "wamid.A.MONTH.OLD", "emoji": "🙏"},
        {"message_id": "wamid.A.MONTH.OLD"},  # the reaction taken off
    ):
        assert await phone.post(message(phone, "reaction", reaction=reaction)) == []
    assert await phone.say("Putri Ayu") == "Jenis kelamin?\n[1. L (laki-laki)]\n[2. P (perempuan)]"


async def test_an_edit_is_not_read_and_records_nothing(world: WhatsAppWorld) -> None:
    """The documented `type: "edit"` (Coexistence numbers): the new text is not taken as a report."""
    phone = await registered(world)
    edit = {"original_message_id": "wamid.EARLIER", "message": {"type": "text", "text": {"body": EXPRESS}}}
    body = message(phone, "edit", edit=edit)
    [answer] = await phone.post(body)
    assert answer.startswith(error_words.UNREAD_KINDS["edit"]) and MENU_TAIL in answer
    assert await events(world) == 0
    assert await phone.post(body) == []  # the same edit delivered again: processed once


async def test_a_deleted_message_is_said_not_to_undo_anything(world: WhatsAppWorld) -> None:
    phone = await in_a_report(world)
    [answer] = await phone.post(message(phone, "revoke", revoke={"original_message_id": "wamid.X"}))
    assert answer.startswith(error_words.UNREAD_KINDS["revoke"])
    assert answer.endswith(report_words.QUESTIONS["name"])


async def test_a_template_quick_reply_mid_report_is_no_answer_to_the_question(world: WhatsAppWorld) -> None:
    """Before: a reminder template's button ("NIHIL", or a "Stop promosi" opt-out) pressed while
    the name question waited was read as typed: the baby was named "Stop promosi". Now the press
    is a choice: mid-report it is refused as an old button and the question stays."""
    phone = await in_a_report(world)
    for button in (
        {"payload": "Stop promosi", "text": "Stop promosi"},
        {"payload": "NIHIL", "text": "NIHIL"},
    ):
        answer = await phone.post(message(phone, "button", button=button))
        assert answer == [f"{conversation_words.STALE_CHOICE}\n\n{report_words.QUESTIONS['name']}"]


@pytest.mark.parametrize("tampered", ["q999:lahir", "zzz", "q1:" + "x" * 300, "q2:kirim"])
async def test_a_tampered_button_or_row_id_changes_nothing(world: WhatsAppWorld, tampered: str) -> None:
    phone = await in_a_report(world)
    for kind in ("button_reply", "list_reply"):
        interactive = {"type": kind, kind: {"id": tampered, "title": "Lapor Lahir"}}
        [answer] = await phone.post(message(phone, "interactive", interactive=interactive))
        assert answer.startswith(conversation_words.STALE_CHOICE)
        assert answer.endswith(report_words.QUESTIONS["name"])
    assert await events(world) == 0


async def test_a_quoted_reply_and_a_forwarded_text_are_read_as_typed(world: WhatsAppWorld) -> None:
    phone = await in_a_report(world)
    quoted = message(
        phone, "text", text={"body": "Putri Ayu"}, context={"from": "15550783881", "id": "wamid.Q"}
    )
    assert "Jenis kelamin?" in "\n".join(await phone.post(quoted))
    forwarded = message(phone, "text", text={"body": "P"}, context={"forwarded": True})
    assert "Tanggal lahir" in "\n".join(await phone.post(forwarded))


async def test_a_text_past_whatsapps_4096_limit_is_refused_kindly(world: WhatsAppWorld) -> None:
    phone = await in_a_report(world)
    [answer] = await phone.post(message(phone, "text", text={"body": "Putri " * 800}))
    assert answer.startswith(error_words.TOO_LONG) and answer.endswith(report_words.QUESTIONS["name"])


async def test_one_body_mixing_every_kind_answers_each_person_once(world: WhatsAppWorld) -> None:
    """Several entries and changes: a reaction, a system notice, statuses (failed with errors), an
    edit, a sticker and texts from a registered and an unregistered number. Each person who wrote
    something gets their answer; the rest get nothing; delivered again, nothing more happens."""
    phone = await in_a_report(world)
    stranger = world.phone(STRANGER, "Wayan")
    mine = [
        message(phone, "reaction", reaction={"message_id": "wamid.X", "emoji": "👍"}),
        message(phone, "text", text={"body": "Putri Ayu"}),
        message(phone, "sticker", sticker={"id": "5", "mime_type": "image/webp"}),
    ]
    # a stranger's number change changes nothing (a pemangku's: tests/bot/whatsapp/test_number_change.py)
    changed = {"body": "changed", "wa_id": "628", "type": "user_changed_number"}
    theirs = [
        message(stranger, "system", system=changed),
        message(stranger, "text", text={"body": "lahir"}),
        message(stranger, "edit", edit={}),
    ]
    statuses = {
        "messaging_product": "whatsapp",
        "statuses": [
            {"id": "wamid.OURS1", "status": "failed", "recipient_id": STRANGER, "timestamp": "1",
             "errors": [{"code": 131026, "title": "Message undeliverable"}]},
            {"id": "wamid.OURS2", "status": "read", "recipient_id": phone.wa_id, "timestamp": "1"},
        ],
    }  # fmt: skip
    body = mine[0]
    changes = body["entry"][0]["changes"]
    for extra in mine[1:]:
        changes.append(extra["entry"][0]["changes"][0])
    body["entry"].extend(b["entry"][0] for b in theirs)
    body["entry"].append({"id": "1", "changes": [{"field": "messages", "value": statuses}]})
    response = await world.post(body)
    assert response.status_code == 200
    await world.settle()
    got = phone.read()
    assert got[0] == "Jenis kelamin?\n[1. L (laki-laki)]\n[2. P (perempuan)]"
    assert got[1].startswith(error_words.UNSUPPORTED) and len(got) == 2
    answers = stranger.read()
    assert answers == [UNREGISTERED, UNREGISTERED]
    assert (await world.post(body)).status_code == 200
    await world.settle()
    assert phone.read() == [] and stranger.read() == []
    async with world.sessionmaker() as session:
        processed = await session.scalar(select(func.count()).select_from(ProcessedMessage))
    assert processed is not None and processed >= 4
    assert await events(world) == 0
