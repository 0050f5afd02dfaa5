"""Telegram sender: renders an OutgoingMessage with the Bot API and maps its errors.

Choices become an inline keyboard whose callback_data is the Choice.id (marked with its
question, handlers/questions.py); a contact request becomes a one-time reply keyboard with a
contact button, taken away again once used; a document goes with sendDocument. An edit row
takes the buttons off an earlier message and shows what was chosen on it.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.channels.base import Delivery, EditTarget, PermanentFailure, RetryLater, Unreachable
from bot.messages import Choice, OutgoingMessage
from handlers.texts import channel_words, conversation_words

logger = logging.getLogger(__name__)

# PTB's documented opt-in: time periods (RetryAfter.retry_after) as timedelta, without warnings.
os.environ.setdefault("PTB_TIMEDELTA", "true")

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


class TelegramSender:
    """The outbox's sender for the `telegram` channel."""

    channel = "telegram"

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, delivery: Delivery) -> str:
        """Send one delivery; returns the id of the last Telegram message it produced."""
        try:
            edit = delivery.message.edit
            if edit is not None:
                return await self._edit(int(delivery.address), edit.chosen, delivery.edit_target)
            sent = await self._send(delivery)
        except RetryAfter as exc:
            raise RetryLater("telegram 429", _retry_after_seconds(exc), whole_channel=True) from exc
        except Forbidden as exc:
            raise Unreachable(f"telegram 403: {exc.message}") from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise Unreachable(f"telegram 400: {exc.message}") from exc
            raise PermanentFailure(f"telegram 400: {exc.message}") from exc
        except TelegramError as exc:  # network errors, timeouts, 5xx
            raise RetryLater(f"telegram: {exc.message}") from exc
        return str(sent.message_id)

    async def _send(self, delivery: Delivery) -> Message:
        message = delivery.message
        chat_id = int(delivery.address)
        markup = render_markup(message)
        if message.remove_keyboard:  # one message cannot take a reply keyboard away and add buttons
            if markup is None:
                return await self._send_text(chat_id, message.text, ReplyKeyboardRemove())
            await self._send_text(chat_id, message.text, ReplyKeyboardRemove())
            return await self._send_text(chat_id, conversation_words.MENU_PROMPT, markup)
        if message.document is None:
            return await self._send_text(chat_id, message.text, markup)
        if delivery.document_bytes is None:
            raise PermanentFailure(f"stored document {message.document.document_id} is missing")
        caption = message.document.caption or message.text
        if len(caption) > CAPTION_LIMIT or (message.text and message.text != caption):
            await self._send_text(chat_id, message.text, None)
            caption = message.document.caption or ""
        return await self._bot.send_document(
            chat_id,
            document=delivery.document_bytes,
            filename=message.document.filename,
            caption=caption[:CAPTION_LIMIT] or None,
            reply_markup=markup,
        )

    async def _edit(self, chat_id: int, chosen: str | None, target: EditTarget | None) -> str:
        """Take the buttons off a sent message, showing what was chosen when it was a text."""
        if target is None:  # the keyboard never went out: nothing to take away
            return ""
        message_id = int(target.platform_message_id)
        shown = split_text(target.message.text)[-1]  # the keyboard rides on the last part
        text = conversation_words.CHOSEN_MARK.format(text=shown, label=chosen) if chosen else ""
        try:
            if text and target.message.document is None and len(text) <= TEXT_LIMIT:
                await self._bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
            else:
                await self._bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
        except BadRequest as exc:  # not modified, deleted, or too old to edit: nothing left to do
            logger.info("telegram edit skipped: %s", exc.message)
        return target.platform_message_id

    async def _send_text(self, chat_id: int, text: str, markup: Markup) -> Message:
        """Long texts go in several messages; the keyboard rides on the last one."""
        parts = split_text(text)
        for part in parts[:-1]:
            await self._bot.send_message(chat_id, part)
        return await self._bot.send_message(chat_id, parts[-1], reply_markup=markup)


def render_markup(message: OutgoingMessage) -> Markup:
    """The keyboard of a message: inline buttons for choices, a contact button if asked."""
    if message.choices:
        return InlineKeyboardMarkup(_rows(message.choices))
    if message.request_contact:
        button = KeyboardButton(channel_words.TELEGRAM_CONTACT_BUTTON, request_contact=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    return None


def _rows(choices: tuple[Choice, ...]) -> list[list[InlineKeyboardButton]]:
    """Short labels side by side (up to three a row), long ones one a row."""
    for choice in choices:
        if not 1 <= len(choice.id.encode()) <= CALLBACK_DATA_LIMIT:
            raise PermanentFailure(f"choice id of {len(choice.id.encode())} bytes does not fit callback_data")
    buttons = [InlineKeyboardButton(c.label, callback_data=c.id) for c in choices]
    per_row = 3 if all(len(c.label) <= 10 for c in choices) else 1
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut a text into pieces Telegram accepts, at line breaks where possible."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    parts.append(text)
    return parts


def _retry_after_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
