"""`pemangku run`: the bot on every configured channel, until Ctrl+C."""

from __future__ import annotations

import typer

from bot.channels.telegram_bot import ConfigurationError
from bot.commands.bahasa import Command
from bot.config import get_settings
from bot.main import SchemaMissing, run
from handlers.texts import operator_words


def register(app: typer.Typer) -> None:
    """Add the `run` command."""

    @app.command("run", cls=Command)
    def run_command() -> None:
        """Jalankan bot (Telegram dan/atau WhatsApp) sampai dihentikan."""
        try:
            run(get_settings())
        except SchemaMissing:
            typer.echo(operator_words.RUN_NO_SCHEMA, err=True)
            raise typer.Exit(2) from None
        except ConfigurationError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
