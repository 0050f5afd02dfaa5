"""`pemangku chat --as WHO`: talk to the bot in the terminal, on the configured database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Annotated

import typer

from bot.channels.console import converse
from bot.commands import params
from bot.commands.bahasa import Command
from bot.config import get_settings
from bot.db import make_engine, make_sessionmaker, normalise_url
from models.migrate import upgrade
from models.person import Identity

ADDRESS_MAX: int = Identity.__table__.c.address.type.length  # type: ignore[attr-defined]

INTRO = (
    "Obrolan konsol sebagai '{who}'. Ketik seperti di Telegram/WhatsApp; pilihan dijawab dengan "
    "nomor atau katanya. Ketik KELUAR (atau Ctrl+D) untuk berhenti."
)


async def _typed() -> AsyncIterator[str]:
    while True:
        try:
            yield await asyncio.to_thread(input, "> ")
        except EOFError:
            return


async def _given(lines: Sequence[str]) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def chat(who: str, lines: Sequence[str]) -> None:
    """Run one console conversation: the given lines, or typed ones when none are given."""
    settings = get_settings()
    engine = make_engine(normalise_url(settings.database_url))
    try:
        source = _given(lines) if lines else _typed()
        await converse(make_sessionmaker(engine), settings, who, source, typer.echo, echo=bool(lines))
    finally:
        await engine.dispose()


def register(app: typer.Typer) -> None:
    """Add the `chat` command."""

    @app.command("chat", cls=Command)
    def chat_command(
        who: Annotated[
            str,
            typer.Option(
                "--as",
                help="Alamat konsol orang yang berbicara, mis. slamet.",
                metavar="ALAMAT",
                parser=params.text(ADDRESS_MAX),
            ),
        ],
        line: Annotated[
            list[str] | None,
            typer.Option(
                "--line", "-l", help="Kirim baris ini (boleh berulang), lalu selesai.", metavar="TEKS"
            ),
        ] = None,
    ) -> None:
        """Mengobrol dengan bot di terminal sebagai ALAMAT (pilihan berupa baris bernomor)."""
        upgrade(normalise_url(get_settings().database_url))
        if not line:
            typer.echo(INTRO.format(who=who))
        asyncio.run(chat(who, line or []))
