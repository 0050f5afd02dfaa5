"""A beneficiary list file sent in chat, kept between its preview and "Ya, impor".

One row per conversation (channel, address): a new file replaces the one before; the import and
"Batal" delete it, and the retention pass deletes what is older than KEPT_FOR (the preview has
expired by then). The bytes are stored zlib-compressed (a CSV shrinks several times); nothing of
them is ever logged.
"""

from __future__ import annotations

import hashlib
import zlib
from datetime import datetime, timedelta

from sqlalchemy import LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

KEPT_FOR = timedelta(days=2)  # the conversation's draft lifetime (48 hours by default)


class ListUploadFile(Base):
    """The file a conversation previewed, waiting for the answer to "Impor sekarang?"."""

    __tablename__ = "list_upload_file"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the bytes as received
    content: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed
    created_at: Mapped[datetime]


def digest_of(content: bytes) -> str:
    """The sha256 by which a kept file is recognised."""
    return hashlib.sha256(content).hexdigest()


async def keep_file(session: AsyncSession, channel: str, address: str, content: bytes, now: datetime) -> str:
    """Keep the file for the conversation (replacing an earlier one); returns its digest."""
    await drop_file(session, channel, address)
    digest = digest_of(content)
    kept = ListUploadFile(
        channel=channel, address=address, digest=digest, content=zlib.compress(content), created_at=now
    )
    session.add(kept)
    await session.flush()
    return digest


async def kept_file(session: AsyncSession, channel: str, address: str, digest: str) -> bytes | None:
    """The kept bytes with this digest; None when gone (retention, a newer file) or damaged."""
    stored = await session.scalar(
        select(ListUploadFile.content).where(
            ListUploadFile.channel == channel,
            ListUploadFile.address == address,
            ListUploadFile.digest == digest,
        )
    )
    if stored is None:
        return None
    try:
        content = zlib.decompress(stored)
    except zlib.error:
        return None
    return content if digest_of(content) == digest else None


async def drop_file(session: AsyncSession, channel: str, address: str) -> None:
    """Forget the conversation's kept file (imported, cancelled or replaced)."""
    await session.execute(
        delete(ListUploadFile).where(ListUploadFile.channel == channel, ListUploadFile.address == address)
    )
