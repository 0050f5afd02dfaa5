"""`pemangku run`: wires settings, database, dispatcher, outbox worker, channels and web server.

Channels are pluggable: `configured_channels` returns a runtime per configured platform; each
brings its outbox sender, its HTTP routes, and start/stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import uvloop
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.routing import BaseRoute

from bot.channels.base import ChannelSender, MessageSink
from bot.channels.telegram_bot import TelegramChannel
from bot.channels.whatsapp_media import WhatsAppMedia
from bot.channels.whatsapp_webhook import REQUIRED_SETTINGS, build_whatsapp, whatsapp_missing
from bot.commands.jobs import schedule_from_settings
from bot.config import Settings
from bot.db import make_engine, make_sessionmaker, normalise_url
from bot.dispatcher import Dispatcher
from bot.messages import FileFetcher
from bot.metrics import PASS_RUNS, CountingSink, ops_routes
from bot.outbox import OutboxWorker
from bot.roles import Roles
from bot.web import WebServer, build_web_app
from bot.web.dashboard import dashboard_routes, web_context
from handlers.texts import operator_words
from jobs.context import JobContext
from jobs.scheduler import start_scheduler
from models.migrate import alembic_config

logger = logging.getLogger(__name__)
T = TypeVar("T")

Stop = Callable[[], Awaitable[None]]


class ChannelRuntime(Protocol):
    """What a channel brings to `pemangku run`."""

    @property
    def name(self) -> str: ...

    @property
    def sender(self) -> ChannelSender: ...

    @property
    def routes(self) -> list[BaseRoute]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class SchemaMissing(Exception):
    """The database has no schema, or an older one."""


def configured_channels(
    settings: Settings, sink: MessageSink, sessionmaker: async_sessionmaker[AsyncSession]
) -> list[ChannelRuntime]:
    """A runtime for every channel whose settings are present."""
    channels: list[ChannelRuntime] = []
    if settings.telegram_token is not None:  # polling starts when this process holds the poller role
        channels.append(TelegramChannel(settings, sink, poll_on_start=False, sessionmaker=sessionmaker))
    missing = whatsapp_missing(settings)
    if not missing:
        channels.append(build_whatsapp(settings, sessionmaker, sink))
    elif len(missing) < len(REQUIRED_SETTINGS):  # partly configured: say what is left
        logger.warning("WhatsApp not started, missing: %s", ", ".join(missing))
    return channels


def file_fetchers(settings: Settings, channels: list[ChannelRuntime]) -> dict[str, FileFetcher]:
    """Each channel's downloader of the files people send (beneficiary lists from staff)."""
    found: dict[str, FileFetcher] = {}
    for channel in channels:
        if isinstance(channel, TelegramChannel):
            found[channel.name] = channel.files
        elif channel.name == "whatsapp":
            found[channel.name] = WhatsAppMedia.from_settings(settings)
    return found


async def _start_jobs(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, on_queued: Callable[[], None]
) -> Stop | None:
    """Start the scheduled jobs (jobs/scheduler.py); returns how to stop them."""
    context = JobContext(sessionmaker, schedule_from_settings(settings))
    scheduler = start_scheduler(context, on_done=on_queued, on_run=lambda name: PASS_RUNS.labels(name).inc())

    async def stop() -> None:
        scheduler.shutdown(wait=False)

    return stop


