"""The WhatsApp channel wired end to end for tests: the webhook app served by uvicorn on
127.0.0.1, the real dispatcher and outbox worker, and the sender talking real HTTP to the fake
Graph API. `WhatsAppPhone` is one person: it posts signed webhook bodies in the Cloud API's
recorded shapes and reads back what the fake Graph API received for its number."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import MessageSink
from bot.channels.whatsapp_payload import sign
from bot.channels.whatsapp_webhook import WhatsAppWebhook, build_whatsapp
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.main import file_fetchers
from bot.messages import FileFetcher
from bot.outbox import OutboxWorker
from bot.web import WebServer, build_web_app
from handlers.questions import unstamp
from models.base import utcnow
from models.outbox import OutboxMessage, OutboxStatus
from tests.fakes.graph_api import PHONE_NUMBER_ID, TOKEN, FakeGraphApi, serve
from tests.handlers.transcript import Clock

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "whatsapp"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
# the approved templates and their parameter counts, as bot/ and jobs/ fill them
TEMPLATES = {"pengingat_laporan": 3, "pemberitahuan_rekap": 2, "balasan_tertunda": 0}
_wamids = itertools.count(1)


def fixture(name: str, at: datetime) -> dict[str, Any]:
    """A recorded webhook body (tests/fixtures/whatsapp/NAME.json), fresh copy, its messages and
    statuses moved in time so that the first was sent `at` (the recorded gaps between them kept):
    a test's outcome never depends on the day it runs (the 24-hour window compares these with now)."""
    body: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    items = [
        item
        for entry in body.get("entry", [])
        for change in entry.get("changes", [])
        for key in ("messages", "statuses")
        for item in change.get("value", {}).get(key, [])
        if "timestamp" in item
    ]
    if items:
        shift = int(at.timestamp()) - min(int(item["timestamp"]) for item in items)
        for item in items:
            item["timestamp"] = str(int(item["timestamp"]) + shift)
    return body


def settings_for(graph_url: str, **overrides: Any) -> Settings:
    """Settings with WhatsApp pointed at the fake Graph API."""
    values: dict[str, Any] = {
        "database_url": "sqlite://",
        "whatsapp_token": TOKEN,
        "whatsapp_phone_number_id": PHONE_NUMBER_ID,
        "whatsapp_app_secret": APP_SECRET,
        "whatsapp_verify_token": VERIFY_TOKEN,
        "whatsapp_base_url": graph_url,
        "whatsapp_rate_per_second": 200.0,
        **overrides,
    }
    return Settings(**values)


@dataclass
class WhatsAppWorld:
    """Everything running: post to `url`, read `graph`, inspect the database via `sessionmaker`."""

    url: str
    http: httpx.AsyncClient
    graph: FakeGraphApi
    webhook: WhatsAppWebhook
    worker: OutboxWorker
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: Settings
    clock: Callable[[], datetime]  # the transport's time: message timestamps, window, retries

    def fixture(self, name: str) -> dict[str, Any]:
        """A recorded body whose messages were sent now, by the world's clock."""
        return fixture(name, self.clock())

    async def post(self, body: dict[str, Any] | bytes, signature: str | None = "sign") -> httpx.Response:
        """POST a body to the webhook, signed with the app secret unless told otherwise."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"content-type": "application/json"}
        if signature == "sign":
            signature = sign(APP_SECRET.encode(), raw)
        if signature is not None:
            headers["x-hub-signature-256"] = signature
        return await self.http.post(f"{self.url}/whatsapp/webhook", content=raw, headers=headers)

    async def settle(self) -> None:
        """Wait until every posted body is processed and nothing due is left in the outbox."""
        idle = 0  # seen idle twice in a row: a row claimed but not yet started is neither due nor busy
        async with asyncio.timeout(10):
            while idle < 2:
                await self.webhook.wait_idle()
                self.worker.wake()
                idle = idle + 1 if not await self._due() and not self.worker._busy else 0
                await asyncio.sleep(0.02)

    async def _due(self) -> int:
        """Rows due, and rows the worker has claimed (leased, so not due) but not yet finished:
        between its claim's commit and its send the worker is not yet busy with them."""
        async with self.sessionmaker() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    or_(
                        OutboxMessage.next_attempt_at <= self.clock(),
                        (OutboxMessage.attempts > 0) & OutboxMessage.last_error.is_(None),
                    ),
                )
            )
        return int(count or 0)

    def phone(self, wa_id: str = "6281234567890", name: str = "Sutrisno") -> WhatsAppPhone:
        """A person on WhatsApp."""
        return WhatsAppPhone(self, wa_id, name)


