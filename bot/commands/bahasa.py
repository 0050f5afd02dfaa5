"""Operator help in one language: the words typer prints around our own help texts, in Indonesian.

Our help texts (docstrings, help=) are written in Indonesian; this module translates what the CLI
library adds: panel titles, [required], [default: ...], the usage line and the --help option. Every
command and group is made with the classes below (`cls=`); tests/bot/test_cli.py reads every --help.
"""

from __future__ import annotations

from typing import Any

import typer
from typer import rich_utils
from typer.core import TyperCommand, TyperGroup

USAGE = "Cara pakai: "
HELP_OPTION = "Tampilkan bantuan ini lalu keluar."
USAGE_WORDS = {"[OPTIONS]": "[PILIHAN]", "COMMAND [ARGS]...": "PERINTAH [ARGUMEN]..."}

rich_utils.OPTIONS_PANEL_TITLE = "Pilihan"
rich_utils.ARGUMENTS_PANEL_TITLE = "Argumen"
rich_utils.COMMANDS_PANEL_TITLE = "Perintah"
rich_utils.REQUIRED_LONG_STRING = "[wajib]"
rich_utils.DEFAULT_STRING = "[bawaan: {}]"
rich_utils.ENVVAR_STRING = "[variabel lingkungan: {}]"
rich_utils.DEPRECATED_STRING = "(usang) "


class _Indonesian:
    """The usage line and the --help option in Indonesian (mixed into typer's command classes)."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        """'Cara pakai: pemangku recap [OPTIONS]'."""
        pieces = " ".join(self.collect_usage_pieces(ctx))  # type: ignore[attr-defined]
        for english, indonesian in USAGE_WORDS.items():
            pieces = pieces.replace(english, indonesian)
        formatter.write_usage(ctx.command_path, pieces, prefix=USAGE)

    def get_help_option(self, ctx: Any) -> Any:
        """The --help option, with its help in Indonesian."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option


class Command(_Indonesian, TyperCommand):
    """A command whose help is all Indonesian."""


class Group(_Indonesian, TyperGroup):
    """A command group whose help is all Indonesian."""


def new_group(help_text: str) -> typer.Typer:
    """A sub-command group (e.g. `db`, `units`) with Indonesian help."""
    return typer.Typer(help=help_text, no_args_is_help=True, cls=Group, add_completion=False)
