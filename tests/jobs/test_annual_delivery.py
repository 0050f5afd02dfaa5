"""After December closes, staff and the camat receive the year like the monthly books, once per
version of the year; a reopened and closed again December is delivered again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.months import close_months, reopen_month
from models.outbox import OutboxMessage, StoredDocument
from tests.factories import TRIMULYO
from tests.jobs.helpers import DEC, JAN, Sent, World, make_world, wib

STEM = "Rekap-Tahunan_18.04.15.2004_2026"


def files_of(sent: list[Sent]) -> list[str]:
    """The file names among queued rows."""
    return sorted(s.row.payload["document"]["filename"] for s in sent if "document" in s.row.payload)


async def _year_closed(world: World) -> None:
    await world.walk(wib(DEC, 7), wib(JAN + timedelta(days=12), 10), timedelta(hours=12))


async def test_staff_and_camat_receive_the_year(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    world = await make_world(sessionmaker)
    await world.walk(wib(DEC - timedelta(days=20), 7), wib(DEC, 7), timedelta(hours=12))
    assert world.keyed("annual:") == []  # November closed: no year yet
    await _year_closed(world)
    staff = world.keyed(f"annual:{STEM}_v1")
    assert {s.row.member_id for s in staff} == {m.id for m in world.staff}
    assert files_of(staff) == sorted([f"{STEM}_v1.pdf", f"{STEM}_v1.xlsx"] * 3)  # 3 staff identities
    summary = next(s for s in staff if ":summary:" in s.key)
    text = summary.row.payload["text"]
    assert "Rekap tahunan 2026 Pekon Trimulyo (18.04.15.2004) sudah lengkap" in text
    assert "Akhir tahun 956 jiwa (280 KK)" in text
    assert summary.row.payload["template"]["params"] == ["Trimulyo", "Desember 2026"]
    camat = world.keyed("annual:Rekap-Tahunan_18.04.15_2026_v1")
    assert len(camat) == 3 and all(s.row.member_id == world.camat.id for s in camat)
    assert "Kecamatan Gedung Surian" in next(s for s in camat if ":summary:" in s.key).row.payload["text"]


async def test_a_reclosed_december_is_a_new_version(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    world = await make_world(sessionmaker)
    await _year_closed(world)
    async with sessionmaker() as session:
        await reopen_month(
            session,
            pekon_kode=TRIMULYO,
            period=DEC,
            actor_id=None,
            channel="console",
            reason="salah hitung",
            now=wib(JAN + timedelta(days=13), 0),
        )
        await close_months(session, DEC, [TRIMULYO], now=wib(JAN + timedelta(days=13), 1))
        await session.commit()
    await world.tick(wib(JAN + timedelta(days=13), 8))
    assert len(world.keyed(f"annual:{STEM}_v2")) == 9 and len(world.keyed(f"annual:{STEM}_v1")) == 9
    assert len(world.keyed("annual:Rekap-Tahunan_18.04.15_2026_v2")) == 3
    async with sessionmaker() as session:
        stored = {d.filename: d.content for d in await session.scalars(select(StoredDocument))}
        keys = list(await session.scalars(select(OutboxMessage.dedupe_key)))
    assert len(keys) == len(set(keys))
    assert {f"{STEM}_v1.pdf", f"{STEM}_v2.pdf", f"{STEM}_v2.xlsx"} <= set(stored)
