"""Telegram files people send: getFile, then the file itself under the Bot API's file URL.

python-telegram-bot does both (`Bot.get_file` puts PEMANGKU_TELEGRAM_BASE_FILE_URL before the
file_path it is given; `File.download_as_bytearray` reads that URL, or a local path when the
file_path names a file on this machine, which only a local Bot API server in --local mode means).
The Bot API serves at most 20 MB; the caller's limit is checked before and after the download.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.messages import FetchFailed, IncomingFile

logger = logging.getLogger(__name__)

READ_TIMEOUT = 30.0  # a few megabytes over a slow link


class TelegramFiles:
    """The channel's FileFetcher, over the application's Bot."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def fetch(self, file: IncomingFile, limit: int) -> bytes:
        """The document's bytes; FetchFailed("too_big" | "unavailable")."""
        if file.size is not None and file.size > limit:
            raise FetchFailed("too_big")
        try:
            found = await self._bot.get_file(file.ref)
            if found.file_size is not None and found.file_size > limit:
                raise FetchFailed("too_big")
            if not str(found.file_path or "").startswith(self._bot.base_file_url):
                raise FetchFailed("unavailable")  # never read a path on this machine
            data = bytes(await found.download_as_bytearray(read_timeout=READ_TIMEOUT))
        except BadRequest as exc:  # "file is too big" past the Bot API's 20 MB, or a bad file_id
            logger.info("telegram getFile refused: %s", type(exc).__name__)
            raise FetchFailed("too_big" if "too big" in exc.message.lower() else "unavailable") from None
        except TelegramError as exc:  # network, 5xx, 404 of the file URL
            logger.info("telegram file download failed: %s", type(exc).__name__)
            raise FetchFailed("unavailable") from None
        if len(data) > limit:
            raise FetchFailed("too_big")
        return data
