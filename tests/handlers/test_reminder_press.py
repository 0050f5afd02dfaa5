"""A reminder's buttons carry the identity of the question like every other keyboard: pressed
after the person has moved on (mid-report), they change nothing; pressed at once, they work."""

from __future__ import annotations

from sqlalchemy import select

from bot.messages import OutgoingMessage
from handlers.questions import unstamp
from handlers.texts import conversation_words
from jobs.context import JobContext, Schedule
from jobs.reminders import run_reminders
from models.conversation import Conversation
from models.outbox import OutboxMessage
from models.period import UnitReport
from tests.handlers.conftest import World
from tests.handlers.test_stale_choices import ledger


async def _remind(world: World, who: str) -> OutgoingMessage:
    """Run the reminders pass now; the reminder that went to `who`."""
    await run_reminders(JobContext(world.sessionmaker, Schedule()), world.clock())
    async with world.sessionmaker() as s:
        row = await s.scalar(
            select(OutboxMessage).where(OutboxMessage.address == who, OutboxMessage.dedupe_key.is_not(None))
        )
    assert row is not None
    return OutgoingMessage.from_payload(row.payload)


async def _question(world: World, who: str) -> int:
    async with world.sessionmaker() as s:
        asked = await s.scalar(select(Conversation.question).where(Conversation.address == who))
    return asked or 0


async def test_a_reminder_pressed_after_moving_on_changes_nothing(world: World) -> None:
    world.clock.advance(days=12, hours=-3)  # 2 December, 07:00 WIB: the first reminder is due
    budi = world.chat("budi")
    await budi.say("status")
    reminder = await _remind(world, "budi")
    asked = await _question(world, "budi")
    assert [unstamp(c.id) for c in reminder.choices] == [(asked, "kirim"), (asked, "nihil")]
    await budi.say("Lapor Pindah")  # "Pindah sekeluarga?" is the question now
    before = await ledger(world)
    for choice in reminder.choices:
        answer = await budi.tap(choice.id)
        assert answer.startswith(conversation_words.STALE_CHOICE) and "sekeluarga" in answer
    assert await ledger(world) == before
    assert "berapa orang" in (await budi.say("ya")).lower()  # the report goes on where it was


async def test_a_reminder_pressed_at_once_works(world: World) -> None:
    world.clock.advance(days=12, hours=-3)
    sari = world.chat("sari")
    await sari.say("status")
    reminder = await _remind(world, "sari")
    nihil = next(c.id for c in reminder.choices if unstamp(c.id)[1] == "nihil")
    assert "NIHIL berarti tidak ada kelahiran" in await sari.tap(nihil)
    assert "tercatat NIHIL" in await sari.say("ya")
    async with world.sessionmaker() as s:
        assert [r.status for r in await s.scalars(select(UnitReport))] == ["nihil"]


async def test_a_reminder_that_arrives_mid_report_is_no_answer_to_its_question(world: World) -> None:
    world.clock.advance(days=12, hours=-3)
    budi = world.chat("budi")
    await budi.say("Lapor Pindah")
    reminder = await _remind(world, "budi")
    before = await ledger(world)
    for choice in reminder.choices:
        answer = await budi.tap(choice.id)
        assert answer.startswith(conversation_words.STALE_CHOICE) and "sekeluarga" in answer
    assert await ledger(world) == before