async def check_schema(engine: AsyncEngine) -> None:
    """Refuse to run on a database that `pemangku db upgrade` has not brought to the head."""
    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    try:
        async with engine.connect() as conn:
            current = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError as exc:
        raise SchemaMissing from exc
    if current != head:
        raise SchemaMissing


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Run every configured part until `stop` is set; stops them in reverse order."""
    url = normalise_url(settings.database_url)
    pool = {"pool_size": settings.database_pool_size, "max_overflow": settings.database_max_overflow}
    engine = make_engine(url, **({} if url.startswith("sqlite") else pool))
    try:
        await check_schema(engine)
        sessionmaker = make_sessionmaker(engine)
        worker = OutboxWorker(sessionmaker, settings)
        roles = Roles(settings.database_url, on_announced=worker.wake)

        def queued() -> None:  # wake this process's worker, and the lane holders elsewhere
            worker.wake()
            roles.announce()

        files: dict[str, FileFetcher] = {}
        dispatcher = Dispatcher(sessionmaker, settings, on_queued=queued, handoff=worker, files=files)
        channels = configured_channels(settings, CountingSink(dispatcher), sessionmaker)
        files.update(file_fetchers(settings, channels))
        if not channels:
            logger.warning(operator_words.RUN_NO_CHANNEL)  # the dashboard is served all the same
        async with contextlib.AsyncExitStack() as stack:
            await _start_all(stack, Runtime(settings, sessionmaker, worker, roles, queued), channels)
            names = ", ".join([c.name for c in channels] + ["dasbor"])
            logger.info(operator_words.RUN_STARTED.format(channels=names))
            keep_startup_out_of_gc()
            await stop.wait()
    finally:
        await engine.dispose()


def keep_startup_out_of_gc() -> None:
    """What startup built (modules, tables, compiled statements: ~150,000 objects) lives as long as
    the process: out of the collector's full passes, which took 100-200 ms each (a reply waiting
    as long), a pass now looks only at what the turns made."""
    gc.collect()
    gc.freeze()


@dataclass(frozen=True)
class Runtime:
    """The parts of one `pemangku run` process that the channels are wired to."""

    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    worker: OutboxWorker
    roles: Roles
    queued: Callable[[], None]


async def _start_all(stack: contextlib.AsyncExitStack, run: Runtime, channels: list[ChannelRuntime]) -> None:
    """Web server first (webhooks must answer once registered; the dashboard), then channels,
    worker, roles, jobs.

    The exit stack stops them in reverse: roles are given up first (another process takes the
    lanes and the poller), and the worker finishes its sends in flight while the channels' HTTP
    clients are still open."""
    _want_roles(run, channels)
    routes: list[BaseRoute] = [*ops_routes(run.sessionmaker, lambda: run.roles.held, run.roles.wanted)]
    routes += [route for c in channels for route in c.routes]
    routes += dashboard_routes(web_context(run.settings, run.sessionmaker))
    web = WebServer(build_web_app(routes), run.settings.http_host, run.settings.http_port)
    await web.start()  # always: the dashboard is served even without a chat channel
    stack.push_async_callback(web.stop)
    for channel in channels:
        await channel.start()
        stack.push_async_callback(channel.stop)
    task = asyncio.create_task(run.worker.run())
    stack.push_async_callback(_stop_worker, run.worker, task)
    await run.roles.start()
    stack.push_async_callback(run.roles.stop)
    stop_jobs = await _start_jobs(run.sessionmaker, run.settings, run.queued)
    if stop_jobs is not None:
        stack.push_async_callback(stop_jobs)


def _want_roles(run: Runtime, channels: list[ChannelRuntime]) -> None:
    """One sender lane per channel (held by one process at a time), and the Telegram poller."""
    for channel in channels:
        run.worker.add_sender(channel.sender, held=False)
        name = channel.name
        run.roles.want(
            f"lane:{name}", functools.partial(run.worker.hold, name), functools.partial(run.worker.drop, name)
        )
        if isinstance(channel, TelegramChannel) and channel.polls and run.settings.telegram_poller:
            run.roles.want("telegram-poller", channel.start_polling, channel.stop_polling)


async def _stop_worker(worker: OutboxWorker, task: asyncio.Task[None]) -> None:
    await worker.stop()
    await task


def run(settings: Settings) -> None:
    """The `pemangku run` process: serve until SIGINT or SIGTERM.

    Raises SchemaMissing or ConfigurationError (its message says what to set)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop)

    run_loop(main())


def run_loop(work: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop (libuv): the event loop's own cost per request and per query is a good part
    of a webhook's CPU, and uvloop's is a fraction of asyncio's."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(work)
