"""WhatsApp media people send: GET /{version}/{media-id} gives a short-lived URL (with its size and
sha256), then GET that URL with the same Bearer token. The download is read in chunks and stopped
past the limit; the sha256 the platform gave (hex or base64) must match the bytes."""

from __future__ import annotations

import base64
import hashlib
import logging
import re

import httpx

from bot.config import Settings
from bot.messages import FetchFailed, IncomingFile

logger = logging.getLogger(__name__)

MEDIA_ID = re.compile(r"[0-9A-Za-z_-]{1,100}")
TIMEOUT = 30.0


class WhatsAppMedia:
    """The channel's FileFetcher. A client per download: people send lists a few times a month."""

    def __init__(self, *, base_url: str, api_version: str, token: str, timeout: float = TIMEOUT) -> None:
        self._api = f"{base_url.rstrip('/')}/{api_version}/"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> WhatsAppMedia:
        """A fetcher for the configured account; the settings must hold the token."""
        if settings.whatsapp_token is None:
            raise ValueError("PEMANGKU_WHATSAPP_TOKEN is required")
        return cls(
            base_url=settings.whatsapp_base_url,
            api_version=settings.whatsapp_api_version,
            token=settings.whatsapp_token.get_secret_value(),
        )

    async def fetch(self, file: IncomingFile, limit: int) -> bytes:
        """The media's bytes; FetchFailed("too_big" | "corrupt" | "unavailable")."""
        if not MEDIA_ID.fullmatch(file.ref):
            raise FetchFailed("unavailable")
        try:
            async with httpx.AsyncClient(headers=self._headers, timeout=self._timeout) as http:
                url, size, digest = await self._media_url(http, file.ref)
                if size is not None and size > limit:
                    raise FetchFailed("too_big")
                data = await _download(http, url, limit)
        except httpx.HTTPError as exc:
            logger.info("whatsapp media download failed: %s", type(exc).__name__)
            raise FetchFailed("unavailable") from None
        if not all(_digest_matches(data, given) for given in (digest, file.sha256)):
            raise FetchFailed("corrupt")  # the webhook's and the media URL's digests, where given
        return data

    async def _media_url(self, http: httpx.AsyncClient, media_id: str) -> tuple[str, int | None, str | None]:
        """GET /{version}/{media-id}: the download URL, the size and the sha256, as Meta says."""
        response = await http.get(self._api + media_id)
        if not response.is_success:
            logger.info("whatsapp media url: HTTP %s", response.status_code)
            raise FetchFailed("unavailable")
        try:
            answer = response.json()
            url, size, digest = answer["url"], answer.get("file_size"), answer.get("sha256")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise FetchFailed("unavailable") from None
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise FetchFailed("unavailable")
        size = int(size) if isinstance(size, int | str) and str(size).isdigit() else None
        return url, size, digest if isinstance(digest, str) else None


async def _download(http: httpx.AsyncClient, url: str, limit: int) -> bytes:
    """The file, refused as soon as it grows past the limit (a size header can be absent or wrong)."""
    chunks: list[bytes] = []
    received = 0
    async with http.stream("GET", url) as response:
        if not response.is_success:
            logger.info("whatsapp media download: HTTP %s", response.status_code)
            raise FetchFailed("unavailable")
        async for chunk in response.aiter_bytes():
            received += len(chunk)
            if received > limit:
                raise FetchFailed("too_big")
            chunks.append(chunk)
    return b"".join(chunks)


def _digest_matches(data: bytes, expected: str | None) -> bool:
    """Meta gives sha256 as hex or as base64; no digest given, nothing to check."""
    if not expected:
        return True
    digest = hashlib.sha256(data).digest()
    return expected.strip().lower() == digest.hex() or expected.strip() == base64.b64encode(digest).decode()
