"""Telegram updates (the Bot API's JSON) turned into IncomingMessages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import Bot, Update

from bot.channels.telegram_bot import command_as_word, to_incoming

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
USER = {"id": 77, "is_bot": False, "first_name": "Budi", "last_name": "Santoso"}
CHAT = {"id": 77, "type": "private", "first_name": "Budi"}
BOT = Bot("123:abc")


def update(**body: Any) -> Update:
    return Update.de_json({"update_id": 9, **body}, BOT)


def message(**content: Any) -> Update:
    return update(message={"message_id": 5, "from": USER, "chat": CHAT, "date": 1763607600, **content})


def test_text_and_deep_link() -> None:
    incoming = to_incoming(message(text="/start ABCD2345"), NOW)
    assert incoming is not None
    assert (incoming.channel, incoming.sender_id, incoming.text) == ("telegram", "77", "/start ABCD2345")
    assert incoming.external_id == "msg:77:5"
    assert incoming.sender_name == "Budi Santoso"
    assert incoming.received_at == datetime(2025, 11, 20, 3, 0, tzinfo=UTC)


def test_commands_read_as_words() -> None:
    assert command_as_word("/lahir") == "lahir"
    assert command_as_word("/batal@pemangku_bot") == "batal"
    assert command_as_word("/start") == "/start"
    assert command_as_word("12/11/2026") == "12/11/2026"


def test_own_contact_and_somebody_elses() -> None:
    own = to_incoming(
        message(contact={"phone_number": "6281234567890", "first_name": "B", "user_id": 77}), NOW
    )
    other = to_incoming(
        message(contact={"phone_number": "+62 812-999", "first_name": "X", "user_id": 8}), NOW
    )
    anonymous = to_incoming(message(contact={"phone_number": "0812", "first_name": "X"}), NOW)
    assert own is not None and own.contact_phone == "+6281234567890" and own.contact_is_own
    assert other is not None and other.contact_phone == "+62812999" and not other.contact_is_own
    assert anonymous is not None and not anonymous.contact_is_own


def test_other_kinds_are_named() -> None:
    photo = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    location = {"latitude": -5.0, "longitude": 104.0}
    assert getattr(to_incoming(message(photo=photo), NOW), "unsupported", None) == "photo"
    assert getattr(to_incoming(message(location=location), NOW), "unsupported", None) == "location"
    assert getattr(to_incoming(message(), NOW), "unsupported", None) == "other"
    captioned = to_incoming(message(photo=photo, caption="lahir Putri Ayu P kemarin"), NOW)
    assert captioned is not None and (captioned.unsupported, captioned.text) == (
        "photo",
        "lahir Putri Ayu P kemarin",
    )


def test_a_button_press_is_keyed_by_its_keyboard() -> None:
    keyboard = {"message_id": 40, "chat": CHAT, "date": 1763607600, "text": "Silakan pilih:"}
    press = update(
        callback_query={"id": "q1", "from": USER, "chat_instance": "c", "data": "lahir", "message": keyboard}
    )
    incoming = to_incoming(press, NOW)
    assert incoming is not None
    assert (incoming.choice_id, incoming.external_id, incoming.received_at) == ("lahir", "kb:77:40", NOW)


def test_group_chatter_is_ignored_and_an_edit_is_named_not_read() -> None:
    group = {"message_id": 5, "from": USER, "chat": {"id": -100, "type": "group", "title": "g"}, "date": 1}
    assert to_incoming(update(message=group | {"text": "hi"}), NOW) is None
    command = to_incoming(update(message=group | {"text": "/start KODE"}), NOW)
    assert command is not None and (command.sender_id, command.unsupported, command.text) == (
        "-100",
        "group",
        None,
    )
    edited = {"message_id": 5, "from": USER, "chat": CHAT, "date": 1, "edit_date": 2, "text": "x"}
    incoming = to_incoming(update(edited_message=edited), NOW)
    assert incoming is not None and (incoming.unsupported, incoming.text) == ("edit", None)
    assert incoming.external_id == "edit:77:5:2"
