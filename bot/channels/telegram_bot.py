"""Telegram intake: updates (polled by telegram_poll.py, or posted to the webhook and passed
through the PTB Application) turned into IncomingMessages.

Conversation state lives in the database (PLATFORMS.md), so PTB only parses updates, each handed
to the dispatcher; replies travel through the outbox and `TelegramSender`.
"""

from __future__ import annotations

import hmac
import logging
import re
import traceback
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from telegram import BotCommand, CallbackQuery, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.channels.base import MessageSink
from bot.channels.telegram import TelegramSender
from bot.channels.telegram_media import TelegramFiles
from bot.channels.telegram_member import Reachability, apply_reachability, reachability
from bot.channels.telegram_poll import Poller
from bot.channels.telegram_store import Polled, UpdateStore
from bot.channels.telegram_update import read_update
from bot.channels.text import InboundRejected
from bot.config import Settings
from bot.messages import IncomingFile, IncomingMessage
from handlers.texts import channel_words, operator_words
from models.base import utcnow
from models.person import Channel

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# my_chat_member: the person blocked or unblocked the bot (telegram_member.py)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
GROUPS = ("group", "supergroup")
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
COMMAND = re.compile(r"^/(?P<word>[A-Za-z0-9_]+)(?:@\w+)?(?P<rest>.*)$", re.DOTALL)
FILE_NAME_MAX = 200
ATTACHMENTS = (
    "photo", "sticker", "voice", "audio", "video", "video_note", "animation",
    "location", "venue", "poll", "dice", "game", "story",
)  # fmt: skip


class ConfigurationError(Exception):
    """A setting the channel needs is missing or malformed (the message names it)."""


def to_incoming(update: Update, now: datetime) -> IncomingMessage | None:
    """The IncomingMessage of an update, or None for what the bot ignores (channel posts, a group's
    chatter). Its position is the update_id, which grows with every update of the bot."""
    if update.callback_query is not None:
        return _from_callback(update.callback_query, now, update.update_id)
    if update.edited_message is not None:
        return _edited(update.edited_message, update.update_id)
    message = update.message
    if message is None or message.from_user is None:
        return None
    if message.chat.type in GROUPS:
        return _in_group(message, update.update_id)
    if message.chat.type != "private":
        return None
    user = message.from_user
    base = IncomingMessage(
        channel=Channel.TELEGRAM,
        sender_id=str(user.id),
        external_id=f"msg:{message.chat.id}:{message.message_id}",
        received_at=message.date,
        sender_name=user.full_name,
        position=update.update_id,
    )
    return _with_content(base, message)


def _edited(message: Message, update_id: int) -> IncomingMessage | None:
    """An edit is not read (its report was taken, or not, as first sent); the person is told so,
    once per edit (each edit has its own edit_date)."""
    if message.from_user is None or message.chat.type != "private":
        return None
    stamp = int(message.edit_date.timestamp()) if message.edit_date else 0
    return IncomingMessage(
        channel=Channel.TELEGRAM,
        sender_id=str(message.from_user.id),
        external_id=f"edit:{message.chat.id}:{message.message_id}:{stamp}",
        received_at=message.edit_date or message.date,
        unsupported="edit",
        position=update_id,
    )


def _in_group(message: Message, update_id: int) -> IncomingMessage | None:
    """A command in a group is answered in the group, unread (names and NIKs would be seen by all
    its members); anything else said there is not for the bot."""
    if not (message.text or "").startswith("/"):
        return None
    return IncomingMessage(
        channel=Channel.TELEGRAM,
        sender_id=str(message.chat.id),  # the answer goes to the group, never to the sender
        external_id=f"msg:{message.chat.id}:{message.message_id}",
        received_at=message.date,
        unsupported="group",
        position=update_id,
    )


def incoming_of(update: Update, now: datetime) -> IncomingMessage | None:
    """`to_incoming`, but an id that fits no column drops the update at the edge (logged)."""
    try:
        return to_incoming(update, now)
    except InboundRejected as exc:
        _dropped(update, exc)
        return None


def _dropped(update: Update, exc: InboundRejected) -> None:
    logger.warning("telegram update %s dropped: %s too long", update.update_id, exc.kind)


