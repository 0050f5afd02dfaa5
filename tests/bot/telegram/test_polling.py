"""Conversations over Telegram: the real PTB application polling the fake Bot API server."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram_bot import TelegramChannel
from bot.messages import IncomingMessage, OutgoingMessage
from handlers.texts import channel_words, conversation_words, error_words, report_words
from models.inbound import ProcessedMessage
from models.person import Identity
from models.region import Unit
from tests.bot.telegram.conftest import PEMANGKU, STAFF, Running, invite_code, register, telegram_settings
from tests.fakes.telegram_api import FakeTelegram


async def test_registration_by_deep_link(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    code = await invite_code(sessionmaker, unit=units[0])
    tg.say(PEMANGKU, f"/start {code}")
    [welcome] = await tg.wait_for(PEMANGKU, 1)
    assert welcome.text is not None and welcome.text.startswith("Selamat datang, Budi!")
    assert ("Lapor Lahir", "q1:lahir") in welcome.buttons  # marked with the question it answers
    async with sessionmaker() as session:
        identity = await session.scalar(select(Identity).where(Identity.address == str(PEMANGKU)))
    assert identity is not None and identity.channel == "telegram"
    assert identity.member.unit_id == units[0].id
    assert [c["command"] for c in tg.commands][:2] == ["menu", "lahir"]


async def test_a_pressed_button_is_answered_and_its_keyboard_removed(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    welcome = await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    tg.press(PEMANGKU, welcome, "lahir")
    replies = await tg.wait_for(PEMANGKU, 2)
    assert (replies[1].text or "").startswith(report_words.KIND_START["lahir"])
    await _settled(tg, 1)
    assert tg.answers[0].get("text") is None
    assert tg.message(PEMANGKU, welcome.message_id).reply_markup is None


async def test_a_stale_press_is_answered_kindly_and_applied_once(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    welcome = await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    tg.press(PEMANGKU, welcome, "lahir")
    await _settled(tg, 1)
    await asyncio.sleep(0.3)
    after_first = tg.texts(PEMANGKU)
    assert after_first[1].startswith(report_words.KIND_START["lahir"])
    tg.press(PEMANGKU, welcome, "meninggal")  # a second tap on the same, old keyboard
    await _settled(tg, 2)
    assert tg.answers[1]["text"] == channel_words.TELEGRAM_BUTTON_STALE
    await asyncio.sleep(0.3)
    assert tg.texts(PEMANGKU) == after_first


async def test_a_press_on_another_chats_keyboard_is_answered_once_and_taken_nowhere(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    """Before: in polling mode a press the bot does not read (here STAFF pressing a keyboard of
    PEMANGKU's chat, forwarded to them) was dropped unanswered, and its spinner turned until
    Telegram gave up. Now it gets the stale-button answer, as in webhook mode, exactly once."""
    welcome = await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    async with sessionmaker() as session:
        processed = await session.scalar(select(func.count()).select_from(ProcessedMessage))
    press = tg.press(STAFF, welcome, "lahir")
    await _settled(tg, 1)
    await asyncio.sleep(0.3)
    assert tg.answers == [{"callback_query_id": press["callback_query"]["id"],
                           "text": channel_words.TELEGRAM_BUTTON_STALE}]  # fmt: skip
    assert tg.texts(PEMANGKU) == [welcome.text] and tg.texts(STAFF) == []
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedMessage)) == processed


async def test_the_same_update_twice_is_processed_once(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    update = tg.say(PEMANGKU, "menu")
    await tg.wait_for(PEMANGKU, 2)
    tg.replay(update)  # e.g. the process died before confirming the offset
    follow = tg.say(PEMANGKU, "menu")
    await tg.wait_for(PEMANGKU, 3)
    await asyncio.sleep(0.3)
    assert len(tg.texts(PEMANGKU)) == 3
    async with sessionmaker() as session:
        processed = await session.scalar(select(func.count()).select_from(ProcessedMessage))
    assert processed == 3 and follow["update_id"] > update["update_id"]


async def test_a_typed_command_reads_like_its_word(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    tg.say(PEMANGKU, "/lahir")
    replies = await tg.wait_for(PEMANGKU, 2)
    assert (replies[1].text or "").startswith(report_words.KIND_START["lahir"])


async def test_a_sticker_gets_a_short_helpful_answer(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    tg.send_sticker(PEMANGKU)
    replies = await tg.wait_for(PEMANGKU, 2)
    await asyncio.sleep(0.2)
    [answer] = replies[1:]  # the explanation and the menu arrive as one message, with the menu's buttons
    assert (answer.text or "").startswith(error_words.UNSUPPORTED) and conversation_words.MENU_PROMPT in (
        answer.text or ""
    )
    assert answer.buttons


async def _settled(tg: FakeTelegram, presses: int) -> None:
    """Wait until the bot answered `presses` button presses."""
    for _ in range(500):
        if len(tg.answers) >= presses:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{len(tg.answers)} of {presses} presses answered")


class Failing:
    """A dispatcher that breaks, with personal data in its error."""

    async def dispatch(self, message: IncomingMessage) -> list[OutgoingMessage]:
        raise ValueError(f"cannot save NIK 1804150101900001 for {message.sender_name}")


async def test_a_failing_update_is_logged_without_personal_data(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    channel = TelegramChannel(telegram_settings(tg), Failing(), poll_timeout=1, sessionmaker=sessionmaker)
    await channel.start()
    tg.say(PEMANGKU, "NIK 1804150101900001")
    for _ in range(300):
        if "failed" in caplog.text:
            break
        await asyncio.sleep(0.01)
    await channel.stop()
    assert "telegram update" in caplog.text and "ValueError" in caplog.text
    assert "1804150101900001" not in caplog.text and "User5001" not in caplog.text
