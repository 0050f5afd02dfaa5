"""A file a person sends is downloaded before their turn, never inside it.

A turn is a database transaction holding the person's conversation row (on SQLite, the one writer:
everyone's turns). So the dispatcher brings a message's file first, outside any transaction, and
the turn's handler reads it through `Prefetched`, a FileFetcher that serves those bytes (or the
fetch's failure, answered "coba kirim lagi" like any other). Only files the handler would read
are fetched: the sender's role is read (read-only, a short session) and the kind checked, so a
pemangku's or a stranger's file costs no download, nor does a redelivery of a message already
handled. A redelivery racing its first delivery may be fetched twice; the claim in the turn still
handles it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload

from bot.messages import FetchFailed, FileFetcher, IncomingFile, IncomingMessage
from handlers import list_upload
from models.inbound import ProcessedMessage
from models.person import Identity

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    """What the download before the turn brought: the bytes, or why not."""

    content: bytes | None = None
    failure: FetchFailed | None = None


NOT_FETCHED = Fetched(failure=FetchFailed("unavailable"))


class Prefetched:
    """The turn's FileFetcher: the bytes brought before the turn; it never downloads."""

    def __init__(self, fetched: Fetched | None) -> None:
        self._fetched = fetched or NOT_FETCHED

    async def fetch(self, file: IncomingFile, limit: int) -> bytes:
        """The prefetched bytes; FetchFailed as the download failed (or "unavailable")."""
        if self._fetched.failure is not None:
            raise self._fetched.failure
        content = self._fetched.content or b""
        if len(content) > limit:
            raise FetchFailed("too_big")
        return content


async def prefetch(
    sessionmaker: async_sessionmaker[AsyncSession], fetcher: FileFetcher | None, message: IncomingMessage
) -> Fetched:
    """The message's file, downloaded within the handler's caps, if its sender's files are read."""
    file = message.file
    if file is None or fetcher is None or not list_upload.readable_kind(file):
        return NOT_FETCHED
    if not await _wanted(sessionmaker, message):
        return NOT_FETCHED
    try:
        return Fetched(content=await fetcher.fetch(file, list_upload.MAX_BYTES))
    except FetchFailed as failed:
        return Fetched(failure=failed)
    except Exception as exc:  # the platform's answer is not ours to trust (a URL no client opens)
        # answered as unavailable: raised, it would fail this turn and every later one of the person
        logger.warning("file fetch broke on %s: %s", message.channel, type(exc).__name__)
        return NOT_FETCHED


async def _wanted(sessionmaker: async_sessionmaker[AsyncSession], message: IncomingMessage) -> bool:
    """Whether the message is new and its sender an active member whose lists are read (a short
    read-only session)."""
    async with sessionmaker() as session:
        handled = await session.scalar(
            select(ProcessedMessage.handled_at).where(
                ProcessedMessage.channel == message.channel,
                ProcessedMessage.external_id == message.external_id,
            )
        )
        if handled is not None:
            return False
        identity = await session.scalar(
            select(Identity)
            .where(Identity.channel == message.channel, Identity.address == message.sender_id)
            .options(joinedload(Identity.member))
        )
        return identity is not None and identity.member.active and list_upload.may_send(identity.member)
