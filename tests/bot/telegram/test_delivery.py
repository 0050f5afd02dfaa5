"""Delivery over real HTTP to the fake Bot API: keyboards, documents, 429, 5xx, blocked users."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Choice, DocumentRef, OutgoingMessage
from handlers.texts import channel_words
from models.outbox import OutboxMessage, OutboxStatus, StoredDocument, enqueue
from models.person import Identity, Role
from models.region import Unit
from tests.bot.telegram.conftest import PEMANGKU, STAFF, Running, register
from tests.fakes.telegram_api import FakeTelegram


async def send(
    sessionmaker: async_sessionmaker[AsyncSession], bot: Running, message: OutgoingMessage, to: int = PEMANGKU
) -> int:
    """Queue a message as any part of the product would, and wake the worker; the row id."""
    async with sessionmaker() as session, session.begin():
        row = enqueue(session, channel="telegram", address=str(to), payload=message.to_payload())
        await session.flush()
        row_id = row.id
    bot.worker.wake()
    return row_id


async def row(sessionmaker: async_sessionmaker[AsyncSession], row_id: int) -> OutboxMessage:
    async with sessionmaker() as session:
        return await session.get_one(OutboxMessage, row_id)


async def settled(
    sessionmaker: async_sessionmaker[AsyncSession], row_id: int, within: float = 10
) -> OutboxMessage:
    """Wait until the row is no longer pending."""
    deadline = time.monotonic() + within
    while (found := await row(sessionmaker, row_id)).status == OutboxStatus.PENDING:
        assert time.monotonic() < deadline, f"row {row_id} still pending: {found.last_error}"
        await asyncio.sleep(0.05)
    return found


async def test_choices_become_an_inline_keyboard(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    choices = (Choice("l", "L"), Choice("p", "P"), Choice("ragu", "Belum tahu jenis kelaminnya"))
    row_id = await send(sessionmaker, bot, OutgoingMessage("Jenis kelamin?", choices=choices))
    [sent] = await tg.wait_for(PEMANGKU, 1)
    assert sent.buttons == [("L", "l"), ("P", "p"), ("Belum tahu jenis kelaminnya", "ragu")]
    assert (await settled(sessionmaker, row_id)).platform_message_id == str(sent.message_id)


async def test_a_contact_request_is_a_reply_keyboard_button(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    await send(sessionmaker, bot, OutgoingMessage("Kirim nomor HP Anda.", request_contact=True))
    [sent] = await tg.wait_for(PEMANGKU, 1)
    assert sent.reply_markup is not None
    [[button]] = sent.reply_markup["keyboard"]
    assert button == {"text": channel_words.TELEGRAM_CONTACT_BUTTON, "request_contact": True}
    assert sent.reply_markup["one_time_keyboard"] is True


async def test_a_long_text_goes_in_pieces(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    text = "\n".join(f"baris {n:04d} " + "x" * 40 for n in range(200))  # about 10,000 characters
    await send(sessionmaker, bot, OutgoingMessage(text, choices=(Choice("ok", "OK"),)))
    sent = await tg.wait_for(PEMANGKU, 3)
    assert "\n".join(m.text or "" for m in sent) == text
    assert [bool(m.buttons) for m in sent] == [False, False, True]


async def test_a_document_goes_with_send_document(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    async with sessionmaker() as session, session.begin():
        doc = StoredDocument(
            filename="rekap.xlsx", media_type="application/xlsx", content=b"PK\x03\x04", sha256="s"
        )
        session.add(doc)
        await session.flush()
        doc_id = doc.id
    ref = DocumentRef(doc_id, "B3-Trimulyo-2026-11.xlsx", "Rekap B.3 November 2026")
    await send(sessionmaker, bot, OutgoingMessage("Rekap B.3 November 2026", document=ref))
    [sent] = await tg.wait_for(PEMANGKU, 1)
    assert sent.document == ("B3-Trimulyo-2026-11.xlsx", b"PK\x03\x04")
    assert sent.text == "Rekap B.3 November 2026"
    assert tg.count("sendDocument") == 1 and tg.count("sendMessage") == 0


async def test_429_waits_as_long_as_telegram_asks(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    tg.errors.append((429, "Too Many Requests: retry after 1", {"retry_after": 1}))
    row_id = await send(sessionmaker, bot, OutgoingMessage("Pengingat"))
    await tg.wait_for(PEMANGKU, 1)
    done = await settled(sessionmaker, row_id)
    assert done.status == OutboxStatus.SENT and done.attempts == 2
    assert tg.count("sendMessage") == 2
    assert done.sent_at is not None and (done.sent_at - done.created_at).total_seconds() >= 1


async def test_5xx_is_retried_with_backoff(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    tg.errors.append((502, "Bad Gateway", None))
    row_id = await send(sessionmaker, bot, OutgoingMessage("Halo"))
    deadline = time.monotonic() + 10
    while (waiting := await row(sessionmaker, row_id)).last_error is None:  # the first try's outcome
        assert time.monotonic() < deadline, "the first try was never recorded"
        await asyncio.sleep(0.02)
    assert waiting.status == OutboxStatus.PENDING and waiting.last_error == "retry: telegram: Bad Gateway"
    assert tg.texts(PEMANGKU) == []
    await tg.wait_for(PEMANGKU, 1)
    assert (await settled(sessionmaker, row_id)).attempts == 2


async def test_a_bad_request_is_dead_lettered(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    tg.errors.append((400, "Bad Request: can't parse entities", None))
    row_id = await send(sessionmaker, bot, OutgoingMessage("Halo"))
    dead = await settled(sessionmaker, row_id)
    assert dead.status == OutboxStatus.DEAD and dead.attempts == 1
    assert dead.last_error == "refused: telegram 400: Can't parse entities"


async def test_a_blocked_user_is_unreachable_and_the_staff_are_told(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    await register(sessionmaker, tg, STAFF, Role.STAFF)
    await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    staff_before = len(tg.texts(STAFF))
    tg.blocked.add(PEMANGKU)
    row_id = await send(sessionmaker, bot, OutgoingMessage("Pengingat laporan"))
    dead = await settled(sessionmaker, row_id)
    assert dead.status == OutboxStatus.DEAD and dead.last_error is not None
    assert "blocked" in dead.last_error
    async with sessionmaker() as session:
        identity = await session.scalar(select(Identity).where(Identity.address == str(PEMANGKU)))
    assert identity is not None and identity.reachable is False
    notice = (await tg.wait_for(STAFF, staff_before + 1))[-1].text or ""
    assert "Budi" in notice and "Telegram" in notice and "diblokir" in notice
