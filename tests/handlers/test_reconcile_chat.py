"""Staff check probable beneficiary matches in chat: "cek", "cek 1", Ya/Bukan, old buttons ignored."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.audit import AuditEntry
from models.beneficiary import BeneficiaryMatch, MatchStatus
from models.event import EventKind, Sex
from models.ledger import record_event
from models.person_input import PersonInput
from models.region import Pekon
from tests.factories import TRIMULYO
from tests.handlers.conftest import World
from tests.reconcile.seed import NOW, import_rows
from tests.reconcile.world import ListRow


async def _seeded(session: AsyncSession, world: World) -> None:
    dead = (("Sukardi Wijaya", Sex.L, date(1950, 3, 4)), ("Suharti", Sex.P, date(1948, 1, 2)))
    for name, sex, born in dead:
        await record_event(
            session,
            unit=world.units[0],
            kind=EventKind.MENINGGAL,
            event_date=date(2026, 11, 3),
            persons=[PersonInput(name=name, sex=sex, birth_date=born)],
            reporter_id=world.pemangku[0].id,
            channel="console",
            now=NOW,
        )
    await session.commit()
    pekon = await session.get(Pekon, TRIMULYO)
    assert pekon is not None
    rows = [
        ListRow(None, "H. SUKARDY WIJAYA", None, date(1950, 3, 4), "L"),
        ListRow(None, "Almh. Suharti", None, None, "P"),
    ]
    await import_rows(session, pekon, rows)


async def test_staff_list_decide_and_are_not_asked_again(session: AsyncSession, world: World) -> None:
    await _seeded(session, world)
    ops = world.chat("ops")
    listed = await ops.say("cek")
    assert "perlu dicek (2)" in listed
    assert "1. PKH: H. Sukardy Wijaya ↔ Sukardi Wijaya, meninggal 3 November 2026" in listed
    shown = await ops.say("cek 1")
    assert "apakah ini orang yang sama?" in shown and "1. Ya, orang sama" in shown
    old_keyboard = list(ops.last)
    assert "adalah orang yang sama" in await ops.tap("sama")
    ops.last = old_keyboard
    assert "Tombol itu dari pertanyaan sebelumnya" in await ops.tap("beda")  # an old press changes nothing
    await ops.say("cek 1")
    assert "bukan orang itu" in await ops.say("2")
    assert "Tidak ada kecocokan" in await ops.say("cek")
    async with world.sessionmaker() as fresh:
        statuses = sorted(m.status for m in await fresh.scalars(select(BeneficiaryMatch)))
        assert statuses == [MatchStatus.CONFIRMED, MatchStatus.REJECTED]
        actions = list(
            await fresh.scalars(select(AuditEntry.action).where(AuditEntry.entity == "beneficiary_match"))
        )
        assert actions == ["beneficiary_match.confirm", "beneficiary_match.reject"]


async def test_other_pekon_staff_see_none_and_pemangku_cannot_check(
    session: AsyncSession, world: World
) -> None:
    await _seeded(session, world)
    assert "Tidak ada kecocokan" in await world.chat("ops-lain").say("cek")
    assert "perlu dicek" not in await world.chat("budi").say("cek")
