"""The bot's own words are never taken for a name; staff and the camat are understood in their words."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.intents import PHRASES, read_intent
from handlers.parsing import Invalid, parse_name
from handlers.texts import report_words
from tests.handlers.conftest import World

VOCABULARY = ("simpan", "kirim", "nihil", "batal", "kembali", "ubah", "ya", "tidak", "status", "menu",
              "bantuan", "lapor", "Simpan.", "OK", "lanjut", "selesai", "Lapor Lahir")  # fmt: skip


@pytest.mark.parametrize("word", VOCABULARY)
def test_a_command_word_alone_is_not_a_name(word: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_name(word)
    assert caught.value.code == "name_command"
    assert parse_name(f"{word.rstrip('.')} Santoso") == f"{word.rstrip('.')} Santoso"  # inside a name it is


@pytest.mark.parametrize("word", ["simpan", "Simpan", "ubah", "ya", "selesai"])  # "oke": an acknowledgement
async def test_a_command_word_at_the_father_question_is_explained_and_asked_again(
    world: World, word: str
) -> None:
    chat = world.chat("budi")
    await chat.script("Lapor Lahir", "Putri", "P", "3-11-2026", "Liwa", "Sari")
    answer = await chat.say(word)
    assert answer.startswith(f"«{word}» adalah kata perintah, bukan nama")
    assert answer.rstrip().endswith(report_words.QUESTIONS["father_name"])
    await chat.script("Joko", "-")
    summary = await chat.say("WNI")
    assert "Nama ayah: Joko" in summary


@pytest.mark.parametrize("word", ["tidak", "gak", "nggak ada", "-"])
async def test_no_at_the_optional_father_question_means_there_is_none(world: World, word: str) -> None:
    chat = world.chat("budi")
    await chat.script("Lapor Lahir", "Putri", "P", "3-11-2026", "Liwa", "Sari", word, "-")
    summary = await chat.say("WNI")
    assert "Nama ayah: -" in summary


async def test_a_command_word_as_the_childs_name_is_refused(world: World) -> None:
    chat = world.chat("budi")
    await chat.say("Lapor Lahir")
    answer = await chat.say("simpan")
    assert "kata perintah" in answer and report_words.QUESTIONS["name"] in answer


STAFF_STATUS = ("siapa belum", "yang belum lapor", "belum lapor siapa", "status pekon",
                "Siapa yang belum lapor?", "tolong cek yang belum lapor dong", "pekon mana yang belum",
                "sttus")  # fmt: skip


@pytest.mark.parametrize("line", STAFF_STATUS)
async def test_staff_ask_who_has_not_reported_in_their_words(world: World, line: str) -> None:
    answer = await world.chat("ops").say(line)
    assert answer.startswith("Status laporan bulan Oktober 2026, pekon Trimulyo:"), answer  # the open month
    assert "Sudah: 0 dari 3." in answer


@pytest.mark.parametrize("line", ["laporan bulan ini", "rekap bulan ini", "tolong rekap", "rekapan"])
async def test_staff_ask_for_the_recap_in_their_words(world: World, line: str) -> None:
    answer = await world.chat("ops").say(line)
    assert answer.startswith("Rekap B.3 Pekon Trimulyo"), answer


async def test_staff_name_a_month_after_a_phrase(world: World) -> None:
    answer = await world.chat("ops").say("siapa yang belum lapor november")
    assert answer.startswith("Status laporan bulan November 2026, pekon Trimulyo:"), answer


@pytest.mark.parametrize("line", ["siapa belum", "pekon mana yang belum lapor", "status kecamatan", "rekap"])
async def test_the_camat_asks_in_their_words(world: World, line: str) -> None:
    answer = await world.chat("camat").say(line)
    assert answer.startswith("Status laporan bulan"), answer


def test_every_phrase_names_its_own_intent_and_nothing_is_guessed() -> None:
    today = date(2026, 11, 30)
    for role, vocabulary in PHRASES.items():
        for phrase, action in vocabulary.items():
            found = read_intent(phrase, role, today)
            assert found is not None and found.action == action, (role, phrase)
    for line in ("siapa", "Budi Santoso", "ya", "lahir", "status xyz"):
        assert read_intent(line, "staff", today) is None, line
