"""The `pemangku` command line (also `python -m bot`). Each command group lives in bot/commands/."""

from __future__ import annotations

import importlib
import logging

import typer

app = typer.Typer(help="pemangku-bot: laporan kependudukan bulanan pemangku.", no_args_is_help=True)

# Each module exposes `register(app)`; add a line here when you add a command module.
COMMAND_MODULES = [
    "bot.commands.database",
    "bot.commands.run",
    "bot.commands.outbox",
    "bot.commands.regions",
    "bot.commands.units",
    "bot.commands.baseline",
    "bot.commands.recap",
    "bot.commands.export",
    "bot.commands.demo",
    "bot.commands.invite",
    "bot.commands.jobs",
    "bot.commands.chat",
]


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


def main() -> None:
    """Entry point of the console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Bot API URLs carry the token
    logging.getLogger("alembic").setLevel(logging.WARNING)  # migration chatter is not for operators
    _register_all()
    app()
