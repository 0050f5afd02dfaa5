"""The `pemangku` command line (also `python -m bot`). Each command group lives in bot/commands/.

`Root.main` is the one error boundary of the CLI: a bad argument, option or file (a refusal from
bot/commands/params.py or an OperatorError) ends as one line on stderr and exit code 2, with no
traceback; the refusal happens before anything is written.
"""

from __future__ import annotations

import importlib
import socket
import sys
from collections.abc import Sequence
from typing import Any

import typer
from rich.console import Console
from rich.text import Text
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError

from bot.commands.bahasa import Group
from bot.commands.support import OperatorError
from bot.logs import configure_logging

# Each module exposes `register(app)`; add a line here when you add a command module.
COMMAND_MODULES = [
    "bot.commands.database",
    "bot.commands.run",
    "bot.commands.outbox",
    "bot.commands.inbound",
    "bot.commands.regions",
    "bot.commands.units",
    "bot.commands.baseline",
    "bot.commands.recap",
    "bot.commands.annual",
    "bot.commands.export",
    "bot.commands.demo",
    "bot.commands.invite",
    "bot.commands.invites",
    "bot.commands.jobs",
    "bot.commands.chat",
    "bot.commands.dashboard",
    "bot.commands.daftar",
]
USAGE_ERROR = 2
# A database that cannot be reached or has no schema yet: a setup problem, said in one line (the
# error's text is never printed: it may carry SQL parameters, NIKs among them).
DATABASE_UNAVAILABLE = (OperationalError, ProgrammingError, InterfaceError, ConnectionError, socket.gaierror)
DATABASE_WORDS = (
    "basis data tidak bisa dipakai ({kind}); periksa PEMANGKU_DATABASE_URL, dan buat skemanya dengan "
    "'pemangku db upgrade'"
)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def _is(exc: BaseException, name: str) -> bool:
    # click's exception classes, found by name: typer vendors click in recent versions
    return any(cls.__name__ == name for cls in type(exc).__mro__)


def one_line(exc: Exception) -> str:
    """A usage error of the CLI library or a refusal of ours, in one Indonesian line."""
    if isinstance(exc, OperatorError) and exc.param is None:
        return exc.message
    hint = getattr(exc, "param_hint", None) or _param_hint(exc)
    if _is(exc, "MissingParameter"):
        return f"{hint} wajib diisi"
    if _is(exc, "NoSuchOption"):
        return f"pilihan {getattr(exc, 'option_name', '')} tidak dikenal"
    if _is(exc, "BadOptionUsage"):
        return f"pilihan {getattr(exc, 'option_name', '')} perlu nilai"
    if isinstance(exc, typer.BadParameter):
        return f"{hint}: {exc.message}" if hint else exc.message
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "pemangku"
    return f"perintah tidak tepat; lihat '{path} --help'"


def _kind(exc: Exception) -> str:
    return type(getattr(exc, "orig", None) or exc).__name__


def _param_hint(exc: Exception) -> str:
    param = getattr(exc, "param", None)
    if param is None:
        return ""
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    return opts[0] if opts else str(getattr(param, "name", "")).upper()


class Root(Group):
    """The `pemangku` group; its `main` turns every usage error or refusal into one line and exit 2."""

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        """Run the command line; exits (or returns the code when standalone_mode=False)."""
        standalone = extra.pop("standalone_mode", True)
        try:
            code = super().main(args, prog_name, standalone_mode=False, **extra)
        except typer.Abort:
            err.print("Dibatalkan.")
            code = 1
        except DATABASE_UNAVAILABLE as exc:
            err.print(Text.assemble(("Gagal", "bold red"), f": {DATABASE_WORDS.format(kind=_kind(exc))}"))
            code = 1
        except Exception as exc:
            if not _is(exc, "UsageError"):
                raise
            code = USAGE_ERROR
            if not _is(exc, "NoArgsIsHelpError"):  # typer printed the help already
                err.print(Text.assemble(("Ditolak", "bold red"), f": {one_line(exc)}"))
                for detail in getattr(exc, "details", []):
                    err.print(f"  {detail}", markup=False)
        if not standalone:
            return code
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    help="pemangku-bot: laporan kependudukan bulanan pemangku.",
    no_args_is_help=True,
    cls=Root,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # a traceback of a real bug never prints NIKs from locals
)


def _register_all() -> None:
    """Register every command module on `app` (once)."""
    if app.registered_commands or app.registered_groups:
        return
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


def main() -> None:
    """Entry point of the console script."""
    configure_logging()
    _register_all()
    app()
