"""The process's health and Prometheus metrics: GET /healthz and GET /metrics.

Counters are per process (Prometheus sums them over the processes it scrapes); the outbox queue is
read from the database at each scrape, so every process reports the same shared queue.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.base import MessageSink
from bot.messages import IncomingMessage, OutgoingMessage
from models.outbox import OutboxStatus, queue_counts

INBOUND = Counter("pemangku_inbound", "Incoming messages handed to the dispatcher", ["channel"])
PROCESSED = Counter("pemangku_processed", "Incoming messages whose turn was committed", ["channel"])
SENT = Counter("pemangku_outbox_sent", "Messages the platform took (rate() is the send rate)", ["channel"])
PASS_RUNS = Counter("pemangku_pass_runs", "Scheduled pass runs in this process", ["name"])
QUEUE = Gauge("pemangku_outbox", "Outbox rows waiting or given up, per channel", ["channel", "status"])
HELD = Gauge("pemangku_role_held", "1 when this process holds the role (a lane or the poller)", ["role"])

Held = Callable[[], list[str]]


class CountingSink:
    """A MessageSink that counts what goes through it (inbound, then processed)."""

    def __init__(self, sink: MessageSink) -> None:
        self._sink = sink

    async def dispatch(self, message: IncomingMessage) -> list[OutgoingMessage]:
        """Count, hand on, count again once the turn is done."""
        INBOUND.labels(message.channel).inc()
        replies = await self._sink.dispatch(message)
        PROCESSED.labels(message.channel).inc()
        return replies


def ops_routes(sessionmaker: async_sessionmaker[AsyncSession], held: Held, wanted: list[str]) -> list[Route]:
    """/healthz (the database, and which roles this process holds) and /metrics."""

    async def healthz(_request: Request) -> JSONResponse:
        database = await _database_ok(sessionmaker)
        roles = held()
        body = {
            "status": "ok" if database else "error",
            "database": "ok" if database else "unreachable",
            "pid": os.getpid(),
            "lanes": sorted(r.removeprefix("lane:") for r in roles if r.startswith("lane:")),
            "poller": "telegram-poller" in roles,
        }
        return JSONResponse(body, status_code=200 if database else 503)

    async def metrics(_request: Request) -> Response:
        roles = set(held())
        for role in wanted:
            HELD.labels(role).set(1 if role in roles else 0)
        async with sessionmaker() as session:
            counts = await queue_counts(session)
        for channel in {c for c, _ in counts} | {
            r.removeprefix("lane:") for r in wanted if r.startswith("lane:")
        }:
            for status in (OutboxStatus.PENDING, OutboxStatus.DEAD):
                QUEUE.labels(channel, status.value).set(counts.get((channel, status), 0))
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return [Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics, methods=["GET"])]


async def _database_ok(sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
    try:
        async with sessionmaker() as session:
            await session.execute(text("SELECT 1"))
    except Exception:  # any failure means "not serving"; the reason is in the database's log
        return False
    return True
