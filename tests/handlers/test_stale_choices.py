"""A button answers only the question it was sent with (issue 11, item 1).

For every confirmation that writes, every choice of every earlier keyboard of the conversation
is pressed before the current one: none changes the ledger, each is answered kindly with the
current question again; then the current button pressed twice records once. Run here on the
console channel, and over WhatsApp and Telegram by tests/bot/*/test_transcripts.py.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from handlers.questions import unstamp
from handlers.texts import channel_words, conversation_words, month_words, report_words
from models.event import Event, EventPerson
from models.period import PekonMonth, UnitReport
from models.person import Invite
from tests.handlers.conftest import World
from tests.handlers.transcript import Chat, keyboard_ids, offered_id

BIRTH = ("1", "Putri", "P", "12-11-2026", "Liwa", "Sari", "-", "-", "WNI")


async def ledger(world: World) -> tuple[Any, ...]:
    """What a press could change: events and their persons, unit reports, months, invites."""
    async with world.sessionmaker() as s:
        counts = [
            await s.scalar(select(func.count()).select_from(table)) for table in (Event, EventPerson, Invite)
        ]
        reports = (await s.execute(select(UnitReport.unit_id, UnitReport.status))).all()
        months = (await s.execute(select(PekonMonth.period, PekonMonth.status))).all()
    return (*counts, sorted(map(tuple, reports)), sorted(map(tuple, months)))


def refused(answer: str) -> bool:
    """A stale press is answered kindly: the current question again (on Telegram a second press
    of one keyboard is answered by the button's own notice)."""
    return answer.startswith(conversation_words.STALE_CHOICE) or answer == channel_words.TELEGRAM_BUTTON_STALE


class Pressing:
    """A chat that remembers every choice it was ever offered."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.offered: list[str] = []

    async def say(self, *lines: str) -> str:
        """Type lines; the answer to the last."""
        answer = ""
        for line in lines:
            answer = await self.chat.say(line)
            self._keep()
        return answer

    async def tap(self, choice_id: str) -> str:
        """Press a button of the current keyboard."""
        answer = await self.chat.tap(choice_id)
        self._keep()
        return answer

    def _keep(self) -> None:
        self.offered += [c.id for m in self.chat.last for c in m.choices]

    async def press_every_old_button(self, world: World, at_menu: bool = False) -> None:
        """Every earlier keyboard's every button: refused, nothing recorded. Back at the menu, an
        older menu's buttons still work (they only start something), so they are left out."""
        current = {c.id for m in self.chat.last for c in m.choices}
        menus = {*conversation_words.MENU_PEMANGKU, *conversation_words.MENU_STAFF} if at_menu else set()
        before = await ledger(world)
        for choice_id in dict.fromkeys(self.offered):
            if choice_id not in current and unstamp(choice_id)[1] not in menus:
                answer = await self.chat.tap(choice_id)
                assert refused(answer), (choice_id, answer)
        assert await ledger(world) == before

    async def press_twice(self, choice_id: str) -> tuple[str, str]:
        """The current keyboard's button, pressed twice in a row."""
        marked = offered_id(self.chat.last, choice_id)
        assert unstamp(marked)[0] is not None, f"{choice_id} is not on the current keyboard"
        return await self.chat.tap(marked), await self.chat.tap(marked)


async def _records_once(world: World, person: Pressing, choice_id: str, done: str) -> tuple[Any, ...]:
    """Old buttons change nothing; the current one, pressed twice, records once."""
    await person.press_every_old_button(world)
    before = await ledger(world)
    first, second = await person.press_twice(choice_id)
    assert done in first and refused(second), (first, second)
    after = await ledger(world)
    assert after != before
    return after


async def test_simpan_of_a_guided_birth(world: World) -> None:
    budi = Pressing(world.chat("budi"))
    await budi.say(*BIRTH)
    after = await _records_once(world, budi, "simpan", "tersimpan")
    assert after[:2] == (1, 1)


async def test_kirim_and_nihil(world: World) -> None:
    budi, sari = Pressing(world.chat("budi")), Pressing(world.chat("sari"))
    await budi.say("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah Joko")
    await budi.tap("simpan")
    world.clock.advance(days=12)  # 2 December: November is the month to send
    await budi.say("kirim")
    await _records_once(world, budi, "ya", "terkirim")
    await sari.say("lapor pindah", "ya")  # "Pindah sekeluarga?" answered by typing
    await sari.say("batal", "nihil")
    after = await _records_once(world, sari, "ya", "NIHIL")
    assert sorted(status for _, status in after[3]) == ["nihil", "submitted"]


async def test_koreksi_and_batal_of_an_entry(world: World) -> None:
    budi = Pressing(world.chat("budi"))
    await budi.say(*BIRTH, "simpan")
    await budi.say("Laporan Saya", "1")
    await budi.tap("koreksi")
    await budi.say("ubah", "Jenis kelamin", "L")
    await budi.tap("simpan")
    await budi.press_every_old_button(world)
    assert "Koreksi tersimpan" in await budi.say("salah tulis jenis kelamin")
    await budi.say("Laporan Saya", "1")
    await budi.tap("hapus")
    await budi.press_every_old_button(world)
    assert month_words.CANCEL_DONE.split("{")[0] in await budi.say("dilaporkan dua kali")
    await budi.press_every_old_button(world, at_menu=True)
    async with world.sessionmaker() as s:
        actions = list(await s.scalars(select(Event.action).order_by(Event.id)))
    assert actions == ["report", "correct", "cancel"]


async def test_staff_tutup_and_buka_bulan(world: World) -> None:
    world.clock.advance(days=12)
    for name in ("budi", "sari", "joko"):
        await world.chat(name).script("nihil", "ya")
    ops = Pressing(world.chat("ops"))
    await ops.say("Status Bulan Ini")
    await ops.say("Tutup Bulan")
    after = await _records_once(world, ops, "ya", "ditutup")
    assert [status for _, status in after[4]] == ["closed"]
    await ops.say("buka bulan salah hitung")
    await ops.press_every_old_button(world, at_menu=True)
    async with world.sessionmaker() as s:
        assert list(await s.scalars(select(PekonMonth.status))) == ["open"]


async def test_invite(world: World) -> None:
    ops = Pressing(world.chat("ops"))
    await ops.say("undang")
    await ops.tap(str(world.units[0].id))
    await ops.say("Bambang")
    await ops.press_every_old_button(world, at_menu=True)
    async with world.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Invite)) == 1


