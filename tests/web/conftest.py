"""The dashboard under test: the dashboard world (tests/models/dashboard_world.py) with a camat,
pekon staff, a kabupaten user and pemangku on the console; the web server on 127.0.0.1 with a
fixed clock (20 January 2027, 10.00 WIB); links issued by typing DASBOR in the console."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.console import converse
from bot.config import Settings
from bot.web import WebServer, build_web_app
from bot.web.context import WebContext
from bot.web.dashboard import dashboard_routes
from jobs.context import Schedule
from models.dashboard_cache import FigureCache
from models.person import Role
from tests.factories import add_member
from tests.models.dashboard_world import DEADLINE_DAY, KEC, TODAY, A, at, build, reopen_and_reclose

NOW = at(TODAY)  # 10.00 WIB, outside the quiet hours
CHROMIUM = Path("/usr/bin/chromium")
LINK = re.compile(r"https?://\S+/dasbor/masuk/\S+")


@dataclass(frozen=True)
class Site:
    """The running dashboard and the database behind it."""

    url: str
    db_url: str
    sessionmaker: async_sessionmaker[AsyncSession]

    async def chat_link(self, who: str) -> str:
        """Type DASBOR in the console as `who`; the link in the bot's reply."""
        printed: list[str] = []
        settings = Settings(database_url=self.db_url, public_url=self.url, deadline_day=DEADLINE_DAY)

        async def lines() -> AsyncIterator[str]:
            yield "DASBOR"

        await converse(self.sessionmaker, settings, who, lines(), printed.append, clock=lambda: NOW)
        found = LINK.search("\n".join(printed))
        assert found is not None, printed
        return found[0]


async def _people(session: AsyncSession, units: dict[str, list[object]]) -> None:
    await add_member(session, "Camat Hendra", Role.CAMAT, kecamatan_kode=KEC, address="camat")
    await add_member(session, "Sekdes Ratna", Role.STAFF, pekon_kode=A, address="ratna")
    dinas = await add_member(session, "Dinas PMD", Role.STAFF, address="dinas")
    dinas.role, dinas.kabupaten_kode = Role.KABUPATEN, KEC[:5]
    for index, unit in enumerate(units[A]):
        await add_member(session, f"Pemangku A{index}", Role.PEMANGKU, unit=unit, address=f"pem-a{index}")  # type: ignore[arg-type]
    await session.commit()


@pytest.fixture
def figures() -> FigureCache:
    """The server's kept figures (a test module may watch them)."""
    return FigureCache()


@pytest.fixture
async def site(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], db_url: str, figures: FigureCache
) -> AsyncIterator[Site]:
    """The world built, the server started."""
    units = await build(session)
    await reopen_and_reclose(session, units)
    await _people(session, units)  # type: ignore[arg-type]
    ctx = WebContext(sessionmaker, Schedule(deadline_day=DEADLINE_DAY), clock=lambda: NOW, figures=figures)
    web = WebServer(build_web_app(dashboard_routes(ctx)), "127.0.0.1", 0)
    await web.start()
    yield Site(f"http://127.0.0.1:{web.port}", db_url, sessionmaker)
    await web.stop()
