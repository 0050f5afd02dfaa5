"""`pemangku outbox`: the messages that are waiting or gave up, and putting them back in line."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot import outbox_store
from bot.commands import params
from bot.commands.bahasa import Command
from bot.commands.support import fail
from bot.config import get_settings
from bot.db import make_engine, make_sessionmaker
from handlers.texts import operator_words
from models.base import WIB, utcnow
from models.outbox import OutboxMessage

LIMIT_MAX = 10_000


def register(app: typer.Typer) -> None:
    """Add the `outbox` command."""

    @app.command("outbox", cls=Command)
    def outbox_command(
        retry: Annotated[
            int | None,
            typer.Option("--retry", parser=params.row_id, metavar="ID", help="Kirim ulang pesan gagal ini."),
        ] = None,
        retry_dead: Annotated[
            bool, typer.Option("--retry-dead", help="Kirim ulang semua pesan gagal.")
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
        """Daftar pesan yang tertunda atau gagal (dead); --retry/--retry-dead mengantrekan ulang."""
        if retry is not None or retry_dead:
            count = asyncio.run(_requeue(retry))
            if retry is not None and count == 0:
                fail(operator_words.OUTBOX_NOT_FOUND.format(id=retry))
            typer.echo(operator_words.OUTBOX_REQUEUED.format(count=count))
            return
        rows = asyncio.run(_problems(limit))
        if not rows:
            typer.echo(operator_words.OUTBOX_EMPTY)
            return
        Console().print(_table(rows))


async def _requeue(row_id: int | None) -> int:
    engine = make_engine(get_settings().database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            return await outbox_store.requeue(session, utcnow(), row_id)
    finally:
        await engine.dispose()


async def _problems(limit: int) -> list[OutboxMessage]:
    engine = make_engine(get_settings().database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await outbox_store.problem_rows(session, limit)
    finally:
        await engine.dispose()


def _table(rows: list[OutboxMessage]) -> Table:
    """ID, status, channel, address, attempts, next try (WIB), last error; no message text (privacy)."""
    table = Table("ID", "status", "kanal", "alamat", "percobaan", "coba lagi (WIB)", "galat terakhir")
    for row in rows:
        next_try = row.next_attempt_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(
            str(row.id),
            row.status,
            row.channel,
            row.address,
            str(row.attempts),
            next_try if row.status == "pending" else "-",
            row.last_error or "",
        )
    return table
