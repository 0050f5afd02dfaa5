"""`pemangku db upgrade`."""

from __future__ import annotations

import typer

from bot.config import get_settings
from bot.db import normalise_url
from models.migrate import upgrade


def register(app: typer.Typer) -> None:
    """Add the `db` group."""
    db = typer.Typer(help="Skema basis data.", no_args_is_help=True)

    @db.command("upgrade")
    def db_upgrade() -> None:
        """Create or upgrade the database schema to the latest revision."""
        upgrade(normalise_url(get_settings().database_url))
        typer.echo("Skema basis data sudah terbaru.")

    app.add_typer(db, name="db")
