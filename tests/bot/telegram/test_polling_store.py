"""Polling stores each fetched page before confirming it: no update waits behind a stuck turn,
however many arrive (getUpdates gives 100 at most), each person's order is kept, and what was
stored but never handled (a crash, or a redelivery of a stored page) is answered once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot import inbound_queue
from bot.channels.telegram_bot import to_incoming
from handlers.texts import registration_words
from models.base import utcnow
from models.inbound import ProcessedMessage
from models.person import Role
from models.region import Unit
from tests.bot.telegram.conftest import PEMANGKU, STAFF, Running, invite_code, register, start_bot
from tests.bot.telegram.test_restart import _run_bot, eventually
from tests.bot.upload_files import GOOD_CSV
from tests.fakes.telegram_api import FakeTelegram

OTHERS = range(9000, 9150)
CONTROL = 5003  # a second pemangku who says the same, one message at a time
SAYS = ["lahir", "Putri Ayu Lestari", "batal", "status"]
UNREGISTERED = registration_words.UNREGISTERED.format(
    village="pekon", account=registration_words.ACCOUNT_WORDS["telegram"]
)


async def _hold_a_list_file(tg: FakeTelegram) -> asyncio.Event:
    """The staff sends a list file whose download hangs until the returned gate is set."""
    gate = asyncio.Event()
    tg.download_gate = gate
    tg.send_document(STAFF, "pkh.csv", GOOD_CSV, caption="PKH")
    await asyncio.wait_for(tg.download_asked.wait(), 10)
    return gate


async def test_150_people_behind_a_held_download_are_all_answered_before_it_ends(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    await register(sessionmaker, tg, STAFF, Role.STAFF)
    welcomed = len(tg.chats[STAFF])
    gate = await _hold_a_list_file(tg)
    for person in OTHERS:  # more than one getUpdates page behind the held update
        tg.say(person, "halo")
    # well inside the download's 30 s timeout (bot/channels/telegram_media.py)
    await eventually(lambda: all(tg.chats.get(person) for person in OTHERS), within=20)
    assert tg.downloads == 0 and len(tg.chats[STAFF]) == welcomed  # the file still hangs
    gate.set()
    replies = await tg.wait_for(STAFF, welcomed + 1)
    assert "Impor sekarang?" in (replies[welcomed].text or "")
    await asyncio.sleep(0.3)
    assert all(tg.texts(person) == [UNREGISTERED] for person in OTHERS)  # once each
    assert len(tg.chats[STAFF]) == welcomed + 1 and tg.downloads_started == 1


async def test_a_persons_messages_keep_their_order_across_pages_behind_a_held_turn(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    await register(sessionmaker, tg, STAFF, Role.STAFF)
    for person, unit in ((PEMANGKU, units[0]), (CONTROL, units[1])):
        await register(sessionmaker, tg, person, unit=unit)
    for said in SAYS:  # the control: each message after the answer to the one before
        before = len(tg.chats[CONTROL])
        tg.say(CONTROL, said)
        await tg.wait_for(CONTROL, before + 1)
        await asyncio.sleep(0.1)
    gate = await _hold_a_list_file(tg)
    for index, person in enumerate(OTHERS):  # the pemangku's four straddle the first page's end
        if index in (97, 98, 99, 100):
            tg.say(PEMANGKU, SAYS[index - 97])
        tg.say(person, "halo")
    await eventually(lambda: all(tg.chats.get(person) for person in OTHERS), within=20)
    await tg.wait_for(PEMANGKU, len(tg.chats[CONTROL]))
    await asyncio.sleep(0.3)
    answered = tg.texts(PEMANGKU)
    gate.set()
    await tg.wait_for(STAFF, 2)
    control = [text.replace("Pemangku 2", "Pemangku 1") for text in tg.texts(CONTROL)]  # its unit
    assert answered == control and len(answered) > len(SAYS)  # the same answers, in order, once


async def test_a_redelivered_update_is_answered_once(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, units: list[Unit]
) -> None:
    """A process stored a page and died before the next getUpdates confirmed it: Telegram
    delivers the page again, and the next process also finds it stored, unhandled."""
    strangers = range(9500, 9505)
    updates = [tg.say(person, "halo") for person in strangers]
    async with sessionmaker() as session, session.begin():
        messages = [to_incoming(Update.de_json(update, None), utcnow()) for update in updates]
        await inbound_queue.store_many(session, [m for m in messages if m is not None], utcnow())
    running = await start_bot(sessionmaker, tg)
    await eventually(lambda: all(tg.chats.get(person) for person in strangers))
    tg.replay(updates[0])  # and once more, much later
    await asyncio.sleep(0.5)
    await running.stop()
    assert all(tg.texts(person) == [UNREGISTERED] for person in strangers)
    assert tg.confirmed >= updates[-1]["update_id"]
    async with sessionmaker() as session:
        waiting = await session.scalars(
            select(ProcessedMessage.id).where(ProcessedMessage.handled_at.is_(None))
        )
        assert list(waiting) == []


async def test_a_killed_poller_loses_no_stored_update_and_answers_it_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    db_url: str,
    tg: FakeTelegram,
    units: list[Unit],
    tmp_path: Path,
) -> None:
    """SIGKILL after the page is stored and confirmed, before its turn: Telegram will not deliver
    it again; the next process handles it from the store, once, in the person's order."""
    log = tmp_path / "bot.log"
    first = await _run_bot(db_url, tg, log)
    try:
        tg.say(STAFF, f"/start {await invite_code(sessionmaker, Role.STAFF)}")
        await tg.wait_for(STAFF, 1, within=60)
        gate = await _hold_a_list_file(tg)
        status = tg.say(STAFF, "status")  # behind the file
        await eventually(lambda: tg.confirmed >= status["update_id"], within=30)
    finally:
        first.kill()
        await first.wait()
    assert _answers_to_file_and_status(tg) == []
    tg.download_gate = None
    gate.set()  # the dead process's download is served to nobody

    second = await _run_bot(db_url, tg, log)
    try:
        await eventually(lambda: len(_answers_to_file_and_status(tg)) >= 2, within=60)
        await asyncio.sleep(0.5)
    finally:
        second.terminate()
        assert await second.wait() == 0, log.read_text()
    answers = _answers_to_file_and_status(tg)
    assert len(answers) == 2 and "Impor sekarang?" in answers[0]  # once each, the file's first


def _answers_to_file_and_status(tg: FakeTelegram) -> list[str]:
    """What the staff got in answer (`run` also closes last month for them, by the real date)."""
    return [
        text for text in tg.texts(STAFF) if "Impor sekarang?" in text or text.startswith("Status laporan")
    ]
