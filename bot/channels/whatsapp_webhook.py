"""The WhatsApp webhook: GET verification, POST store-then-acknowledge, processing afterwards.

A POST whose signature checks out is stored as an InboundPayload and answered 200 at once; a
background task then hands its messages to the dispatcher (which drops redeliveries by wamid) and
applies its delivery statuses to the outbox. A crash between the 200 and the processing loses
nothing: `recover()` at start processes every stored body not yet marked processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.base import MessageSink
from bot.channels.whatsapp import (
    FORCE_TEMPLATE,
    OUTSIDE_WINDOW,
    WINDOW_CLOSED,
    WhatsAppClient,
    WhatsAppSender,
)
from bot.channels.whatsapp_payload import StatusUpdate, parse_body, signature_ok
from bot.config import Settings
from bot.messages import Channel, IncomingMessage
from models.base import utcnow
from models.inbound import InboundPayload
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Identity

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # Meta's bodies are a few kB; refuse to buffer anything absurd
KEEP_DAYS = 7  # processed webhook bodies are kept this long for troubleshooting, then deleted
SWEEP_SECONDS = 300.0
HOLD_DAYS = 7  # held (window-closed) messages older than this are not released any more
STATUS_RANK = {OutboxStatus.SENT: 1, OutboxStatus.DELIVERED: 2, OutboxStatus.READ: 3, OutboxStatus.FAILED: 4}


class WhatsAppWebhook:
    """The two routes of /whatsapp/webhook and the processing of stored bodies."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        sink: MessageSink,
        *,
        app_secret: str,
        verify_token: str,
        client: WhatsAppClient | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._sink = sink
        self._secret = app_secret.encode()
        self._verify_token = verify_token.encode()
        self._client = client  # when given, incoming messages are marked as read
        self._lock = asyncio.Lock()  # one body at a time: keeps each person's messages in order
        self._tasks: set[asyncio.Task[None]] = set()

    def routes(self) -> list[Route]:
        """GET and POST /whatsapp/webhook."""
        return [
            Route("/whatsapp/webhook", self.verify, methods=["GET"]),
            Route("/whatsapp/webhook", self.receive, methods=["POST"]),
        ]

    async def verify(self, request: Request) -> Response:
        """Meta's subscription handshake: echo hub.challenge when hub.verify_token matches."""
        params = request.query_params
        token = params.get("hub.verify_token", "").encode()
        if params.get("hub.mode") == "subscribe" and hmac.compare_digest(token, self._verify_token):
            return PlainTextResponse(params.get("hub.challenge", ""))
        return PlainTextResponse("forbidden", status_code=403)

    async def receive(self, request: Request) -> Response:
        """Check the signature, store the body, answer 200, process it in the background."""
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            return PlainTextResponse("too large", status_code=413)
        if not signature_ok(self._secret, raw, request.headers.get("x-hub-signature-256")):
            logger.warning("whatsapp webhook: bad or missing signature, body dropped")
            return PlainTextResponse("forbidden", status_code=403)
        try:
            body = json.loads(raw)
        except ValueError:
            return PlainTextResponse("bad json", status_code=400)
        if not isinstance(body, dict):
            return PlainTextResponse("bad json", status_code=400)
        payload_id = await self._store(body)
        task = asyncio.create_task(self.process(payload_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return PlainTextResponse("ok")

    async def recover(self) -> int:
        """Process every stored body left unprocessed (by a crash or a failure); returns how many."""
        async with self._sessionmaker() as session:
            ids = list(
                await session.scalars(
                    select(InboundPayload.id)
                    .where(InboundPayload.channel == Channel.WHATSAPP, InboundPayload.processed_at.is_(None))
                    .order_by(InboundPayload.id)
                )
            )
        for payload_id in ids:
            await self.process(payload_id)
        return len(ids)

    async def sweep(self, every: float = SWEEP_SECONDS) -> None:
        """Forever: process what failed or was left behind, and delete old processed bodies."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.recover()
                await self.prune()
            except Exception as exc:  # the database may be down for a while; try at the next sweep
                logger.warning("whatsapp sweep failed: %s", type(exc).__name__)

    async def prune(self) -> int:
        """Delete bodies processed more than KEEP_DAYS ago (they hold what people typed); returns how many."""
        async with self._sessionmaker() as session, session.begin():
            result = await session.execute(
                delete(InboundPayload).where(
                    InboundPayload.channel == Channel.WHATSAPP,
                    InboundPayload.processed_at < utcnow() - timedelta(days=KEEP_DAYS),
                )
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def wait_idle(self) -> None:
        """Wait until the bodies received so far are processed."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def process(self, payload_id: int) -> None:
        """Dispatch a stored body's messages, apply its statuses, mark it processed (once)."""
        async with self._lock:
            try:
                await self._process(payload_id)
            except Exception as exc:  # left unprocessed: the next sweep tries again
                # Type and code lines only: a database error's text can carry what people typed.
                trace = "".join(traceback.format_tb(exc.__traceback__))
                logger.error("whatsapp payload %s failed: %s\n%s", payload_id, type(exc).__name__, trace)
                await self._record_error(payload_id, exc)

    async def _process(self, payload_id: int) -> None:
        async with self._sessionmaker() as session:
            row = await session.get(InboundPayload, payload_id)
            if row is None or row.processed_at is not None:
                return
            parsed = parse_body(row.body)
        answered = []
        for message in parsed.messages:
            await self._reopen_window(message)
            if await self._sink.dispatch(message):  # a redelivery gets no replies
                answered.append(message)
        async with self._sessionmaker() as session, session.begin():
            for message in parsed.messages:  # again: the turn may have created the identity
                await _touch_window(session, message)
            for status in parsed.statuses:
                await _apply_status(session, status)
            await session.execute(
                update(InboundPayload)
                .where(InboundPayload.id == payload_id)
                .values(processed_at=utcnow(), error=None)
            )
        await self._mark_read(answered)

    async def _reopen_window(self, message: IncomingMessage) -> None:
        """The person wrote: their window is open again, so messages held for it go back in the queue."""
        address = message.sender_id
        async with self._sessionmaker() as session, session.begin():
            await _touch_window(session, message)
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.channel == Channel.WHATSAPP,
                    OutboxMessage.address == address,
                    OutboxMessage.status == OutboxStatus.DEAD,
                    OutboxMessage.last_error.endswith(WINDOW_CLOSED, autoescape=True),  # worker prefixes it
                    OutboxMessage.created_at > utcnow() - timedelta(days=HOLD_DAYS),
                )
                .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow(), last_error=None)
            )

    async def _mark_read(self, messages: list[IncomingMessage]) -> None:
        if self._client is None:
            return
        for message in messages:
            try:
                await self._client.mark_read(message.external_id)
            except Exception as exc:  # blue ticks are a courtesy, never worth failing the body
                logger.info("whatsapp mark-read failed: %s", type(exc).__name__)

    async def _record_error(self, payload_id: int, exc: Exception) -> None:
        try:
            async with self._sessionmaker() as session, session.begin():
                await session.execute(
                    update(InboundPayload)
                    .where(InboundPayload.id == payload_id)
                    .values(error=f"{type(exc).__name__}"[:500])
                )
        except Exception:
            logger.error("could not record the error of whatsapp payload %s", payload_id)

    async def _store(self, body: dict[str, Any]) -> int:
        async with self._sessionmaker() as session, session.begin():
            row = InboundPayload(channel=Channel.WHATSAPP, body=body)
            session.add(row)
            await session.flush()
            return row.id


