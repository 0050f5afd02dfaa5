"""The camat's chat status and the dashboard's grid count a pekon's month alike ("N dari M"), also
with units and pekon that start reporting later (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date

from models.base import wib_date
from models.dashboard import kecamatan_grid
from models.period import Baseline
from models.region import Unit
from tests.factories import TRIMULYO, seed_pekon
from tests.handlers.conftest import World

NOV = date(2026, 11, 1)
LATER_PEKON = "18.04.15.2006"


async def _later_starters(world: World) -> None:
    """A fourth Trimulyo unit whose baseline starts in December, and a pekon starting in January."""
    async with world.sessionmaker() as s:
        unit = Unit(
            kode=f"{TRIMULYO}-04", pekon_kode=TRIMULYO, seq=4, nama="Pemangku 4", nama_norm="pemangku 4"
        )
        s.add(unit)
        await s.flush()
        s.add(Baseline(unit_id=unit.id, period=date(2026, 12, 1), wna_l=0, wna_p=0, wni_l=50, wni_p=50, kk=30,
                       anggota=70))  # fmt: skip
        await s.commit()
        await seed_pekon(s, kode=LATER_PEKON, nama="Sukamaju", units=2, baseline_period=date(2027, 1, 1))


async def _grid_counts(world: World) -> dict[str, tuple[int, int]]:
    async with world.sessionmaker() as s:
        grid = await kecamatan_grid(s, TRIMULYO[:8], NOV, today=wib_date(world.clock()), deadline_day=5)
    cells = {row.nama: row.cell(NOV) for row in grid.rows}
    return {name: (cell.received, cell.units) for name, cell in cells.items() if cell is not None}


async def test_chat_and_dashboard_show_the_same_count_of_a_month(world: World) -> None:
    await _later_starters(world)
    budi, sari = world.chat("budi"), world.chat("sari")
    world.clock.advance(days=12)  # 2 December
    await budi.script("nihil", "ya")
    await sari.script("nihil", "ya")
    answer = await world.chat("camat").say("Status Kecamatan")
    lines = re.findall(r"\d+\. (\w+): (\d+)/(\d+)", answer)
    chat = {name: (int(done), int(total)) for name, done, total in lines}
    assert chat == {"Trimulyo": (2, 3), "Sukajaya": (0, 2)}  # the December unit is not expected yet
    assert "Sukamaju: laporan mulai Januari 2027" in answer
    grid = await _grid_counts(world)
    assert {name: grid[name] for name in chat} == chat
