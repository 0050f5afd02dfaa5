"""WhatsApp Cloud API: the Graph API client (one method per endpoint) and the outbox sender.

The 24-hour rule: inside the customer-service window a message goes free-form (text, buttons,
list, document). Outside it, a message that carries a TemplateRef (reminders, notices) goes as
that approved template, and its full text follows once the person writes again (not for
reminders, whose template says it all). One without a template is not sent but held: the sender
raises PermanentFailure(WINDOW_CLOSED), the worker dead-letters the row with that error, and the
webhook puts such rows back in the queue when the person writes again (whatsapp_store.py).
"""

from __future__ import annotations

import logging
import mimetypes
from typing import Any

import httpx

from bot.channels import whatsapp_render as render
from bot.channels.base import Delivery, PermanentFailure, RetryLater
from bot.config import Settings
from bot.messages import OutgoingMessage

logger = logging.getLogger(__name__)

WINDOW_CLOSED = "whatsapp: outside the 24-hour window and no template; held until the person writes again"
FORCE_TEMPLATE = "whatsapp_template_only"  # OutgoingMessage.extra flag set after a 131047 status

OUTSIDE_WINDOW = 131047
THROUGHPUT = 130429
PAIR_RATE = 131056
INVALID_TOKEN = 190
TRANSIENT_CODES = {1, 2, 131000}  # unknown, service temporarily unavailable, something went wrong
# Seconds the whole channel pauses (throughput; 4 and 80007 are app and account call limits);
# a pair-rate hit concerns one person, so only that message backs off.
RETRY_AFTER: dict[int, float | None] = {THROUGHPUT: 1.0, PAIR_RATE: None, 4: 60.0, 80007: 60.0}


class GraphApiError(Exception):
    """A non-2xx answer of the Graph API, with Meta's error code."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"HTTP {status}, code {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class WhatsAppClient:
    """The Graph API endpoints the bot uses, over one long-lived httpx.AsyncClient."""

    def __init__(
        self,
        *,
        base_url: str,
        api_version: str,
        token: str,
        phone_number_id: str,
        timeout: float = 20.0,
    ) -> None:
        self._phone_number_id = phone_number_id
        self._http = httpx.AsyncClient(
            base_url=f"{base_url.rstrip('/')}/{api_version}/",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> WhatsAppClient:
        """A client for the configured number; the settings must hold the token and number id."""
        if settings.whatsapp_token is None or not settings.whatsapp_phone_number_id:
            raise ValueError("PEMANGKU_WHATSAPP_TOKEN and PEMANGKU_WHATSAPP_PHONE_NUMBER_ID are required")
        return cls(
            base_url=settings.whatsapp_base_url,
            api_version=settings.whatsapp_api_version,
            token=settings.whatsapp_token.get_secret_value(),
            phone_number_id=settings.whatsapp_phone_number_id,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def send_message(self, to: str, content: render.Content) -> str:
        """POST /{phone_number_id}/messages; returns the wamid."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **content}
        answer = await self._post(f"{self._phone_number_id}/messages", json=body)
        return str(answer["messages"][0]["id"])

    async def upload_media(self, content: bytes, filename: str, media_type: str) -> str:
        """POST /{phone_number_id}/media (multipart); returns the media id."""
        answer = await self._post(
            f"{self._phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": media_type},
            files={"file": (filename, content, media_type)},
        )
        return str(answer["id"])

    async def mark_read(self, wamid: str) -> None:
        """Mark an incoming message as read (the two blue ticks)."""
        body = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
        await self._post(f"{self._phone_number_id}/messages", json=body)

    async def _post(self, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._http.post(path, **kwargs)
        if response.is_success:
            answer: dict[str, Any] = response.json()
            return answer
        raise _error_of(response)


def _error_of(response: httpx.Response) -> GraphApiError:
    """Meta's `{"error": {"code", "message", ...}}`, or the bare status when the body is not that."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    code = error.get("code")
    message = str(error.get("message") or response.reason_phrase)[:300]
    return GraphApiError(response.status_code, code if isinstance(code, int) else None, message)


class WhatsAppSender:
    """Delivers outbox rows over the Cloud API; see the module docstring for the window rule."""

    channel = "whatsapp"

    def __init__(self, client: WhatsAppClient, *, template_language: str) -> None:
        self._client = client
        self._language = template_language

    async def send(self, delivery: Delivery) -> str:
        """Send one delivery; returns the wamid of its last message object."""
        try:
            return await self._send(delivery)
        except GraphApiError as exc:
            raise _translate(exc) from exc
        except httpx.TransportError as exc:
            raise RetryLater(f"whatsapp: network error {type(exc).__name__}") from exc

    async def _send(self, delivery: Delivery) -> str:
        message = delivery.message
        if not delivery.window_open or message.extra.get(FORCE_TEMPLATE):
            return await self._template(delivery.address, message)
        try:
            return await self._free_form(delivery)
        except GraphApiError as exc:
            if exc.code != OUTSIDE_WINDOW:
                raise
            logger.info("outbox %s: window closed on Meta's side, trying the template", delivery.outbox_id)
            return await self._template(delivery.address, message)

    async def _template(self, to: str, message: OutgoingMessage) -> str:
        if message.template is None:
            raise PermanentFailure(WINDOW_CLOSED)
        tpl = message.template
        return await self._client.send_message(
            to, render.template_content(tpl.name, self._language, tpl.params)
        )

    async def _free_form(self, delivery: Delivery) -> str:
        message = delivery.message
        if message.document is None:
            return await self._send_all(delivery.address, render.free_form_contents(message))
        if delivery.document_bytes is None:
            raise PermanentFailure("whatsapp: the document's bytes were not loaded")
        doc = message.document
        caption = doc.caption or message.text
        if len(caption) > render.CAPTION_MAX:  # the words matter more than the attachment's label
            await self._send_all(delivery.address, render.free_form_contents(message))
            caption = ""
        media_type = mimetypes.guess_type(doc.filename)[0] or "application/octet-stream"
        media_id = await self._client.upload_media(delivery.document_bytes, doc.filename, media_type)
        content = render.document_content(media_id, doc.filename, caption or None)
        return await self._client.send_message(delivery.address, content)

    async def _send_all(self, to: str, contents: list[render.Content]) -> str:
        wamid = ""
        for content in contents:
            wamid = await self._client.send_message(to, content)
        return wamid


def _translate(exc: GraphApiError) -> Exception:
    """Meta's error to the worker's vocabulary: retry later, or give up on this message."""
    code = exc.code
    if code == OUTSIDE_WINDOW:
        return PermanentFailure(WINDOW_CLOSED)
    if code in RETRY_AFTER:
        after = RETRY_AFTER[code]  # None: the pair rate, which concerns this one person only
        return RetryLater(f"whatsapp: rate limited ({code})", after, whole_channel=after is not None)
    if exc.status >= 500 or code in TRANSIENT_CODES:
        return RetryLater(f"whatsapp: temporary error {exc}")
    if code == INVALID_TOKEN or exc.status == 401:
        logger.error("WhatsApp refused the access token (code %s): renew PEMANGKU_WHATSAPP_TOKEN", code)
        return PermanentFailure(f"whatsapp: access token invalid or expired (code {code})")
    return PermanentFailure(f"whatsapp: {exc}")