class AheadClock:
    """The transport's clock: real time, plus however far a test moves it on (`ahead`)."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return utcnow() + self.ahead


@asynccontextmanager
async def whatsapp_world(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock | None = None,
    transport: Callable[[], datetime] = utcnow,
    wrap: Callable[[MessageSink], MessageSink] | None = None,
    **overrides: Any,
) -> AsyncIterator[WhatsAppWorld]:
    """Start the fake Graph API, the webhook app, the dispatcher and the worker.

    The conversations see `clock` (the transcripts' fixed Friday 20 November 2026 by default).
    The transport (message timestamps, the 24-hour window, the outbox's retries, the webhook's
    backoff) runs on one clock of its own, `transport` (`utcnow`, or an `AheadClock`), which the
    phones' and the fixtures' timestamps are taken from too. `wrap` puts a sink of the test's
    between the webhook and the dispatcher (one that fails on some messages)."""
    graph = FakeGraphApi(templates=dict(TEMPLATES))
    async with serve(graph.app()) as graph_url:
        settings = settings_for(graph_url, **overrides)
        worker = OutboxWorker(sessionmaker, settings, poll_seconds=0.05, clock=transport)
        files: dict[str, FileFetcher] = {}
        dispatcher = Dispatcher(
            sessionmaker, settings, clock=clock or Clock(), on_queued=worker.wake, handoff=worker, files=files
        )
        sink: MessageSink = dispatcher if wrap is None else wrap(dispatcher)
        channel = build_whatsapp(settings, sessionmaker, sink, clock=transport)
        files.update(file_fetchers(settings, [channel]))
        worker.add_sender(channel.sender)
        await channel.start()
        running = asyncio.create_task(worker.run())
        web = WebServer(build_web_app(channel.routes), "127.0.0.1", 0)  # what `pemangku run` serves
        await web.start()
        url = f"http://127.0.0.1:{web.port}"
        async with httpx.AsyncClient() as http:
            try:
                yield WhatsAppWorld(
                    url, http, graph, channel.webhook, worker, sessionmaker, settings, transport
                )
            finally:
                await worker.stop()
                await running
                await channel.stop()
                await web.stop()


@dataclass
class WhatsAppPhone:
    """One person writing to the bot on WhatsApp, through signed webhook bodies."""

    world: WhatsAppWorld
    wa_id: str
    name: str
    seen: int = 0  # how many messages to this number were already read back

    def body(self, fixture_name: str, **message: Any) -> dict[str, Any]:
        """A recorded body made ours: our number, a fresh wamid, the time now, fields replaced."""
        body = self.world.fixture(fixture_name)
        value = body["entry"][0]["changes"][0]["value"]
        value["contacts"] = [{"profile": {"name": self.name}, "wa_id": self.wa_id}]
        raw = value["messages"][0]
        raw.update({"from": self.wa_id, "id": f"wamid.TEST{next(_wamids):08d}"})
        raw.update(message)
        return body

    async def post(self, body: dict[str, Any]) -> list[str]:
        """Post, wait for the answer to be delivered; the new messages to us as readable texts."""
        response = await self.world.post(body)
        assert response.status_code == 200
        await self.world.settle()
        return self.read()

    async def say(self, text: str) -> str:
        """Type a line; the bot's answers as one text."""
        return "\n".join(await self.post(self.body("text", type="text", text={"body": text})))

    async def tap(self, choice_id: str) -> str:
        """Press a reply button or a list row offered in the last answer (by its bare id or its
        marked id); the answers as one text."""
        offered = self._offered()
        choice_id = next((i for i in offered if unstamp(i)[1] == choice_id), choice_id)
        title = offered.get(choice_id)
        assert title is not None, f"{choice_id} was not offered; offered: {self._offered()}"
        kind = "list_reply" if self._last_interactive_type() == "list" else "button_reply"
        interactive = {"type": kind, kind: {"id": choice_id, "title": title}}
        return "\n".join(await self.post(self.body(f"{kind}", type="interactive", interactive=interactive)))

    def read(self) -> list[str]:
        """Messages the bot sent to this number since the last read, as text."""
        sent = self.world.graph.sent_to(self.wa_id)
        new, self.seen = sent[self.seen :], len(sent)
        return [readable(m) for m in new]

    def read_last(self) -> str:
        """The last message the bot sent to this number, as text."""
        return readable(self._last())

    def _last(self) -> dict[str, Any]:
        return self.world.graph.sent_to(self.wa_id)[-1]

    def _last_interactive_type(self) -> str | None:
        last = self._last()
        return str(last["interactive"]["type"]) if last["type"] == "interactive" else None

    def _offered(self) -> dict[str, str]:
        last = self._last()
        if last["type"] != "interactive":
            return {}
        action = last["interactive"]["action"]
        if last["interactive"]["type"] == "button":
            return {b["reply"]["id"]: b["reply"]["title"] for b in action["buttons"]}
        return {r["id"]: r["title"] for s in action["sections"] for r in s["rows"]}


def readable(message: dict[str, Any]) -> str:
    """What a person sees of a sent message: the text, the button/row titles, the template."""
    kind = message["type"]
    if kind == "text":
        return str(message["text"]["body"])
    if kind == "interactive":
        inter = message["interactive"]
        action = inter["action"]
        if inter["type"] == "button":
            titles = [f"[{b['reply']['title']}]" for b in action["buttons"]]
        else:
            titles = [f"[{r['title']}]" for s in action["sections"] for r in s["rows"]]
        return "\n".join([inter["body"]["text"], *titles])
    if kind == "document":
        return f"<document {message['document']['filename']}> {message['document'].get('caption', '')}"
    template = message["template"]
    params = [p["text"] for c in template.get("components", []) for p in c["parameters"]]
    return f"<template {template['name']} {params}>"
