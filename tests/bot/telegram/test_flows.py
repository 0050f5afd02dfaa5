"""The conversations of the handlers issue, played over Telegram: buttons pressed, lines typed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import month_words, report_words
from models.event import Event
from models.period import UnitReport
from models.region import Unit
from tests.bot.telegram.conftest import PEMANGKU, Running, register, start_bot
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.transcript import Clock


class Person:
    """A Telegram user who presses the button labelled like the answer when there is one."""

    def __init__(self, tg: FakeTelegram, user_id: int) -> None:
        self.tg, self.user_id = tg, user_id

    async def answer(self, reply: str) -> str:
        """Press the button `reply` on the bot's last keyboard, or type it; the bot's answer."""
        before = len(self.tg.chats.get(self.user_id, []))
        keyboard = next((m for m in reversed(self.tg.chats[self.user_id]) if m.buttons), None)
        pressed = keyboard and next((d for label, d in keyboard.buttons if label == reply), None)
        if keyboard is not None and pressed:
            self.tg.press(self.user_id, keyboard, pressed)
        else:
            self.tg.say(self.user_id, reply)
        await self.tg.wait_for(self.user_id, before + 1)
        await asyncio.sleep(0.15)  # a turn may answer with more than one message
        return "\n".join(self.tg.texts(self.user_id)[before:])

    async def script(self, *replies: str) -> str:
        """Several answers in a row; the bot's answer to the last."""
        answer = ""
        for reply in replies:
            answer = await self.answer(reply)
        return answer


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def budi(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, units: list[Unit], clock: Clock
) -> AsyncIterator[Person]:
    """Budi, pemangku of unit 1, registered by the deep link on a running bot."""
    running: Running = await start_bot(sessionmaker, tg, clock)
    await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    yield Person(tg, PEMANGKU)
    await running.stop()


async def events(sessionmaker: async_sessionmaker[AsyncSession]) -> list[Event]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(Event).order_by(Event.id)))


async def test_a_complete_birth_report_by_buttons(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, budi: Person, units: list[Unit]
) -> None:
    assert report_words.QUESTIONS["name"] in await budi.answer("Lapor Lahir")
    assert report_words.QUESTIONS["sex"] in await budi.answer("Putri Ayu")
    sex_keyboard = tg.last(PEMANGKU)
    assert len(sex_keyboard.buttons) >= 2
    await budi.answer(sex_keyboard.buttons[1][0])  # the second button: perempuan
    assert sex_keyboard.reply_markup is None  # the pressed keyboard is gone
    answer = await budi.script("12 nov 26", "RSUD Liwa", "Sari", "-", "-", "WNI")
    assert report_words.SUMMARY_TITLE.format(kind="kelahiran") in answer
    saved = await budi.answer("Simpan")
    assert "Laporan kelahiran tersimpan" in saved
    [event] = await events(sessionmaker)
    assert (event.kind, event.unit_id, event.channel) == ("lahir", units[0].id, "telegram")
    [person] = event.persons
    assert (person.name, person.sex, person.birth_date) == ("Putri Ayu", "P", date(2026, 11, 12))


async def test_an_express_line(
    sessionmaker: async_sessionmaker[AsyncSession], budi: Person, units: list[Unit]
) -> None:
    summary = await budi.answer("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah -")
    assert "Bayu" in summary
    assert "tersimpan" in await budi.answer("Simpan")
    [event] = await events(sessionmaker)
    assert event.kind == "lahir" and event.persons[0].name == "Bayu"


async def test_a_month_submission(
    sessionmaker: async_sessionmaker[AsyncSession], budi: Person, units: list[Unit], clock: Clock
) -> None:
    await budi.script("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah -", "Simpan")
    clock.advance(days=12)  # 2 December: November is the month to send
    answer = await budi.answer("/kirim")
    assert "Laporan bulan November 2026 untuk Pemangku 1" in answer
    done = await budi.answer("Ya, kirim")
    assert month_words.SUBMITTED.format(bulan="November 2026", unit="Pemangku 1") in done
    async with sessionmaker() as session:
        report = await session.scalar(select(UnitReport).where(UnitReport.unit_id == units[0].id))
    assert report is not None and (report.period, report.status) == (date(2026, 11, 1), "submitted")
