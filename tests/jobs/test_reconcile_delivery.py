"""After a month close, staff get the month's beneficiaries who died or moved out with B.2/B.3."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.context import Schedule
from jobs.delivery import deliver_closed
from models.event import EventKind, Sex
from models.ledger import record_event
from models.months import close_months
from models.outbox import OutboxMessage
from models.person import Role
from models.person_input import PersonInput
from models.region import Pekon
from tests.factories import TRIMULYO, add_member, seed_pekon
from tests.reconcile.seed import NOW, import_rows
from tests.reconcile.world import ListRow

NIK = "1804150304500007"


async def test_the_close_brings_the_months_beneficiary_news(session: AsyncSession) -> None:
    units = await seed_pekon(session)
    await add_member(session, "Ops", Role.STAFF, pekon_kode=TRIMULYO, address="ops")
    person = PersonInput(name="Sukardi", sex=Sex.L, nik=NIK)
    await record_event(
        session,
        unit=units[0],
        kind=EventKind.MENINGGAL,
        persons=[person],
        event_date=date(2026, 10, 9),
        reporter_id=None,
        channel="console",
        now=NOW,
    )
    pekon = await session.get(Pekon, TRIMULYO)
    assert pekon is not None
    await import_rows(session, pekon, [ListRow(None, "SUKARDI", NIK, None, "L")])
    await close_months(session, date(2026, 10, 1), [TRIMULYO], now=NOW)
    await session.commit()
    await deliver_closed(session, Schedule(), datetime(2026, 11, 20, 3, tzinfo=UTC))
    await session.commit()
    keys = {m.dedupe_key: m.payload for m in await session.scalars(select(OutboxMessage))}
    news = [p for k, p in keys.items() if k and ":penerima:" in k]
    assert len(news) == 1, list(keys)
    assert "1 penerima PKH meninggal bulan Oktober 2026: Sukardi (NIK ************0007)." in str(news[0])