async def _touch_window(session: AsyncSession, message: IncomingMessage) -> None:
    """Move the identity's last inbound time forward (also for an identity created by this turn)."""
    await session.execute(
        update(Identity)
        .where(
            Identity.channel == Channel.WHATSAPP,
            Identity.address == message.sender_id,
            or_(Identity.last_inbound_at.is_(None), Identity.last_inbound_at < message.received_at),
        )
        .values(last_inbound_at=message.received_at)
    )


async def _apply_status(session: AsyncSession, status: StatusUpdate) -> None:
    """Move an outbox row forward (statuses may arrive out of order); a 131047 failure re-queues
    the row as its template when it has one, else holds it until the person writes again."""
    row = await session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.channel == Channel.WHATSAPP, OutboxMessage.platform_message_id == status.wamid
        )
    )
    if row is None:
        return
    if status.status == OutboxStatus.FAILED and status.error_code == OUTSIDE_WINDOW:
        _after_window_failure(row)
        return
    if STATUS_RANK.get(OutboxStatus(status.status), 0) > STATUS_RANK.get(OutboxStatus(row.status), 0):
        row.status = status.status
        if status.status == OutboxStatus.FAILED:
            row.last_error = f"whatsapp: failed ({status.error_code} {status.error_title or ''})".strip()[
                :500
            ]


