"""A line that means something else while a question waits is noticed, never swallowed: status and help
are answered and the question shown again; a menu word or a new express line is offered (continue the
draft, or cancel it and take the line), and nothing is dropped or recorded without the person choosing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from handlers.texts import conversation_words, error_words, report_words
from models.conversation import Conversation
from models.event import Event
from tests.handlers.conftest import World
from tests.handlers.transcript import Chat, keyboard_ids

BIRTH_UP_TO_CITIZENSHIP = ("Lapor Lahir", "Budi", "L", "3-11-2026", "Liwa", "Sari", "Joko", "-")
NEW_LINE = "pindah Budi Santoso ke Metro 3-11-2026"


async def _draft(world: World, who: str) -> tuple[str | None, str | None, dict[str, Any]]:
    async with world.sessionmaker() as s:
        conv = await s.scalar(select(Conversation).where(Conversation.address == who))
        assert conv is not None
        return conv.flow, conv.step, {k: v for k, v in (conv.data or {}).items() if k != "aside"}


async def _events(world: World) -> int:
    async with world.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(Event)) or 0)


async def _at_citizenship(world: World) -> Chat:
    chat = world.chat("budi")
    replies = await chat.script(*BIRTH_UP_TO_CITIZENSHIP)
    assert report_words.QUESTIONS["citizenship"] in replies[-1]
    return chat


async def test_status_and_help_mid_report_are_answered_and_the_question_repeated(world: World) -> None:
    chat = await _at_citizenship(world)
    before = await _draft(world, "budi")
    status = await chat.say("status")
    assert "Bulan November 2026 untuk Pemangku 1: belum dikirim" in status
    assert status.rstrip().endswith(f"{report_words.QUESTIONS['citizenship']}\n1. WNI\n2. WNA")
    assert error_words.ERRORS["citizenship"] not in status
    helped = await chat.say("bantuan")
    assert "Cara melapor" in helped and report_words.QUESTIONS["citizenship"] in helped
    assert await _draft(world, "budi") == before
    assert "Periksa laporan kelahiran" in await chat.say("WNI")


async def test_a_new_express_line_mid_report_is_offered_not_swallowed(world: World) -> None:
    chat = await _at_citizenship(world)
    before = await _draft(world, "budi")
    offer = await chat.say(NEW_LINE)
    assert offer.startswith("Anda sedang mengisi laporan kelahiran. Pertanyaan terakhir: «Kewarganegaraan?»")
    assert "1. Lanjutkan yang tadi\n2. Batalkan yang tadi" in offer
    assert await _draft(world, "budi") == before
    again = await chat.tap("lanjut")
    assert again.startswith(conversation_words.ASIDE_BACK) and report_words.QUESTIONS["citizenship"] in again
    assert "Nama: Budi\n" in await chat.say("WNI")  # the draft went on where it was
    assert await _events(world) == 0


async def test_cancelling_the_draft_for_the_new_line_starts_it(world: World) -> None:
    chat = await _at_citizenship(world)
    await chat.say(NEW_LINE)
    answer = await chat.say("2")
    assert answer.startswith("Baik, laporan kelahiran tadi dibatalkan; tidak ada yang disimpan.")
    flow, _, data = await _draft(world, "budi")
    assert (flow, data["kind"], data["v"]["name"], data["v"]["destination"]) == (
        "report",
        "pindah",
        "Budi Santoso",
        "Metro",
    )
    assert await _events(world) == 0


async def test_a_menu_word_mid_report_is_offered_and_a_typed_answer_withdraws_the_offer(world: World) -> None:
    chat = await _at_citizenship(world)
    for line in ("kirim", "nihil", "lapor pindah", "/kirim"):
        offer = await chat.say(line)
        assert (
            "Anda sedang mengisi laporan kelahiran" in offer
            and error_words.ERRORS["citizenship"] not in offer
        )
    assert "Periksa laporan kelahiran" in await chat.say("wni")  # an answer to the waiting question
    offer = await chat.say("kirim")
    assert "Pertanyaan terakhir: «Sudah benar?»" in offer and "«Kirim Laporan»" in offer
    assert "Periksa laporan kelahiran" in await chat.tap("lanjut")
    assert await _events(world) == 0


async def test_the_offer_buttons_answer_only_the_offer(world: World) -> None:
    chat = await _at_citizenship(world)
    question = keyboard_ids(chat.last)
    await chat.say("nihil")
    stale = await chat.tap(question["WNA"])  # the citizenship keyboard before the offer
    assert stale.startswith(conversation_words.STALE_CHOICE)
    offer = keyboard_ids(chat.last)
    await chat.tap(offer["lanjut"])
    assert (await chat.tap(offer["ganti"])).startswith(conversation_words.STALE_CHOICE)
    assert (await _draft(world, "budi"))[0] == "report"


async def test_staff_reading_mid_flow_are_answered_and_starting_is_offered(world: World) -> None:
    chat = world.chat("ops")
    await chat.say("undang")
    status = await chat.say("siapa belum")
    assert "Status laporan bulan" in status and status.rstrip().endswith("3. Pemangku 3")
    offer = await chat.say("tutup bulan")
    assert "Anda sedang mengisi undangan pemangku" in offer and "«Tutup Bulan»" in offer


async def test_with_nothing_typed_yet_the_new_line_is_simply_taken(world: World) -> None:
    chat = world.chat("budi")
    await chat.say("Lapor Lahir")
    answer = await chat.say("lapor meninggal")
    assert answer.startswith(report_words.KIND_START["meninggal"])
    await chat.say("nihil")
    answer = await chat.say(NEW_LINE)  # at the NIHIL confirmation: nothing typed to lose
    flow, _, data = await _draft(world, "budi")
    assert (flow, data["kind"], data["v"]["name"]) == ("report", "pindah", "Budi Santoso")
    assert await _events(world) == 0


async def test_a_line_sent_again_after_continuing_is_the_answer(world: World) -> None:
    chat = world.chat("budi")
    await chat.script("Lapor Lahir", "Putri", "P", "3-11-2026", "Liwa", "Sari", "-", "-", "WNI", "simpan")
    await chat.script("Laporan Saya", "1", "Koreksi", "ubah", "Nama", "Putri Ayu", "simpan")
    reason = "lahir Putri Ayu bukan Putri"  # reads like an express line
    assert "Anda sedang mengisi koreksi laporan kelahiran" in await chat.say(reason)
    await chat.tap("lanjut")
    assert "Koreksi tersimpan" in await chat.say(reason)
