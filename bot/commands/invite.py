"""`pemangku invite --role pemangku|staff|camat|kabupaten --unit|--pekon|--kecamatan|--kabupaten KODE
[--name NAME]`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

import typer
from babel.dates import format_datetime
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import params
from bot.commands.bahasa import Command
from bot.commands.support import fail, run
from bot.config import get_settings
from models.base import WIB
from models.invites import NAME_MAX, InviteError, create_invite, format_code
from models.person import Role
from models.region import Unit

SCOPE_OPTION = {
    Role.PEMANGKU: "--unit",
    Role.STAFF: "--pekon",
    Role.CAMAT: "--kecamatan",
    Role.KABUPATEN: "--kabupaten",
}


class InviteRole(StrEnum):
    """The roles invited from the command line (admins are not)."""

    PEMANGKU = Role.PEMANGKU.value
    STAFF = Role.STAFF.value
    CAMAT = Role.CAMAT.value
    KABUPATEN = Role.KABUPATEN.value


@dataclass(frozen=True)
class Scope:
    """The one scope code given on the command line, by option name."""

    unit: str | None
    pekon: str | None
    kecamatan: str | None
    kabupaten: str | None = None

    def given(self) -> dict[str, str]:
        """The options that were given, e.g. {'--unit': '18.04.15.2004-01'}."""
        pairs = {
            "--unit": self.unit,
            "--pekon": self.pekon,
            "--kecamatan": self.kecamatan,
            "--kabupaten": self.kabupaten,
        }
        return {option: value.strip() for option, value in pairs.items() if value}


@dataclass(frozen=True)
class Created:
    """A new invite as the operator sees it."""

    code: str
    expires_at: datetime


async def make_invite(
    session: AsyncSession, role: Role, kode: str, name: str | None, ttl: timedelta
) -> Created:
    """Create an invite for the role and its scope code; raises InviteError('scope') for unknown codes."""
    unit_id = None
    if role == Role.PEMANGKU:
        unit_id = await session.scalar(select(Unit.id).where(Unit.kode == kode))
        if unit_id is None:
            raise InviteError("scope")
    invite = await create_invite(
        session,
        role,
        unit_id=unit_id,
        pekon_kode=kode if role == Role.STAFF else None,
        kecamatan_kode=kode if role == Role.CAMAT else None,
        kabupaten_kode=kode if role == Role.KABUPATEN else None,
        name=name,
        ttl=ttl,
    )
    return Created(invite.code, invite.expires_at)


def instructions(code: str, bot_username: str | None) -> list[str]:
    """How the invited person registers, per channel."""
    lines = []
    if bot_username:
        lines.append(f"Telegram: buka https://t.me/{bot_username.lstrip('@')}?start={code}")
    lines.append(f"WhatsApp atau konsol: kirim pesan  DAFTAR {format_code(code)}")
    return lines


def register(app: typer.Typer) -> None:
    """Add the `invite` command."""

    @app.command("invite", cls=Command)
    def invite(
        invited: Annotated[
            InviteRole,
            typer.Option(
                "--role", parser=params.choice(InviteRole), metavar="pemangku|staff|camat|kabupaten"
            ),
        ],
        unit: Annotated[
            str | None, typer.Option("--unit", help="Kode unit (pemangku)", metavar="KODE")
        ] = None,
        pekon: Annotated[
            str | None, typer.Option("--pekon", help="Kode pekon (staff)", metavar="KODE")
        ] = None,
        kecamatan: Annotated[
            str | None, typer.Option("--kecamatan", help="Kode kecamatan (camat)", metavar="KODE")
        ] = None,
        kabupaten: Annotated[
            str | None, typer.Option("--kabupaten", help="Kode kabupaten, mis. 18.04", metavar="KODE")
        ] = None,
        name: Annotated[
            str | None,
            typer.Option(
                "--name",
                help=f"Nama orang yang diundang (paling panjang {NAME_MAX} huruf)",
                metavar="NAMA",
                parser=params.text(NAME_MAX),
            ),
        ] = None,
    ) -> None:
        """Buat kode undangan sekali pakai dan cetak cara memakainya."""
        role = Role(invited.value)
        given = Scope(unit, pekon, kecamatan, kabupaten).given()
        if list(given) != [SCOPE_OPTION[role]]:
            fail(f"peran {role} memerlukan tepat satu pilihan {SCOPE_OPTION[role]} KODE")
        kode = given[SCOPE_OPTION[role]]
        settings = get_settings()

        async def work(session: AsyncSession) -> Created:
            return await make_invite(session, role, kode, name, timedelta(days=settings.invite_ttl_days))

        try:
            created = run(work)
        except InviteError:
            fail(f"{SCOPE_OPTION[role].lstrip('-')} {kode} belum terdaftar")
        until = format_datetime(created.expires_at.astimezone(WIB), "d MMMM y HH:mm", locale="id")
        typer.echo(
            f"Kode undangan: {format_code(created.code)}  (peran {role}, {kode}, berlaku sampai {until} WIB)"
        )
        for line in instructions(created.code, settings.telegram_bot_username):
            typer.echo(line)
