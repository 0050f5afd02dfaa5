"""`pemangku inbound`: webhook bodies waiting for another try or given up (dead), and putting
them back in line. Never shows a body's text (people's messages, NIKs among them); audited."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot import inbound_store
from bot.commands import params
from bot.commands.bahasa import Command
from bot.commands.support import fail
from bot.config import get_settings
from bot.db import make_engine, make_sessionmaker
from handlers.texts import operator_words
from models.audit import record_audit
from models.base import WIB, utcnow
from models.inbound import InboundPayload

LIMIT_MAX = 10_000
T = TypeVar("T")


def register(app: typer.Typer) -> None:
    """Add the `inbound` command."""

    @app.command("inbound", cls=Command)
    def inbound_command(
        retry: Annotated[
            int | None,
            typer.Option(
                "--retry", parser=params.row_id, metavar="ID", help="Proses ulang pesan masuk gagal ini."
            ),
        ] = None,
        retry_dead: Annotated[
            bool, typer.Option("--retry-dead", help="Proses ulang semua pesan masuk gagal.")
        ] = False,
        limit: Annotated[
            int,
            typer.Option(
                "--limit",
                parser=params.count(1, LIMIT_MAX),
                metavar="N",
                help="Paling banyak baris yang ditampilkan.",
            ),
        ] = 100,
    ) -> None:
        """Daftar pesan masuk yang tertunda atau gagal (dead); --retry/--retry-dead memproses ulang."""
        if retry is not None or retry_dead:
            ids = _run(lambda session: _requeue(session, retry))
            if retry is not None and not ids:
                fail(operator_words.INBOUND_NOT_FOUND.format(id=retry))
            typer.echo(operator_words.INBOUND_REQUEUED.format(count=len(ids)))
            return
        rows = _run(lambda session: _problems(session, limit))
        if not rows:
            typer.echo(operator_words.INBOUND_EMPTY)
            return
        Console().print(_table(rows))


def _run(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def go() -> T:
        engine = make_engine(get_settings().database_url)
        try:
            async with make_sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(go())


async def _requeue(session: AsyncSession, payload_id: int | None) -> list[int]:
    now = utcnow()
    ids = await inbound_store.requeue(session, now, payload_id)
    if ids:
        record_audit(
            session,
            actor_member_id=None,
            channel="cli",
            action="inbound.retry",
            entity="inbound_payload",
            entity_id=payload_id,
            after={"ids": ids},
            at=now,
        )
    return ids


async def _problems(session: AsyncSession, limit: int) -> list[InboundPayload]:
    rows = await inbound_store.problem_rows(session, limit)
    if rows:
        record_audit(
            session,
            actor_member_id=None,
            channel="cli",
            action="inbound.list",
            entity="inbound_payload",
            after={"rows": len(rows)},
        )
    return rows


def _wib(at: datetime | None) -> str:
    return "-" if at is None else at.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S")


def _table(rows: list[InboundPayload]) -> Table:
    """ID, status, channel, received (WIB), attempts, next try (WIB), last error; no body text."""
    table = Table("ID", "status", "kanal", "diterima (WIB)", "percobaan", "coba lagi (WIB)", "galat terakhir")
    for row in rows:
        dead = row.dead_at is not None
        table.add_row(
            str(row.id),
            "dead" if dead else "tertunda",
            row.channel,
            _wib(row.created_at),
            str(row.attempts),
            "-" if dead else _wib(row.next_attempt_at or row.created_at),
            row.error or "",
        )
    return table
