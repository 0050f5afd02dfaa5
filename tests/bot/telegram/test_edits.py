"""On Telegram a keyboard lives only while its question is current (issue 11, item 1): the
message that offered a choice is edited to show what was chosen, pressed or typed, and loses its
buttons; a newer question takes the older buttons away; the contact button goes once used.
The edits are outbox rows, sent by the worker like any message."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import OutgoingMessage
from handlers.texts import conversation_words, report_words
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Member
from tests.bot.telegram.transcripts import TelegramChat, TelegramTranscriptWorld
from tests.fakes.telegram_wire import Sent


def keyboards(chat: TelegramChat) -> list[Sent]:
    """The messages of the chat that still carry buttons."""
    return [m for m in chat.world.fake.chats.get(chat.user_id, []) if m.buttons]


def carrying(chat: TelegramChat, text: str) -> Sent:
    """The last message of the chat whose text starts with `text`."""
    return next(m for m in reversed(chat.world.fake.chats[chat.user_id]) if (m.text or "").startswith(text))


async def test_a_pressed_choice_is_shown_on_its_message_and_its_buttons_go(
    world: TelegramTranscriptWorld,
) -> None:
    budi = world.chat("budi")
    await budi.script("menu", "1", "Putri")
    question = carrying(budi, report_words.QUESTIONS["sex"])
    assert question.buttons
    await budi.tap("P")
    assert question.text == conversation_words.CHOSEN_MARK.format(
        text=report_words.QUESTIONS["sex"], label="P (perempuan)"
    )
    assert question.reply_markup is None


async def test_a_typed_choice_is_shown_too_and_only_the_current_question_has_buttons(
    world: TelegramTranscriptWorld,
) -> None:
    budi = world.chat("budi")
    for line in ("menu", "lahir", "Putri", "l", "12-11-2026", "Liwa", "Sari", "-", "-", "2"):
        await budi.say(line)
        live = keyboards(budi)
        assert len(live) <= 1 and all(m is budi.world.fake.last(budi.user_id) for m in live), line
    sex = carrying(budi, report_words.QUESTIONS["sex"])
    assert sex.text is not None and sex.text.endswith("➜ L (laki-laki) ✓")
    citizenship = carrying(budi, report_words.QUESTIONS["citizenship"])
    assert citizenship.text is not None and citizenship.text.endswith("➜ WNA ✓")
    menu = carrying(budi, conversation_words.MENU_PROMPT)
    assert menu.text is not None and menu.text.endswith("➜ Lapor Lahir ✓") and not menu.buttons


async def test_an_edit_is_an_outbox_row_sent_after_the_message_it_edits(
    world: TelegramTranscriptWorld, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    budi = world.chat("budi")
    await budi.script("menu", "lahir")
    async with sessionmaker() as session:
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    messages = [OutgoingMessage.from_payload(r.payload) for r in rows]
    [edit] = [(r, m) for r, m in zip(rows, messages, strict=True) if m.edit is not None]
    row, message = edit
    assert message.edit is not None and message.edit.chosen == "Lapor Lahir"
    target = next(r for r in rows if r.id == message.edit.row)
    assert target.id < row.id and row.status == OutboxStatus.SENT
    assert row.platform_message_id == target.platform_message_id


async def test_a_stale_press_removes_nothing_it_should_not_and_the_question_stays_answerable(
    world: TelegramTranscriptWorld,
) -> None:
    budi = world.chat("budi")
    await budi.script("menu", "1", "Putri")
    old_sex = budi.last
    await budi.say("L")
    budi.last = old_sex
    answer = await budi.tap("P")  # the sex question's own keyboard, already answered by typing
    assert (
        answer.startswith(conversation_words.STALE_CHOICE) and report_words.QUESTION_DATE["lahir"] in answer
    )
    assert all(m is budi.world.fake.last(budi.user_id) for m in keyboards(budi))


async def test_the_contact_button_is_taken_away_once_used(
    world: TelegramTranscriptWorld, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    ops, budi = world.chat("ops"), world.chat("budi")
    await ops.say("minta nomor")
    asked = budi.world.fake.last(budi.user_id)
    assert asked.reply_markup is not None and "keyboard" in asked.reply_markup
    update = budi.world.fake.share_contact(budi.user_id, "6281234567890", budi.user_id)
    await budi.world.hand_in(update)
    saved, menu = budi.world.fake.chats[budi.user_id][-2:]
    assert saved.reply_markup == {"remove_keyboard": True}
    assert menu.buttons and menu.text == conversation_words.MENU_PROMPT
    async with sessionmaker() as session:
        phones = list(await session.scalars(select(Member.phone).where(Member.phone.is_not(None))))
    assert phones == ["+6281234567890"]