def _with_content(base: IncomingMessage, message: Message) -> IncomingMessage:
    if message.contact is not None:
        own = message.contact.user_id is not None and str(message.contact.user_id) == base.sender_id
        return replace(base, contact_phone=e164(message.contact.phone_number), contact_is_own=own)
    if message.text is not None:
        return replace(base, text=command_as_word(message.text))
    if message.document is not None:
        return replace(base, file=_file(message), text=message.caption)
    kind = next((name for name in ATTACHMENTS if getattr(message, name, None)), "other")
    return replace(base, unsupported=kind, text=message.caption)  # a photo's caption was typed


def _file(message: Message) -> IncomingFile:
    document = message.document
    assert document is not None
    name = (document.file_name or "")[:FILE_NAME_MAX]
    return IncomingFile(document.file_id, name, document.mime_type, document.file_size)


def _from_callback(query: CallbackQuery, now: datetime, update_id: int) -> IncomingMessage | None:
    # One press per keyboard: the id is the keyboard's message, so a second press of the same
    # keyboard (a double tap, or an old keyboard whose removal failed) is a duplicate.
    # A press is only taken from a keyboard the bot put in the presser's own private chat: not an
    # inline message (no chat), not a group's, not a keyboard of somebody else's chat.
    keyboard = query.message
    if query.data is None or keyboard is None or keyboard.chat.id != query.from_user.id:
        return None
    external = f"kb:{keyboard.chat.id}:{keyboard.message_id}"
    return IncomingMessage(
        channel=Channel.TELEGRAM,
        sender_id=str(query.from_user.id),
        external_id=external,
        received_at=now,
        choice_id=query.data,
        sender_name=query.from_user.full_name,
        position=update_id,
    )


def command_as_word(text: str) -> str:
    """`/lahir` reads like typing `lahir`; `/start KODE` (the deep link) is kept as it is."""
    found = COMMAND.match(text.strip())
    if found is None or found.group("word").lower() == "start":
        return text
    return found.group("word") + found.group("rest")


def e164(phone: str) -> str:
    """Telegram gives contact numbers with or without the plus sign."""
    return "+" + re.sub(r"\D", "", phone)


