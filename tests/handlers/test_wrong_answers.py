"""Every question of every report, answered wrongly first: a kind explanation, the same question
again, nothing stored; then the right answer carries on and the ledger holds what was typed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from handlers.texts import error_words, report_words
from models.event import Event, EventPerson
from tests.handlers.conftest import World

E = error_words.ERRORS

# per question (the key without the member prefix): a wrong answer, what the bot says, a right one
ANSWERS = {
    "name": ("B4y1", E["name_chars"], "Ali Akbar"),
    "sex": ("x", E["sex"], "L"),
    "nik": ("123", E["nik_length"], "-"),
    "event_date": ("besok", E["date_future"], "kemarin"),
    "birth_place": ("12", E["place"], "Liwa"),
    "death_place": ("!!", E["place"], "rumah"),
    "origin": ("007", E["place"], "Kotabumi"),
    "destination": ("...", E["place"], "Jakarta"),
    "mother_name": ("!", E["name_length"], "Sari"),
    "father_name": ("B4y1", E["name_chars"], "-"),
    "is_head": ("mungkin", E["yes_no"], "tidak"),
    "citizenship": ("Jepang", E["citizenship"], "WNI"),
    "family": ("mungkin", E["yes_no"], None),  # the right answer is the case's own
    "count": ("satu", E["count"], "2"),
}
FLOWS = {  # menu line, whole family, the questions in order
    "lahir": (
        "Lapor Lahir",
        False,
        ["name", "sex", "event_date", "birth_place", "mother_name", "father_name", "nik", "citizenship"],
    ),
    "meninggal": (
        "Lapor Meninggal",
        False,
        ["name", "sex", "nik", "event_date", "death_place", "is_head", "citizenship"],
    ),
    "datang": (
        "Lapor Datang",
        False,
        ["family", "name", "sex", "nik", "is_head", "event_date", "origin", "citizenship"],
    ),
    "pindah-keluarga": (
        "Lapor Pindah",
        True,
        ["family", "count", *["name", "sex", "nik"] * 2, "event_date", "destination", "citizenship"],
    ),
}


async def _stored(world: World) -> tuple[int, int]:
    async with world.sessionmaker() as s:
        events = await s.scalar(select(func.count()).select_from(Event))
        persons = await s.scalar(select(func.count()).select_from(EventPerson))
    return int(events or 0), int(persons or 0)


@pytest.mark.parametrize("case", list(FLOWS))
async def test_every_question_explains_a_wrong_answer_and_asks_again(world: World, case: str) -> None:
    menu, family, questions = FLOWS[case]
    chat = world.chat("budi")
    summary = await chat.say(menu)
    for key in questions:
        question = chat.last[-1].text.splitlines()[-1]
        wrong, explanation, right = ANSWERS[key]
        answer = await chat.say(wrong)
        assert explanation in answer, (case, key, answer)
        assert question in answer.split(explanation, 1)[1], (case, key, "the question is not asked again")
        assert await _stored(world) == (0, 0)
        summary = await chat.say(right or ("ya" if family else "tidak"))
    kind = case.split("-")[0]
    assert report_words.SUMMARY_TITLE.format(kind=report_words.KIND_NAMES[kind]) in summary
    assert "tersimpan" in await chat.say("simpan")
    async with world.sessionmaker() as s:
        [event] = list(await s.scalars(select(Event)))
        people = [(p.name, p.sex, p.nik, p.citizenship) for p in event.persons]
    assert (event.kind, event.event_date, event.unit_id) == (kind, date(2026, 11, 19), world.units[0].id)
    assert people == [("Ali Akbar", "L", None, "WNI")] * (2 if family else 1)