async def test_seen_an_old_ya_of_pindah_sekeluarga_does_not_record_nihil(world: World) -> None:
    world.clock.advance(days=12)
    sari = world.chat("sari")
    await sari.say("pindah")
    family = keyboard_ids(sari.last)
    assert report_words.QUESTIONS["family"] in sari.last[-1].text
    await sari.script("ya", "batal")
    assert "NIHIL" in await sari.say("nihil")
    answer = await sari.tap(family["ya"])
    assert answer.startswith(conversation_words.STALE_CHOICE) and "NIHIL berarti" in answer
    assert await ledger(world) == (0, 0, 0, [], [])


async def test_seen_an_older_summary_does_not_save_the_new_draft(world: World) -> None:
    budi = world.chat("budi")
    await budi.say("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah Joko")
    older = keyboard_ids(budi.last)
    await budi.say("batal")
    await budi.say("LAHIR Sinta P 11-11-2026 di rumah ibu Ani ayah Joko")
    assert refused(await budi.tap(older["simpan"]))
    assert await ledger(world) == (0, 0, 0, [], [])
    assert "tersimpan" in await budi.tap("simpan")
    async with world.sessionmaker() as s:
        assert list(await s.scalars(select(EventPerson.name))) == ["Sinta"]


async def test_seen_an_old_sex_button_is_not_a_later_answer(world: World) -> None:
    budi = world.chat("budi")
    await budi.script("1", "Putri")
    first_sex = keyboard_ids(budi.last)
    await budi.script("L", "12-11-2026", "Liwa", "Sari", "-", "-", "WNI", "ubah", "Jenis kelamin")
    assert report_words.QUESTIONS["sex"] in budi.last[-1].text
    assert refused(await budi.tap(first_sex["P"]))
    assert report_words.QUESTIONS["sex"] in budi.last[-1].text  # still asked
    assert "L (laki-laki)" in await budi.say("L")
