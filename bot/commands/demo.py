"""`pemangku demo`: a fresh demo database with Pekon Trimulyo and a month of reports, then its B.3."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import typer
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.bahasa import Command
from bot.commands.dashboard import demo_links
from bot.commands.recap import load_recap, render_text
from bot.commands.support import fail, in_transaction
from bot.config import get_settings, public_base
from bot.db import make_engine, make_sessionmaker, normalise_url
from bot.demo import DEMO_PEKON, DemoWorld, build_demo
from bot.demo_chat import demo_transcript
from bot.demo_routine import DEMO_OUTPUT, print_routine
from models.base import utcnow, wib_date
from models.migrate import upgrade
from models.region import Pekon

CHAT_TITLE = (
    "--- Obrolan konsol: pemangku baru mendaftar lalu melapor kelahiran (pemangku chat --as rini) ---"
)


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def _only_demo_data(path: Path) -> bool:
    """True when the SQLite file holds no pekon but the demo one (or no schema yet)."""
    with sqlite3.connect(path) as conn:
        try:
            kodes = {row[0] for row in conn.execute("SELECT kode FROM pekon")}
        except sqlite3.OperationalError:  # no schema: nothing to lose
            return True
    return kodes <= {DEMO_PEKON}


def reset_sqlite(path: Path) -> str:
    """Delete an earlier demo database file so the demo starts fresh; refuses a file with other data."""
    if not path.exists():
        return f"Basis data demo baru: {path}"
    if not _only_demo_data(path):
        fail(f"{path} berisi data selain demo; jalankan demo dengan PEMANGKU_DATABASE_URL lain")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"Basis data demo dibuat ulang dari awal (berkas lama dihapus): {path}"


async def _has_pekon(url: str) -> bool:
    async def count(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(Pekon)) or 0)

    return await in_transaction(count, url) > 0


async def seed_and_recap(url: str) -> tuple[DemoWorld, str]:
    """Build the demo world in the database at `url` and render the sample month's B.3."""
    engine = make_engine(url)
    try:
        sessionmaker = make_sessionmaker(engine)
        world = await build_demo(sessionmaker, wib_date(utcnow()), get_settings().deadline_day)
        async with sessionmaker() as session:
            recap = await load_recap(session, DEMO_PEKON, world.period)
        assert recap is not None
        return world, render_text(recap)
    finally:
        await engine.dispose()


async def console_demo(url: str, world: DemoWorld) -> str:
    """A registration and a birth report through the console channel, as a printed transcript."""
    engine = make_engine(url)
    printed: list[str] = [CHAT_TITLE]
    try:
        unit = world.units[-1].kode  # the unit that has not reported yet
        await demo_transcript(make_sessionmaker(engine), get_settings(), unit, printed.append)
    finally:
        await engine.dispose()
    return "\n".join(printed)


def register(app: typer.Typer) -> None:
    """Add the `demo` command."""

    @app.command("demo", cls=Command)
    def demo() -> None:
        """Buat demo (Pekon Trimulyo, empat pemangku, sebulan laporan) lalu cetak B.3-nya."""
        url = normalise_url(get_settings().database_url)
        path = _sqlite_path(url)
        note = reset_sqlite(path) if path else f"Basis data demo: {make_url(url).render_as_string()}"
        upgrade(url)
        if path is None and asyncio.run(_has_pekon(url)):
            fail("basis data ini sudah berisi wilayah; demo hanya dijalankan di basis data kosong")
        world, text = asyncio.run(seed_and_recap(url))
        chat = asyncio.run(console_demo(url, world))
        typer.echo(note)
        typer.echo(
            f"Pekon Trimulyo ({DEMO_PEKON}): {len(world.units)} unit pemangku, "
            f"bulan contoh {world.period:%Y-%m}."
        )
        typer.echo("Akun konsol: " + ", ".join(f"{a} ({m.role})" for a, m in world.members.items()))
        typer.echo("")
        typer.echo(text)
        typer.echo("")
        typer.echo(chat)
        print_routine(
            url, get_settings(), world.period, DEMO_OUTPUT, typer.echo
        )  # jobs: remind, close, files
        _print_dashboard_links(url, list(world.members))


def _print_dashboard_links(url: str, addresses: list[str]) -> None:
    """The last lines of the demo: how to open the dashboard as the camat and the staff."""
    base = public_base(get_settings())
    links = asyncio.run(demo_links(url, addresses, base))
    typer.echo("")
    typer.echo(
        f"Dasbor web: jalankan `pemangku run`, lalu buka dalam 10 menit (sekali pakai) {base}/dasbor lewat:"
    )
    for who, link in links:
        typer.echo(f"  {who}: {link}")
    typer.echo("Tautan baru: pemangku dashboard-link --member camat")
