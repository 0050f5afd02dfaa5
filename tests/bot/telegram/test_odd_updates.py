"""Field test round 3, odd updates over Telegram's webhook (real HTTP, the fake Bot API): edits,
groups, channel posts, membership changes, presses from another chat, stickers, voice, location,
forwarded and formatted texts. A kind answer or nothing; nothing recorded; processed once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import error_words
from models.event import Event
from models.person import Identity
from models.region import Unit
from tests.bot.telegram.conftest import PEMANGKU, invite_code, webhook_bot
from tests.bot.telegram.test_webhook import post
from tests.fakes.telegram_api import FakeTelegram

SECRET = "s3cret_Token-42"
GROUP = -1001234567890
EXPRESS = "lahir Putri Ayu P 3-11-2026 di Liwa ibu Sari ayah Joko"
USER = {"id": PEMANGKU, "is_bot": False, "first_name": "Budi"}
PRIVATE = {"id": PEMANGKU, "type": "private", "first_name": "Budi"}


@pytest.fixture
async def base(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, units: list[Unit]
) -> AsyncIterator[str]:
    """The webhook bot with PEMANGKU registered (its welcome read)."""
    async with webhook_bot(sessionmaker, tg, SECRET, "https://bot.example.id") as url:
        code = await invite_code(sessionmaker, unit=units[0])
        assert (await post(url, tg.say(PEMANGKU, f"/start {code}"), SECRET)).status_code == 200
        await tg.wait_for(PEMANGKU, 1)
        yield url


_ids = iter(range(900_000, 999_999))


def update(**body: Any) -> dict[str, Any]:
    return {"update_id": next(_ids), **body}


def msg(chat: dict[str, Any] = PRIVATE, **content: Any) -> dict[str, Any]:
    return {"message_id": next(_ids), "from": USER, "chat": chat, "date": int(time.time()), **content}


async def events(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Event)) or 0)


async def answers(base: str, tg: FakeTelegram, body: dict[str, Any], chat: int = PEMANGKU) -> list[str]:
    """Post an update; the texts the bot sent to `chat` because of it (after a short settle)."""
    before = len(tg.texts(chat))
    assert (await post(base, body, SECRET)).status_code == 200
    await asyncio.sleep(0.3)
    return tg.texts(chat)[before:]


async def test_an_edit_is_answered_once_and_records_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, base: str
) -> None:
    """Before: edited_message was not even asked for; the person who fixed a typo by editing
    believed the fix was taken. Now the edit is answered: not read, send the correction anew."""
    assert tg.webhook["allowed_updates"] == ["message", "edited_message", "callback_query", "my_chat_member"]
    edited = update(edited_message=msg(text=EXPRESS, edit_date=int(time.time())))
    [answer] = await answers(base, tg, edited)
    assert answer.startswith(error_words.UNREAD_KINDS["edit"])
    assert await answers(base, tg, edited) == []  # delivered again: processed once
    assert await events(sessionmaker) == 0


async def test_a_command_in_a_group_is_refused_there_and_chatter_is_ignored(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, base: str
) -> None:
    """Before: a group's messages got no answer at all, so people kept typing reports (names,
    NIKs) there. Now a command in a group gets the refusal in the group, and nothing is read."""
    group = {"id": GROUP, "type": "supergroup", "title": "Pemangku Trimulyo"}
    command = update(message=msg(group, text="/lahir@pemangku_bot"))
    assert await answers(base, tg, command, GROUP) == [error_words.UNREAD_KINDS["group"]]
    assert await answers(base, tg, command, GROUP) == []  # redelivery
    assert await answers(base, tg, update(message=msg(group, text=EXPRESS)), GROUP) == []
    assert tg.texts(PEMANGKU)[1:] == []  # nothing to the sender's private chat
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Identity)) == 1
    assert await events(sessionmaker) == 0


async def test_channel_posts_and_membership_changes_are_ignored(tg: FakeTelegram, base: str) -> None:
    channel = {"id": -1009, "type": "channel", "title": "Info"}
    post_ = update(channel_post={"message_id": 1, "chat": channel, "date": int(time.time()), "text": "x"})
    assert await answers(base, tg, post_, -1009) == []
    member = {"user": {"id": 1, "is_bot": True, "first_name": "bot"}, "status": "kicked", "until_date": 0}
    left = {"user": {"id": 1, "is_bot": True, "first_name": "bot"}, "status": "member"}
    blocked = {"chat": PRIVATE, "from": USER, "date": int(time.time()), "old_chat_member": left,
               "new_chat_member": member}  # fmt: skip
    assert await answers(base, tg, update(my_chat_member=blocked)) == []


async def test_a_press_on_a_keyboard_of_another_chat_is_not_taken(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, base: str
) -> None:
    """Before: a press was taken from whichever chat its keyboard was in (a group, somebody else's
    chat, an inline message without one). Now only the presser's own private chat counts."""
    group = {"id": GROUP, "type": "group", "title": "g"}
    keyboard = {"message_id": 3, "chat": group, "date": int(time.time()), "text": "Menu"}
    for where in ({"message": keyboard}, {"inline_message_id": "AAQ"}):
        press = update(callback_query={"id": f"cq{next(_ids)}", "from": USER, "chat_instance": "c",
                                       "data": "lahir", **where})  # fmt: skip
        assert await answers(base, tg, press) == []
        assert await answers(base, tg, press, GROUP) == []
    assert await answers(base, tg, update(message=msg(text="Putri Ayu")))  # no report was started
    assert "nama lengkap" not in " ".join(tg.texts(PEMANGKU)).lower()


@pytest.mark.parametrize(
    "content",
    [
        {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1, "is_animated": False,
                     "is_video": False, "type": "regular"}},
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3, "mime_type": "audio/ogg"}},
        {"location": {"latitude": -5.03, "longitude": 104.06}},
    ],
)  # fmt: skip
async def test_what_cannot_be_read_is_explained(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, base: str, content: dict[str, Any]
) -> None:
    [answer] = await answers(base, tg, update(message=msg(**content)))
    assert answer.startswith(error_words.UNSUPPORTED)
    assert await events(sessionmaker) == 0


async def test_a_forwarded_or_formatted_report_is_read_as_typed_and_asks_before_saving(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, base: str
) -> None:
    origin = {"type": "user", "date": int(time.time()) - 60, "sender_user": USER}
    forwarded = update(message=msg(text=EXPRESS, forward_origin=origin,
                                   entities=[{"type": "bold", "offset": 6, "length": 9}]))  # fmt: skip
    [summary] = await answers(base, tg, forwarded)
    assert "Nama: Putri Ayu" in summary
    assert await events(sessionmaker) == 0  # nothing saved before Simpan
