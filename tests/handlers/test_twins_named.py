"""Twins named in one line ("lahir kembar Putri P dan Putra L ayah Joko ibu Sri 3/11"): one report
per baby, the names and sexes from the line, the parents, date and place shared, each confirmed on
its own summary (handlers/express.py, handlers/report_flow.py). Before: one baby named "Putri dan
Putra" with the sexes shown as not understood."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handlers.texts import conversation_words, report_words
from models.event import Event, EventPerson
from tests.handlers.conftest import World

PARENTS = "ayah Joko ibu Sri 3/11"


async def babies(world: World) -> list[tuple[str, str, str | None, str | None, date, str | None]]:
    async with world.sessionmaker() as session:
        rows = await session.execute(
            select(
                EventPerson.name,
                EventPerson.sex,
                EventPerson.mother_name,
                EventPerson.father_name,
                Event.event_date,
                EventPerson.birth_place,
            )
            .join(Event)
            .order_by(Event.id)
        )
        return [(n, str(s), m, f, d, p) for n, s, m, f, d, p in rows]


def baby(name: str, sex: str) -> tuple[str, str, str, str, date, str]:
    return (name, sex, "Sri", "Joko", date(2026, 11, 3), "Liwa")


@pytest.mark.parametrize(
    "line",
    [
        f"lahir kembar Putri P dan Putra L {PARENTS}",
        f"lahir kembar Putri P, Putra L {PARENTS}",
        f"Lahir bayi kembar Putri perempuan & Putra laki-laki {PARENTS}",
    ],
)
async def test_two_named_twins_are_two_reports(world: World, line: str) -> None:
    chat = world.chat("budi")
    first = await chat.say(line)
    assert report_words.TWINS_NAMED.format(count=2, names="Putra (L)") in first
    assert first.endswith(report_words.QUESTIONS["birth_place"])  # the one thing the line left out
    summary = await chat.say("Liwa")
    assert "Nama: Putri\n" in summary and "Jenis kelamin: P" in summary and "Nama ayah: Joko" in summary
    second = await chat.say("simpan")
    assert "Laporan kelahiran tersimpan" in second and report_words.TWIN_NEXT.format(n=2, of=2) in second
    assert "Nama: Putra\n" in second and "Jenis kelamin: L" in second and "Nama ibu: Sri" in second
    assert second.endswith("3. Batal")  # its own summary, confirmed like any other
    done = await chat.say("simpan")
    assert "Laporan kelahiran tersimpan" in done and report_words.TWIN_NEXT.split("{")[0] not in done
    assert await babies(world) == [baby("Putri", "P"), baby("Putra", "L")]


async def test_three_named_without_sexes_ask_each_sex(world: World) -> None:
    chat = world.chat("budi")
    first = await chat.say(f"lahir kembar tiga Putri, Putra dan Puspa di Liwa {PARENTS}")
    assert report_words.TWINS_NAMED.format(count=3, names="Putra, Puspa") in first
    assert first.endswith("2. P (perempuan)")  # the sex of the first is asked
    for name, sex in (("Putri", "P"), ("Putra", "L"), ("Puspa", "P")):
        summary = await chat.tap(sex)
        assert f"Nama: {name}\n" in summary
        after = await chat.tap("simpan")
        assert "Laporan kelahiran tersimpan" in after
    assert await babies(world) == [baby("Putri", "P"), baby("Putra", "L"), baby("Puspa", "P")]


async def test_the_second_named_twin_can_be_left_with_batal(world: World) -> None:
    chat = world.chat("budi")
    await chat.say(f"lahir kembar Putri P dan Putra L di Liwa {PARENTS}")
    assert report_words.TWIN_NEXT.format(n=2, of=2) in await chat.say("simpan")
    assert conversation_words.CANCELLED in await chat.say("batal")
    assert await babies(world) == [baby("Putri", "P")]


async def test_one_named_twin_still_asks_the_next(world: World) -> None:
    chat = world.chat("budi")
    await chat.say(f"lahir kembar Putri P di Liwa {PARENTS}")
    assert (await chat.say("simpan")).endswith(report_words.QUESTIONS["name"])
