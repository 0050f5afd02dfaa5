"""The WhatsApp webhook: GET verification, POST store-then-acknowledge, processing afterwards.

A POST whose signature checks out is stored as an InboundPayload (with the others arriving at the
same time, in one commit: whatsapp_intake.py) and answered 200 at once; a
background task then hands its messages to the dispatcher (which drops redeliveries by wamid) and
applies its delivery statuses to the outbox. A crash between the 200 and the processing loses
nothing: at start, and at every sweep, each stored body not yet marked processed is processed.
A body whose processing fails is tried again by the sweep after a growing wait, and after
PEMANGKU_INBOUND_MAX_ATTEMPTS tries it is dead (bot/inbound_store.py: `pemangku inbound`).
Processed and dead bodies are deleted by the retention pass (jobs/retention.py), after the
retention setting.

Bodies are processed in batches (whatsapp_batch.py): many people at once, one person's messages
strictly in arrival order.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import itertools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot import inbound_store
from bot.channels.base import MessageSink
from bot.channels.whatsapp import WhatsAppClient, WhatsAppSender
from bot.channels.whatsapp_batch import BatchProcessor, log_failure
from bot.channels.whatsapp_intake import Intake
from bot.channels.whatsapp_payload import ParsedBody, parse_stored, signature_ok, stored_form
from bot.config import Settings
from bot.messages import Channel, IncomingMessage
from models.base import utcnow
from models.inbound import InboundPayload

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 300.0
ORPHAN_SECONDS = 5.0  # how often bodies left by a dead process (another one, on PostgreSQL) are looked for
ORPHAN_AGE = timedelta(seconds=10)  # a body unprocessed this long after its 200 has lost its process


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
        concurrency: int = 16,
        clock: Callable[[], datetime] = utcnow,
        max_attempts: int = 8,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._max_attempts = max_attempts  # failed tries before a body is dead
        self._clock = clock
        self._sink = sink
        self._secret = app_secret.encode()
        self._verify_token = verify_token.encode()
        self._client = client  # when given, incoming messages are marked as read
        self._running: set[int] = set()
        self._intake = Intake(sessionmaker, clock)
        self._tasks: set[asyncio.Task[None]] = set()
        self._batches = BatchProcessor(
            sessionmaker,
            sink,
            clock=clock,
            on_answered=self._answered,
            people_at_once=concurrency,
            max_attempts=max_attempts,
        )

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
        """Check the signature, store the body, answer 200, process it in the background.

        A signed body is answered 200 whatever its shape (Meta retries anything else for days);
        what of it cannot be read is logged and stored by kind, once (bot.web limits its size)."""
        raw = await request.body()
        if not signature_ok(self._secret, raw, request.headers.get("x-hub-signature-256")):
            logger.warning("whatsapp webhook: bad or missing signature, body dropped")
            return PlainTextResponse("forbidden", status_code=403)
        stored = stored_form(raw)
        parsed = parse_stored(stored, self._clock())
        payload_id = await self._intake.store(stored, parsed.messages)
        if parsed.problems:
            logger.warning("whatsapp payload %s: %s", payload_id, parsed.problem_note())
        self._running.add(payload_id)
        self._batches.submit(payload_id, parsed).add_done_callback(
            lambda _: self._running.discard(payload_id)
        )
        return PlainTextResponse("ok")

    async def recover(self, orphans_only: bool = False, wait: bool = True) -> int:
        """Start every stored body due for processing (left by a crash, or failed and its wait
        over; dead bodies are the operator's), or only the orphans (`orphans_only`: never failed,
        stored ORPHAN_AGE ago); with `wait`, until they are done. Returns how many were due."""
        now = self._clock()
        before = now - ORPHAN_AGE if orphans_only else None
        async with self._sessionmaker() as session:
            ids = await inbound_store.due_ids(session, Channel.WHATSAPP, now, before)
        started = await self._start(ids)
        if wait:
            await asyncio.gather(*started)
        return len(ids)

    async def sweep(self, every: float = SWEEP_SECONDS, orphans_every: float = ORPHAN_SECONDS) -> None:
        """Forever: process what failed or was left behind (by this process or, on a shared
        database, by one that died: every few seconds). A sweep starts the due bodies and does not
        wait for them: a body that hangs holds up no later sweep (it is skipped while running)."""
        orphans_every = min(orphans_every, every)
        rounds = max(1, int(every / orphans_every))
        for tick in itertools.count(1):
            await asyncio.sleep(orphans_every)
            try:
                await self.recover(orphans_only=tick % rounds != 0, wait=False)
            except Exception as exc:  # the database may be down for a while; try at the next sweep
                logger.warning("whatsapp sweep failed: %s", type(exc).__name__)

    async def wait_idle(self) -> None:
        """Wait until the bodies received so far are processed."""
        await self._batches.wait_idle()
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def process(self, payload_id: int) -> None:
        """Dispatch a stored body's messages, apply its statuses, mark it processed (once)."""
        await asyncio.gather(*await self._start([payload_id]))

    async def _start(self, ids: list[int]) -> list[asyncio.Future[None]]:
        """Load stored bodies and hand them to the batches together (one batch); those processed,
        dead or in hand already are left out. A body that cannot be parsed counts a failed try
        (bot/inbound_store.py); when the load itself fails, nothing is counted (the sweep retries)."""
        fresh = [payload_id for payload_id in ids if payload_id not in self._running]
        self._running.update(fresh)
        try:
            rows = await self._load(fresh)
        except Exception as exc:
            self._running.difference_update(fresh)
            logger.warning("whatsapp payloads could not be loaded: %s", type(exc).__name__)
            return []
        started = []
        for payload_id in fresh:
            parsed = await self._parse(payload_id, rows.get(payload_id))
            if parsed is None:
                self._running.discard(payload_id)
                continue
            done = self._batches.submit(payload_id, parsed)
            done.add_done_callback(functools.partial(self._finished, payload_id))
            started.append(done)
        return started

    def _finished(self, payload_id: int, _: object) -> None:
        self._running.discard(payload_id)

    async def _load(self, ids: list[int]) -> dict[int, InboundPayload]:
        """The stored bodies still to process (not processed, not dead), by id."""
        if not ids:
            return {}
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(InboundPayload).where(
                    InboundPayload.id.in_(ids),
                    InboundPayload.processed_at.is_(None),
                    InboundPayload.dead_at.is_(None),
                )
            )
            return {row.id: row for row in rows}

    async def _parse(self, payload_id: int, row: InboundPayload | None) -> ParsedBody | None:
        if row is None:
            return None
        try:
            return parse_stored(row.body, row.created_at)
        except Exception as exc:  # left unprocessed: the next sweep tries again, until the limit
            log_failure(payload_id, exc)
            await self._count_failure(payload_id, exc)
            return None

    async def _count_failure(self, payload_id: int, exc: Exception) -> None:
        try:
            async with self._sessionmaker() as session, session.begin():
                await inbound_store.record_failure(
                    session, payload_id, type(exc).__name__, self._clock(), self._max_attempts
                )
        except Exception as second:
            kind = type(second).__name__
            logger.error("could not record the error of whatsapp payload %s: %s", payload_id, kind)

    def _answered(self, messages: list[IncomingMessage]) -> None:
        if self._client is not None:
            self._spawn(self._mark_read(self._client, messages))

    async def _mark_read(self, client: WhatsAppClient, messages: list[IncomingMessage]) -> None:
        for message in messages:
            try:
                await client.mark_read(message.external_id)
            except Exception as exc:  # blue ticks are a courtesy, never worth failing the body
                logger.info("whatsapp mark-read failed: %s", type(exc).__name__)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


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
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    sink: MessageSink,
    clock: Callable[[], datetime] = utcnow,
) -> WhatsAppChannel:
    """The channel from the settings; call only when `whatsapp_missing(settings)` is empty."""
    if whatsapp_missing(settings):
        raise ValueError("missing WhatsApp settings: " + ", ".join(whatsapp_missing(settings)))
    assert settings.whatsapp_app_secret is not None and settings.whatsapp_verify_token is not None
    client = WhatsAppClient.from_settings(settings)
    # Many people at once on SQLite too: the dispatcher queues SQLite's turns one by one itself,
    # while what comes before a turn (a list file's download) must not wait behind another's.
    webhook = WhatsAppWebhook(
        sessionmaker,
        sink,
        app_secret=settings.whatsapp_app_secret.get_secret_value(),
        verify_token=settings.whatsapp_verify_token.get_secret_value(),
        client=client,
        clock=clock,
        max_attempts=settings.inbound_max_attempts,
    )
    sender = WhatsAppSender(client, template_language=settings.whatsapp_template_language)
    return WhatsAppChannel(sender, webhook, client)