def _after_window_failure(row: OutboxMessage) -> None:
    if row.payload.get("template") and not row.payload.get("extra", {}).get(FORCE_TEMPLATE):
        extra = {**row.payload.get("extra", {}), FORCE_TEMPLATE: True}
        row.payload = {**row.payload, "extra": extra}
        row.status, row.next_attempt_at, row.last_error = OutboxStatus.PENDING, utcnow(), None
        row.platform_message_id = None
        return
    row.status, row.last_error = OutboxStatus.DEAD, WINDOW_CLOSED


REQUIRED_SETTINGS = (
    "whatsapp_token",
    "whatsapp_phone_number_id",
    "whatsapp_app_secret",
    "whatsapp_verify_token",
)


def whatsapp_missing(settings: Settings) -> list[str]:
    """The environment variables WhatsApp still needs (empty: it can run)."""
    return [f"PEMANGKU_{name.upper()}" for name in REQUIRED_SETTINGS if not getattr(settings, name)]


@dataclass
class WhatsAppChannel:
    """What `pemangku run` wires (bot.main.ChannelRuntime): the outbox sender and the webhook routes."""

    sender: WhatsAppSender
    webhook: WhatsAppWebhook
    client: WhatsAppClient
    name: str = "whatsapp"
    needs_web: bool = True

    @property
    def routes(self) -> list[BaseRoute]:
        """GET and POST /whatsapp/webhook."""
        return list(self.webhook.routes())

    _sweeper: asyncio.Task[None] | None = field(default=None, init=False, repr=False)

    async def start(self) -> None:
        """Process the bodies a previous run stored but did not finish, then sweep now and then."""
        recovered = await self.webhook.recover()
        if recovered:
            logger.info("whatsapp: processed %s webhook bodies left by the previous run", recovered)
        self._sweeper = asyncio.create_task(self.webhook.sweep())

    async def stop(self) -> None:
        """Finish the bodies in hand, then close the connection pool."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await self.webhook.wait_idle()
        await self.client.aclose()


def build_whatsapp(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], sink: MessageSink
) -> WhatsAppChannel:
    """The channel from the settings; call only when `whatsapp_missing(settings)` is empty."""
    if whatsapp_missing(settings):
        raise ValueError("missing WhatsApp settings: " + ", ".join(whatsapp_missing(settings)))
    assert settings.whatsapp_app_secret is not None and settings.whatsapp_verify_token is not None
    client = WhatsAppClient.from_settings(settings)
    webhook = WhatsAppWebhook(
        sessionmaker,
        sink,
        app_secret=settings.whatsapp_app_secret.get_secret_value(),
        verify_token=settings.whatsapp_verify_token.get_secret_value(),
        client=client,
    )
    sender = WhatsAppSender(client, template_language=settings.whatsapp_template_language)
    return WhatsAppChannel(sender, webhook, client)