class TelegramChannel:
    """The Telegram runtime: the PTB application, its sender, and the webhook route."""

    name = "telegram"

    def __init__(
        self,
        settings: Settings,
        sink: MessageSink,
        *,
        clock: Callable[[], datetime] = utcnow,
        poll_timeout: int = 10,
        poll_on_start: bool = True,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,  # polled updates, blocks
    ) -> None:
        if settings.telegram_token is None:
            raise ConfigurationError("PEMANGKU_TELEGRAM_TOKEN")
        self._settings = settings
        self._sink = sink
        self._clock = clock
        self._webhook = settings.telegram_mode == "webhook"
        self._poll_on_start = poll_on_start  # else `start_polling` when this process may poll
        self._poll_timeout = poll_timeout
        self._sessionmaker = sessionmaker
        self._secret = _webhook_secret(settings) if self._webhook else ""
        builder = (
            Application.builder()
            .token(settings.telegram_token.get_secret_value())
            .base_url(settings.telegram_base_url)
            .base_file_url(settings.telegram_base_file_url)
        )
        # No PTB Updater: its polling confirms updates before they are handled (telegram_poll.py).
        self.application = builder.updater(None).build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(_log_error)
        self.sender = TelegramSender(self.application.bot)
        self.files = TelegramFiles(self.application.bot)
        self._poller: Poller | None = None
        self.routes: list[BaseRoute] = (
            [Route(WEBHOOK_PATH, self._webhook_endpoint, methods=["POST"])] if self._webhook else []
        )

    async def _poll(self) -> None:
        """Start a new poller (a stopped one is not started again)."""
        if self._sessionmaker is None:
            raise ConfigurationError("polling needs the database (TelegramChannel's sessionmaker)")
        store = UpdateStore(self._sessionmaker, incoming_of, self._clock)
        self._poller = Poller(
            self.application.bot,
            store,
            self._on_polled,
            timeout=self._poll_timeout,
            allowed_updates=ALLOWED_UPDATES,
        )
        await self._poller.start()

    @property
    def polls(self) -> bool:
        """Whether updates come by polling (one process polls) rather than by webhook."""
        return not self._webhook

    async def start_polling(self) -> None:
        """Begin polling (this process became the poller)."""
        await self.stop_polling()
        await self._poll()
        logger.info("telegram: this process polls")

    async def stop_polling(self) -> None:
        """Stop polling (another process polls now); an update being handled is finished first."""
        if self._poller is not None:
            await self._poller.stop()

    async def start(self) -> None:
        """Connect (getMe), set the command menu, then poll or register the webhook."""
        app = self.application
        await app.initialize()
        await app.bot.set_my_commands(
            [BotCommand(cmd, about) for cmd, about in channel_words.TELEGRAM_COMMANDS]
        )
        if self._webhook:
            url = (self._settings.public_url or "").rstrip("/") + WEBHOOK_PATH
            await app.bot.set_webhook(url, secret_token=self._secret, allowed_updates=ALLOWED_UPDATES)
        await app.start()
        if not self._webhook and self._poll_on_start:
            await self._poll()
        logger.info("telegram started (%s) as @%s", self._settings.telegram_mode, app.bot.username)

    async def stop(self) -> None:
        """Stop polling and the application; a webhook stays registered (Telegram queues for us)."""
        app = self.application
        await self.stop_polling()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """A webhook's update."""
        change = reachability(update)
        if change is not None:
            await self._reachability(change)
            return
        try:
            incoming = to_incoming(update, self._clock())
        except InboundRejected as exc:
            _dropped(update, exc)
            return
        await self._answer(incoming, update.callback_query)

    async def _reachability(self, change: Reachability) -> None:
        if self._sessionmaker is None:
            logger.warning("telegram: a block or unblock not applied (no database given)")
            return
        async with self._sessionmaker() as session, session.begin():
            await apply_reachability(session, [change])

    async def _on_polled(self, polled: Polled) -> None:
        await self._answer(polled.message, polled.query)

    async def _answer(self, incoming: IncomingMessage | None, query: CallbackQuery | None) -> None:
        """Dispatch the message; a pressed button's spinner stops (where the press was fetched)."""
        replies = await self._sink.dispatch(incoming) if incoming is not None else []
        if query is not None:
            await _settle_button(query, fresh=bool(replies))

    async def _webhook_endpoint(self, request: Request) -> Response:
        """Telegram's POST: checked secret, then the update is handled before answering 200, so
        a failure makes Telegram deliver it again (and the dedup makes that harmless). A body
        that is no readable update is acknowledged and dropped: Telegram would resend it forever."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            return Response(status_code=403)
        update = self._update(await request.body())  # bot.web limits the size
        if update is not None:
            await self.application.process_update(update)
        return Response()

    def _update(self, raw: bytes) -> Update | None:
        data, problem = read_update(raw)
        if data is not None:
            try:
                return Update.de_json(data, self.application.bot)
            except Exception as exc:  # PTB's own conversions (a date out of range): the kind only
                problem = type(exc).__name__
        logger.warning("telegram webhook: update dropped, unreadable (%s)", problem)
        return None


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """PTB's own report would print the update (names, NIKs): log the error's type and place only."""
    error = context.error
    where = f"update {update.update_id}" if isinstance(update, Update) else "outside an update"
    frames = traceback.extract_tb(error.__traceback__) if error is not None else []
    origin = f"{Path(frames[-1].filename).name}:{frames[-1].lineno} {frames[-1].name}" if frames else "?"
    logger.error("telegram %s failed: %s at %s", where, type(error).__name__, origin)


async def _settle_button(query: CallbackQuery, fresh: bool) -> None:
    """Stop the button's spinner. The keyboard itself is taken away by an edit the dispatcher
    queued in the outbox (paced, and kept across restarts)."""
    try:
        await query.answer(None if fresh else channel_words.TELEGRAM_BUTTON_STALE)
    except TelegramError as exc:  # too old to answer, or answered already: nothing to do
        logger.info("callback answer failed: %s", exc.message)


def _webhook_secret(settings: Settings) -> str:
    secret = settings.telegram_webhook_secret
    if not settings.public_url or secret is None:
        raise ConfigurationError(operator_words.RUN_WEBHOOK_MISSING)
    value = secret.get_secret_value()
    if not SECRET_FORMAT.match(value):
        raise ConfigurationError(operator_words.RUN_WEBHOOK_MISSING)
    return value
