"""`pemangku db upgrade`: create the schema, or bring it to the newest revision, and say which it did."""

from __future__ import annotations

import asyncio

import typer
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.commands.bahasa import Command, new_group
from bot.config import get_settings
from bot.db import make_engine, normalise_url
from models.migrate import alembic_config, upgrade

CREATED = "Skema basis data dibuat (revisi {head})."
UPGRADED = "Skema basis data diperbarui dari revisi {before} ke {head}."
CURRENT = "Skema basis data sudah terbaru (revisi {head}); tidak ada yang diubah."


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(url: str) -> str | None:
    """The schema's Alembic revision, None for a database without the schema (a new file too)."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_revision)
    finally:
        await engine.dispose()


def upgrade_message(before: str | None, head: str) -> str:
    """What `db upgrade` did, from the revision found before it ran."""
    if before is None:
        return CREATED.format(head=head)
    if before == head:
        return CURRENT.format(head=head)
    return UPGRADED.format(before=before, head=head)


def register(app: typer.Typer) -> None:
    """Add the `db` group."""
    db = new_group("Skema basis data.")

    @db.command("upgrade", cls=Command)
    def db_upgrade() -> None:
        """Buat skema basis data, atau perbarui ke revisi terbaru (SQLite dan PostgreSQL)."""
        url = normalise_url(get_settings().database_url)
        head = ScriptDirectory.from_config(alembic_config(url)).get_current_head() or ""
        before = asyncio.run(current_revision(url))
        upgrade(url)
        typer.echo(upgrade_message(before, head))

    app.add_typer(db, name="db")
