"""Kirim Laporan Bulan Ini, Nihil, the reporting-month rule, and events after a submission."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.texts import error_words, month_words, report_words
from models.event import Event
from models.outbox import OutboxMessage
from models.period import UnitReport
from tests.handlers.conftest import World

BIRTH = ("1", "Putri", "P", "kemarin", "Liwa", "Sari", "-", "-", "WNI", "simpan")


async def _reports(world: World) -> list[tuple[int, date, str, bool]]:
    async with world.sessionmaker() as s:
        rows = await s.scalars(select(UnitReport).order_by(UnitReport.id))
        return [(r.unit_id, r.period, r.status, r.late) for r in rows]


async def test_kirim_shows_counts_and_submits_after_confirmation(world: World) -> None:
    chat = world.chat("budi")
    await chat.script(*BIRTH)
    await chat.script("MENINGGAL Sukardi L 10/11/2026 di rumah KK", "simpan")
    world.clock.advance(days=12)  # 2 December: November is the reporting month
    answer = await chat.say("Kirim Laporan")
    assert "Laporan bulan November 2026 untuk Pemangku 1" in answer
    assert "Lahir 1 · Meninggal 1 · Datang 0 · Pindah 0" in answer
    assert error_words.ERRORS["yes_no"] in await chat.say("hmm")
    answer = await chat.say("ya")
    assert month_words.SUBMITTED.format(bulan="November 2026", unit="Pemangku 1") in answer
    assert await _reports(world) == [(world.units[0].id, date(2026, 11, 1), "submitted", False)]


async def test_kirim_declined_sends_nothing(world: World) -> None:
    chat = world.chat("budi")
    await chat.script(*BIRTH)
    world.clock.advance(days=12)
    await chat.say("kirim")
    assert month_words.NOT_SENT in await chat.say("tidak")
    assert await _reports(world) == []


async def test_kirim_without_events_suggests_nihil(world: World) -> None:
    world.clock.advance(days=12)
    answer = await world.chat("budi").say("kirim")
    assert "Bila memang tidak ada perubahan, pilih Nihil" in answer
    assert await _reports(world) == []


async def test_nihil_after_confirmation_then_a_late_event_turns_it_into_a_submission(world: World) -> None:
    world.clock.advance(days=12)
    chat = world.chat("sari")
    answer = await chat.say("Nihil")
    assert "NIHIL berarti tidak ada kelahiran" in answer and "bulan November 2026" in answer
    assert "tercatat NIHIL" in await chat.say("Ya, kirim")
    assert await _reports(world) == [(world.units[1].id, date(2026, 11, 1), "nihil", False)]
    # a birth of 28 November reported on 2 December, after the NIHIL
    answer = await chat.say("LAHIR Bayu L 28-11-2026 di rumah ibu Ani ayah -")
    answer = await chat.say("simpan")
    assert "Masuk laporan bulan November 2026" in answer
    assert "sudah Anda kirim sebelumnya" in answer
    assert await _reports(world) == [(world.units[1].id, date(2026, 11, 1), "submitted", False)]
    async with world.sessionmaker() as s:
        [event] = list(await s.scalars(select(Event)))
        told = list(await s.scalars(select(OutboxMessage).where(OutboxMessage.address == "ops")))
    assert event.after_submit
    assert len(told) == 1 and event.receipt in told[0].payload["text"]


async def test_nihil_is_refused_when_the_month_has_events(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah -", "simpan")
    world.clock.advance(days=12)
    answer = await chat.say("nihil")
    assert "sudah ada 1 laporan di Pemangku 1, jadi tidak bisa NIHIL" in answer
    assert await _reports(world) == []


async def test_reporting_month_is_the_previous_one_while_open_and_unreported(world: World) -> None:
    chat = world.chat("joko")
    # 20 November: October (the baseline month) is open and unreported, so Nihil is about October
    assert "bulan Oktober 2026" in await chat.say("nihil")
    await chat.say("ya")
    # once October is reported, the next Nihil is about November
    assert "bulan November 2026" in await chat.say("nihil")
    await chat.say("ya")
    assert await _reports(world) == [
        (world.units[2].id, date(2026, 10, 1), "nihil", True),  # late: the deadline was 5 November
        (world.units[2].id, date(2026, 11, 1), "nihil", False),
    ]
    assert "sudah dikirim (NIHIL)" in await chat.say("nihil")


async def test_status_of_the_pemangku(world: World, session: AsyncSession) -> None:
    world.clock.advance(days=12)
    chat = world.chat("budi")
    assert "Bulan November 2026 untuk Pemangku 1: belum dikirim" in await chat.say("/status")
    await chat.script("nihil", "ya")
    answer = await chat.say("status")
    assert "Bulan November 2026 untuk Pemangku 1: NIHIL" in answer
    assert "Bulan Desember 2026 untuk Pemangku 1: belum dikirim. Laporan masuk: 0." in answer


async def test_a_report_that_makes_a_figure_negative_is_explained(world: World) -> None:
    chat = world.chat("budi")  # the unit has no WNA man, so a WNA man cannot die there
    await chat.say("mati Smith L kemarin di rumah WNA")
    answer = await chat.say("simpan")
    assert "minus" in answer and report_words.SUMMARY_TITLE.format(kind="kematian") in answer
    async with world.sessionmaker() as s:
        assert list(await s.scalars(select(Event))) == []
