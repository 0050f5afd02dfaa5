"""`pemangku invites [--pekon KODE | --code KODE]`: the invites and why a code can no longer be used.

A sender who types an unusable code always gets the same answer; this listing is where staff see
whether it was used (by whom, when), expired, or never existed. Viewing it is audited (it names people).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import params
from bot.commands.bahasa import Command
from bot.commands.support import fail, run
from models.audit import record_audit
from models.base import WIB, utcnow
from models.invites import InviteView, format_code, list_invites, normalise_code
from models.region import Pekon

STATE = {"open": "berlaku", "used": "sudah dipakai", "expired": "kedaluwarsa"}
NOT_FOUND = "kode {code} tidak pernah dibuat (kode yang tidak dikenal, mungkin salah ketik atau tebakan)"


def _wib(at: datetime | None) -> str:
    return at.astimezone(WIB).strftime("%Y-%m-%d %H:%M") if at else "-"


def _table(views: list[InviteView]) -> Table:
    """Code, role, scope, name, state and the detail of the state (WIB)."""
    table = Table("kode", "peran", "wilayah/unit", "nama", "status", "keterangan (WIB)")
    for view in views:
        if view.state == "used":
            detail = f"dipakai {_wib(view.used_at)} oleh {view.used_by or '-'}"
        else:
            detail = f"berlaku sampai {_wib(view.expires_at)}"
        table.add_row(
            format_code(view.code), view.role, view.scope, view.name or "-", STATE[view.state], detail
        )
    return table


def register(app: typer.Typer) -> None:
    """Add the `invites` command."""

    @app.command("invites", cls=Command)
    def invites(
        pekon: Annotated[
            str | None, typer.Option("--pekon", help="Hanya undangan pekon ini", metavar="KODE")
        ] = None,
        code: Annotated[
            str | None,
            typer.Option(
                "--code", help="Satu kode undangan, mis. ABCD-EFGH", metavar="KODE", parser=params.text(20)
            ),
        ] = None,
    ) -> None:
        """Daftar undangan dengan statusnya: berlaku, sudah dipakai (oleh siapa), atau kedaluwarsa."""

        async def work(session: AsyncSession) -> list[InviteView]:
            if pekon is not None and await session.get(Pekon, pekon) is None:
                fail(f"pekon {pekon} belum terdaftar")
            found = await list_invites(session, utcnow(), pekon_kode=pekon, code=code)
            if found:
                record_audit(
                    session,
                    actor_member_id=None,
                    channel="cli",
                    action="invite.list",
                    entity="pekon" if pekon else "invite",
                    entity_id=pekon or (found[0].code if code else None),
                    after={"rows": len(found)},
                )
            return found

        views = run(work)
        if not views and code is not None:
            typer.echo(NOT_FOUND.format(code=format_code(normalise_code(code))))
            return
        if not views:
            typer.echo("Belum ada undangan.")
            return
        Console().print(_table(views))
