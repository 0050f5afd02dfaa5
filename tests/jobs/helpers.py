"""A pekon with pemangku, staff and a camat, and a clock that walks the jobs through the calendar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.context import JobContext, Schedule
from jobs.scheduler import run_pass
from models.base import WIB
from models.ledger import submit_report
from models.outbox import OutboxMessage
from models.period import ReportStatus
from models.person import Channel, Identity, Member, Role
from models.region import Unit
from tests.factories import TRIMULYO, add_member, seed_pekon

NOV, DEC, JAN = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)


def wib(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given in WIB, as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB).astimezone(UTC)


@dataclass
class Sent:
    """An outbox row seen by the walk, with the clock time of the pass that queued it."""

    at: datetime
    row: OutboxMessage

    @property
    def key(self) -> str:
        """The row's dedupe key."""
        return self.row.dedupe_key or ""


@dataclass
class World:
    """The people of Pekon Trimulyo and everything the jobs queued so far."""

    sessionmaker: async_sessionmaker[AsyncSession]
    units: list[Unit]
    pemangku: list[Member]
    staff: list[Member]
    camat: Member
    sent: list[Sent] = field(default_factory=list)
    last_id: int = 0

    @property
    def ctx(self) -> JobContext:
        """The jobs' context with the default schedule."""
        return JobContext(self.sessionmaker, Schedule())

    async def tick(self, now: datetime) -> int:
        """Run every pass at `now`, twice (the second must do nothing); record what was queued."""
        done = await run_pass("all", self.ctx, now)
        again = await run_pass("all", self.ctx, now)
        assert again == 0, f"second run at {now} did {again}"
        async with self.sessionmaker() as session:
            rows = list(
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.id > self.last_id).order_by(OutboxMessage.id)
                )
            )
        self.sent += [Sent(now, row) for row in rows]
        self.last_id = max([self.last_id, *(r.id for r in rows)])
        return done

    async def walk(self, start: datetime, end: datetime, step: timedelta = timedelta(hours=3)) -> None:
        """Tick from `start` to `end`."""
        now = start
        while now <= end:
            await self.tick(now)
            now += step

    async def report(self, unit: int, status: ReportStatus, now: datetime, period: date = NOV) -> None:
        """A pemangku sends the month (or NIHIL)."""
        async with self.sessionmaker() as session:
            await submit_report(
                session,
                unit=self.units[unit],
                period=period,
                status=status,
                member_id=self.pemangku[unit].id,
                channel="console",
                deadline_day=5,
                now=now,
            )
            await session.commit()

    def keyed(self, prefix: str, where: Callable[[Sent], bool] = lambda s: True) -> list[Sent]:
        """What was queued under keys starting with `prefix`."""
        return [s for s in self.sent if s.key.startswith(prefix) and where(s)]


async def make_world(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    """Trimulyo (4 units, baseline November 2026), a pemangku per unit, two staff, one camat."""
    async with sessionmaker() as session:
        units = await seed_pekon(session, baseline_period=NOV)
        pemangku = [
            await add_member(session, f"Pak Pemangku {u.seq}", Role.PEMANGKU, unit=u, pekon_kode=TRIMULYO)
            for u in units
        ]
        staff = [
            await add_member(session, "Bu Sekdes", Role.STAFF, pekon_kode=TRIMULYO),
            await add_member(session, "Pak Operator", Role.STAFF, pekon_kode=TRIMULYO),
        ]
        session.add(Identity(member_id=staff[0].id, channel=Channel.TELEGRAM, address="7001"))
        camat = await add_member(session, "Pak Camat", Role.CAMAT, kecamatan_kode=TRIMULYO[:8])
        await session.commit()
    return World(sessionmaker, units, pemangku, staff, camat)
