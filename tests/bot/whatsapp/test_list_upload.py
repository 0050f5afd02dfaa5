"""Staff send a beneficiary list file over WhatsApp: a `document` message, the media URL and the
download on the fake Graph API (sha256 checked), the preview and import; refusals, failures and
a redelivered webhook body; a file on a slow link holding up nobody else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import beneficiary_words
from models.inbound import InboundPayload
from models.invites import create_invite, format_code
from models.person import Role
from models.region import Unit
from tests.bot.upload_files import BAD_CSV, GOOD_CSV, import_audits, stored_lists, stored_rows
from tests.bot.whatsapp.harness import WhatsAppPhone, WhatsAppWorld, whatsapp_world
from tests.factories import TRIMULYO, seed_pekon


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        async with sessionmaker() as session:
            await seed_pekon(session, baseline_period=date(2026, 11, 1))
        yield w


async def _joined(world: WhatsAppWorld, wa_id: str, role: Role) -> WhatsAppPhone:
    async with world.sessionmaker() as session:
        if role == Role.STAFF:
            invite = await create_invite(session, role, pekon_kode=TRIMULYO, name="Ratna")
        else:
            unit = await session.scalar(select(Unit).order_by(Unit.id))
            assert unit is not None
            invite = await create_invite(session, role, unit_id=unit.id, name="Slamet")
        await session.commit()
    phone = world.phone(wa_id)
    assert "Selamat datang" in await phone.say(f"DAFTAR {format_code(invite.code)}")
    return phone


def _document(phone: WhatsAppPhone, media_id: str, caption: str | None = "PKH", **doc: Any) -> dict[str, Any]:
    document = {"id": media_id, "filename": "pkh-trimulyo.csv", "mime_type": "text/csv", **doc}
    if caption is None:
        document.pop("caption", None)
    else:
        document["caption"] = caption
    return phone.body("document", type="document", document=document)


async def test_staff_file_is_imported_once_though_the_body_comes_twice(world: WhatsAppWorld) -> None:
    staff = await _joined(world, "6281100000001", Role.STAFF)
    body = _document(staff, world.graph.receive_media(GOOD_CSV))
    preview = "\n".join(await staff.post(body))
    assert world.graph.downloads == 1
    assert "Daftar PKH per 20 November 2026 untuk pekon Trimulyo: 3 baris" in preview
    assert "[1. Ya, impor]" in preview and "[2. Batal]" in preview
    done = await staff.tap("ya")
    assert "Daftar PKH diimpor: 3 baris" in done
    assert await stored_lists(world.sessionmaker) == [("PKH", 3, "chat: pkh-trimulyo.csv")]
    assert [channel for channel, _ in await import_audits(world.sessionmaker)] == ["whatsapp"]
    downloads = world.graph.downloads
    assert downloads == 1  # "Ya" imported the bytes kept with the preview: no second download
    assert await staff.post(body) == []  # Meta delivers the same wamid again: dropped
    assert world.graph.downloads == downloads
    assert await stored_rows(world.sessionmaker) == 3


async def test_a_pemangku_file_is_refused_and_nothing_is_fetched(world: WhatsAppWorld) -> None:
    pemangku = await _joined(world, "6281100000002", Role.PEMANGKU)
    answer = "\n".join(await pemangku.post(_document(pemangku, world.graph.receive_media(GOOD_CSV))))
    assert "berkas hanya dibaca dari staf pekon atau camat" in answer
    assert world.graph.downloads == 0
    assert await stored_lists(world.sessionmaker) == []


async def test_a_bad_file_writes_nothing(world: WhatsAppWorld) -> None:
    staff = await _joined(world, "6281100000003", Role.STAFF)
    answer = "\n".join(await staff.post(_document(staff, world.graph.receive_media(BAD_CSV))))
    assert "baris 3: kolom 'TGL LAHIR'" in answer and "tidak ada yang berubah" in answer
    assert await stored_rows(world.sessionmaker) == 0


async def test_media_failures_get_kind_answers(world: WhatsAppWorld) -> None:
    staff = await _joined(world, "6281100000004", Role.STAFF)
    graph = world.graph

    async def send(media_id: str, **doc: Any) -> str:
        return "\n".join(await staff.post(_document(staff, media_id, **doc)))

    graph.media_errors.append(("url", 404))
    assert beneficiary_words.UPLOAD_UNAVAILABLE in await send(graph.receive_media(GOOD_CSV))
    graph.media_errors.append(("download", 503))
    assert beneficiary_words.UPLOAD_UNAVAILABLE in await send(graph.receive_media(GOOD_CSV))
    assert beneficiary_words.UPLOAD_CORRUPT in await send(graph.receive_media(GOOD_CSV, sha256="0" * 64))
    assert beneficiary_words.UPLOAD_CORRUPT in await send(graph.receive_media(GOOD_CSV), sha256="ab" * 32)
    too_big = graph.receive_media(GOOD_CSV, file_size=6 * 1024 * 1024)
    assert "berkas lebih dari 5 MB" in await send(too_big)
    huge = graph.receive_media(b"NIK;NAMA\n" + b"1;x\n" * (1_400_000), file_size=100)  # the size lied
    assert "berkas lebih dari 5 MB" in await send(huge)
    asked = await send(graph.receive_media(GOOD_CSV), caption=None)
    assert "Daftar program apa ini?" in asked
    assert "Daftar PBI-JK per" in await staff.tap("PBI-JK")
    assert "Daftar PBI-JK diimpor: 3 baris" in await staff.say("iya")
    assert await stored_lists(world.sessionmaker) == [("PBI-JK", 3, "chat: pkh-trimulyo.csv")]


async def test_a_fetch_that_breaks_oddly_gets_the_kind_answer_and_the_next_message_goes_on(
    world: WhatsAppWorld,
) -> None:
    """A media URL no HTTP client can open (the Graph API's answer is not ours to trust): the
    staff hear the file could not be taken, once, and their next message is answered at once."""
    staff = await _joined(world, "6281100000005", Role.STAFF)
    odd = world.graph.receive_media(GOOD_CSV, url="http://[::1")
    assert beneficiary_words.UPLOAD_UNAVAILABLE in "\n".join(await staff.post(_document(staff, odd)))
    assert await staff.say("status")  # not held behind the file
    assert await _unprocessed(world) == 0
    assert await stored_lists(world.sessionmaker) == []


# One slow person holds up nobody else: while a staff's list file hangs on the media download,
# bodies after it are processed (another person answered), the staff's own later message waits
# behind the file; then each is answered once, in order, and every body is marked processed.


async def _answered(world: WhatsAppWorld, wa_id: str, count: int) -> None:
    async with asyncio.timeout(10):
        while len(world.graph.sent_to(wa_id)) < count:
            world.worker.wake()
            await asyncio.sleep(0.02)


async def _unprocessed(world: WhatsAppWorld) -> int:
    async with world.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(InboundPayload).where(InboundPayload.processed_at.is_(None))
        )
    return int(count or 0)


async def test_a_slow_download_holds_up_no_other_person_and_keeps_its_own_order(world: WhatsAppWorld) -> None:
    staff = await _joined(world, "6281100000001", Role.STAFF)
    stranger = world.phone("6281299999999", "Tamu")
    gate = world.graph.download_gate = asyncio.Event()  # the platform sends the file's bytes only when told
    try:
        await _while_held(world, staff, stranger)
    finally:
        gate.set()
    await world.settle()
    replies = staff.read()
    assert len(replies) == 2 and "Impor sekarang?" in replies[0]  # the file's answer first, once each
    assert stranger.read() == [] and world.graph.downloads == 1
    assert await _unprocessed(world) == 0 and await stored_lists(world.sessionmaker) == []


async def _while_held(world: WhatsAppWorld, staff: WhatsAppPhone, stranger: WhatsAppPhone) -> None:
    document = {"id": world.graph.receive_media(GOOD_CSV), "filename": "pkh.csv", "mime_type": "text/csv"}
    await world.post(staff.body("document", type="document", document=document | {"caption": "PKH"}))
    await asyncio.wait_for(world.graph.download_asked.wait(), 10)
    await world.post(staff.body("text", type="text", text={"body": "status"}))  # behind the file
    await world.post(stranger.body("text", type="text", text={"body": "halo"}))
    await _answered(world, stranger.wa_id, 1)  # answered while the download hangs
    assert "DAFTAR" in stranger.read()[0]
    await asyncio.sleep(0.3)
    assert staff.read() == [] and world.graph.downloads == 0  # nothing overtook the file
    assert await _unprocessed(world) == 2  # the file's body and the one behind it
