"""The console channel: typed lines through the dispatcher, replies through the outbox, printed."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.console import converse, render
from bot.config import Settings
from bot.demo_chat import demo_transcript
from bot.messages import Choice, OutgoingMessage
from models.event import Event
from models.invites import create_invite
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Role
from tests.factories import seed_pekon
from tests.handlers.transcript import START, Clock


async def _lines(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


def test_choices_are_numbered_lines() -> None:
    message = OutgoingMessage("Jenis kelamin?", (Choice("L", "L (laki-laki)"), Choice("P", "P (perempuan)")))
    assert render(message) == "Jenis kelamin?\n  1. L (laki-laki)\n  2. P (perempuan)"


async def test_register_and_report_a_birth_in_the_console(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    units = await seed_pekon(session, units=1)
    invite = await create_invite(session, Role.PEMANGKU, unit_id=units[0].id, name="Budi", now=START)
    await session.commit()
    printed: list[str] = []
    script = _lines(
        f"DAFTAR {invite.code}",
        "1",
        "Putri",
        "2",
        "kemarin",
        "Liwa",
        "Sari",
        "-",
        "-",
        "1",
        "1",
        "keluar",
        "menu",
    )
    sent = await converse(
        sessionmaker,
        Settings(database_url="sqlite://"),
        "budi",
        script,
        printed.append,
        echo=True,
        clock=Clock(),
    )
    transcript = "\n".join(printed)
    assert sent == 11  # "keluar" ends the conversation; "menu" is never sent
    assert "budi> DAFTAR" in transcript and "Selamat datang, Budi!" in transcript
    assert "  2. P (perempuan)" in transcript and "Laporan kelahiran tersimpan" in transcript
    async with sessionmaker() as s:
        [event] = list(await s.scalars(select(Event)))
        statuses = set(await s.scalars(select(OutboxMessage.status)))
    assert event.persons[0].sex == "P" and event.reporter_id is not None
    assert statuses == {OutboxStatus.SENT}  # every reply went through the outbox


async def test_the_demo_transcript_registers_and_reports(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    units = await seed_pekon(session, units=2)
    printed: list[str] = []
    await demo_transcript(sessionmaker, Settings(database_url="sqlite://"), units[1].kode, printed.append)
    transcript = "\n".join(printed)
    assert "Selamat datang, Rini Anggraini! Anda terdaftar untuk Pemangku 2" in transcript
    assert "Tanggal itu belum bisa saya baca" in transcript and "Laporan kelahiran tersimpan" in transcript
    assert "Jumlah orang: 3" in transcript and "Laporan kepindahan tersimpan" in transcript
    async with sessionmaker() as s:
        birth, move = list(await s.scalars(select(Event).order_by(Event.id)))
    assert birth.unit_id == units[1].id and birth.persons[0].father_name == "Bambang"
    assert [(p.name, p.is_head, p.destination) for p in move.persons] == [
        ("Joko", True, "Bandar Lampung"),
        ("Sumi", False, "Bandar Lampung"),
        ("Bayu", False, "Bandar Lampung"),
    ]
