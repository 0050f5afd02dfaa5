"""One failing chat silences nobody: the fake Graph API fails every send to one number (HTTP 500,
then no answer at all) while that number holds 1,000 queued messages and keeps writing; every
other person's reply still leaves within 2 s of their message. Real HTTP both ways."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.channels.whatsapp import WhatsAppClient, WhatsAppSender
from bot.channels.whatsapp_webhook import build_whatsapp
from bot.dispatcher import Dispatcher
from bot.messages import OutgoingMessage
from bot.outbox import OutboxWorker
from models.base import utcnow
from models.outbox import enqueue
from tests.bot.whatsapp.harness import TEMPLATES, WhatsAppPhone, WhatsAppWorld, settings_for
from tests.fakes.graph_api import PHONE_NUMBER_ID, TOKEN, FakeGraphApi, error, serve

FAILING = "6289900000001"
HEALTHY = [f"62812000000{n:02d}" for n in range(3)]
CLIENT_TIMEOUT = 0.3  # the sender gives up on an unanswered request after this long
BOUND = 5.0  # s to a reply; a reply queued behind the failing chat waits its retries (≥ 10 s); room for load


class FailingForOne(FakeGraphApi):
    """The fake Graph API, broken for one number: HTTP 500, then it never answers in time."""

    def __init__(self) -> None:
        super().__init__(templates=dict(TEMPLATES))
        self.tries = 0
        self.received: dict[str, list[float]] = defaultdict(list)
        self.arrived = asyncio.Event()

    def app(self) -> Starlette:
        plain = self._messages

        async def messages(request: Request) -> JSONResponse:
            body = await request.json()
            if body.get("to") == FAILING:
                self.tries += 1
                if self.tries > 1:
                    await asyncio.sleep(CLIENT_TIMEOUT * 3)  # a timeout, as the sender sees it
                return error(1)
            answer = await plain(request)
            if answer.status_code == 200 and "to" in body:
                self.received[body["to"]].append(time.monotonic())
                self.arrived.set()
            return answer

        self._messages = messages  # type: ignore[method-assign]
        return super().app()


async def _flood(sessionmaker: async_sessionmaker[AsyncSession], count: int) -> None:
    async with sessionmaker() as session, session.begin():
        for n in range(count):
            payload = OutgoingMessage(text=f"Pemberitahuan {n}").to_payload()
            enqueue(session, channel="whatsapp", address=FAILING, payload=payload)


async def _talk(phone: WhatsAppPhone, graph: FailingForOne, lines: int) -> list[float]:
    """A person typing, waiting for each answer: seconds from each message to its reply's arrival.
    They go on past `lines` until the failing number has had its 500 and its timeout, so the
    answers measured are the ones given while that chat was failing."""
    delays: list[float] = []
    for n in range(lines * 10):
        if n >= lines and graph.tries >= 2:
            break
        before = len(graph.received[phone.wa_id])
        posted = time.monotonic()
        await phone.world.post(phone.body("text", type="text", text={"body": f"halo {n}"}))
        async with asyncio.timeout(10):
            while len(graph.received[phone.wa_id]) == before:
                graph.arrived.clear()
                await graph.arrived.wait()
        delays.append(graph.received[phone.wa_id][before] - posted)
        await asyncio.sleep(0.2)
    return delays


async def test_one_failing_chat_with_1000_messages_delays_no_other_reply(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _flood(sessionmaker, 1000)
    graph = FailingForOne()
    async with serve(graph.app()) as graph_url:
        settings = settings_for(graph_url, whatsapp_rate_per_second=80.0)
        worker = OutboxWorker(sessionmaker, settings, poll_seconds=1.0)
        dispatcher = Dispatcher(sessionmaker, settings, on_queued=worker.wake, handoff=worker)
        channel = build_whatsapp(settings, sessionmaker, dispatcher)
        client = WhatsAppClient(
            base_url=graph_url,
            api_version=settings.whatsapp_api_version,
            token=TOKEN,
            phone_number_id=PHONE_NUMBER_ID,
            timeout=CLIENT_TIMEOUT,
        )
        worker.add_sender(WhatsAppSender(client, template_language="id"))
        await channel.start()
        running = asyncio.create_task(worker.run())
        async with serve(Starlette(routes=channel.routes)) as url, httpx.AsyncClient() as http:
            world = WhatsAppWorld(url, http, graph, channel.webhook, worker, sessionmaker, settings, utcnow)
            try:
                failing = world.phone(FAILING, "Gagal")
                noise = asyncio.create_task(_talk_on(failing, 10))
                delays = await asyncio.gather(*(_talk(world.phone(n, f"P{n}"), graph, 10) for n in HEALTHY))
                await noise
            finally:
                await worker.stop()
                await running
                await channel.stop()
                await client.aclose()
    assert graph.tries >= 2  # the failing number was tried: a 500, then a timeout
    assert not graph.received[FAILING]
    slowest = max(max(d) for d in delays)
    assert slowest < BOUND, f"a healthy reply took {slowest:.2f} s"


async def _talk_on(phone: WhatsAppPhone, lines: int) -> None:
    """The failing number keeps writing (its replies fail too)."""
    for n in range(lines):
        await phone.world.post(phone.body("text", type="text", text={"body": f"tolong {n}"}))
        await asyncio.sleep(0.1)
