"""The `pemangku` command line (also `python -m bot`). Each command group lives in bot/commands/."""

from __future__ import annotations

import importlib

import typer

from bot.logs import configure_logging

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
    configure_logging()
    _register_all()
    app()
