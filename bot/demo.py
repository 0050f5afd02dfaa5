"""The demo world: Pekon Trimulyo (Kecamatan Gedung Surian) with four pemangku units and a month of events.

Each step is a small function on one session, so later parts of the demo (console chat, month close,
reminders, documents) add steps without touching these. All names and NIKs here are invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.base import WIB, add_months, last_day
from models.baseline_import import NUMBERS
from models.csvfile import CsvRow
from models.event import EventKind, Sex
from models.imports import UnitEntry, create_units, import_regions
from models.ledger import record_event, submit_report
from models.period import Baseline, ReportStatus
from models.person import Channel, Identity, Member, Role
from models.person_input import PersonInput
from models.region import Unit
from models.wilayah import kecamatan_of, lookup

DEMO_PEKON = "18.04.15.2004"  # Pekon Trimulyo, Kecamatan Gedung Surian, Kabupaten Lampung Barat

# name of the unit, its pemangku, the pemangku's console address, opening figures (NUMBERS order)
DEMO_UNITS = (
    ("Pemangku Sidodadi", "Slamet Riyadi", "slamet", (0, 0, 212, 205, 121, 296)),
    ("Pemangku Sukaraja", "Wartini", "wartini", (0, 1, 178, 181, 104, 256)),
    ("Pemangku Marga Mulya", "Yusuf Effendi", "yusuf", (0, 0, 154, 150, 89, 215)),
    ("Pemangku Tanjung Sari", "Sudarto", "darto", (1, 0, 131, 127, 76, 183)),
)
DEMO_STAFF = (("Ratna Sari", "ratna", Role.STAFF), ("Camat Gedung Surian", "camat", Role.CAMAT))


@dataclass
class DemoWorld:
    """What the demo created, for the steps that follow."""

    pekon_kode: str
    period: date  # the sample month (the previous month)
    units: list[Unit] = field(default_factory=list)
    members: dict[str, Member] = field(default_factory=dict)  # by console address


async def seed_regions(session: AsyncSession, world: DemoWorld) -> None:
    """Kecamatan Gedung Surian and Pekon Trimulyo, validated against the official table."""
    rows = []
    for line, kode in enumerate((kecamatan_of(DEMO_PEKON), DEMO_PEKON), start=2):
        region = lookup(kode)
        assert region is not None  # the packaged table has it
        rows.append(CsvRow(line, {"kode": kode, "nama": region.nama}))
    await import_regions(session, rows, channel=Channel.CONSOLE)


async def seed_units(session: AsyncSession, world: DemoWorld) -> None:
    """The four pemangku units with their local codes."""
    entries = [UnitEntry(None, DEMO_PEKON, nama) for nama, *_ in DEMO_UNITS]
    world.units = await create_units(session, entries, channel=Channel.CONSOLE)


async def seed_baseline(session: AsyncSession, world: DemoWorld) -> None:
    """Opening figures of each unit for the sample month."""
    for unit, (*_, figures) in zip(world.units, DEMO_UNITS, strict=True):
        session.add(
            Baseline(unit_id=unit.id, period=world.period, **dict(zip(NUMBERS, figures, strict=True)))
        )


async def seed_members(session: AsyncSession, world: DemoWorld) -> None:
    """A pemangku per unit, the pekon's operator and the camat, each with a console identity."""
    for unit, (_, name, address, _) in zip(world.units, DEMO_UNITS, strict=True):
        world.members[address] = Member(name=name, role=Role.PEMANGKU, unit_id=unit.id, pekon_kode=DEMO_PEKON)
    for name, address, role in DEMO_STAFF:
        scope = {"pekon_kode": DEMO_PEKON} if role == Role.STAFF else {"kecamatan_kode": DEMO_PEKON[:8]}
        world.members[address] = Member(name=name, role=role, **scope)
    session.add_all(world.members.values())
    await session.flush()
    for address, member in world.members.items():
        session.add(
            Identity(member_id=member.id, channel=Channel.CONSOLE, address=address, display_name=member.name)
        )


@dataclass(frozen=True)
class Sample:
    """One sample event: which unit, what, on which day of the month, about whom."""

    unit: int
    kind: EventKind
    day: int
    persons: tuple[PersonInput, ...]


ORIGIN = "Pekon Puramekar, Gedung Surian"
SAMPLE_MONTH = (  # births get their event date as birth date
    Sample(
        0,
        EventKind.LAHIR,
        3,
        (PersonInput("Aditya Pratama", Sex.L, birth_place="Trimulyo", mother_name="Siti Aminah"),),
    ),
    Sample(
        0,
        EventKind.MENINGGAL,
        12,
        (PersonInput("Sumarni", Sex.P, birth_date=date(1941, 5, 2), death_place="Trimulyo"),),
    ),
    Sample(
        0,
        EventKind.DATANG,
        18,
        (
            PersonInput("Hendra Gunawan", Sex.L, is_head=True, nik="1804151203850003", origin=ORIGIN),
            PersonInput("Rina Marlina", Sex.P, nik="1804156107880004", origin=ORIGIN),
            PersonInput("Putri Gunawan", Sex.P, origin=ORIGIN),
        ),
    ),
    Sample(
        1,
        EventKind.LAHIR,
        7,
        (PersonInput("Nur Aisyah", Sex.P, birth_place="Trimulyo", mother_name="Wulandari"),),
    ),
    Sample(
        1,
        EventKind.PINDAH,
        21,
        (PersonInput("Bayu Saputra", Sex.L, nik="1804150905000002", destination="Kota Bandar Lampung"),),
    ),
    Sample(
        3,
        EventKind.LAHIR,
        25,
        (PersonInput("Rizky Ramadhan", Sex.L, birth_place="Liwa", mother_name="Yuliana"),),
    ),
    Sample(
        3,
        EventKind.MENINGGAL,
        9,
        (PersonInput("Wagiman", Sex.L, is_head=True, death_place="RSUD Alimuddin Umar, Liwa"),),
    ),
)


def _wib(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), WIB).astimezone(UTC)


async def seed_events(session: AsyncSession, world: DemoWorld) -> None:
    """The sample month's events, each reported the day after it happened by its unit's pemangku."""
    reporters = [m for m in world.members.values() if m.role == Role.PEMANGKU]
    for sample in SAMPLE_MONTH:
        day = world.period.replace(day=sample.day)
        persons = [
            replace(p, birth_date=day) if sample.kind == EventKind.LAHIR else p for p in sample.persons
        ]
        await record_event(
            session,
            unit=world.units[sample.unit],
            kind=sample.kind,
            persons=persons,
            event_date=day,
            reporter_id=reporters[sample.unit].id,
            channel=Channel.CONSOLE,
            now=_wib(day + timedelta(days=1), 9),
        )


async def seed_reports(session: AsyncSession, world: DemoWorld, deadline_day: int) -> None:
    """Two units submit before the month ends; the other two answer reminders in the console routine."""
    reporters = [m for m in world.members.values() if m.role == Role.PEMANGKU]
    for index in (0, 1):
        await submit_report(
            session,
            unit=world.units[index],
            period=world.period,
            status=ReportStatus.SUBMITTED,
            member_id=reporters[index].id,
            channel=Channel.CONSOLE,
            deadline_day=deadline_day,
            now=_wib(last_day(world.period), 16),
        )


async def build_demo(
    sessionmaker: async_sessionmaker[AsyncSession], today: date, deadline_day: int
) -> DemoWorld:
    """Run every step, each in its own transaction; the sample month is the one before `today`."""
    world = DemoWorld(pekon_kode=DEMO_PEKON, period=add_months(today.replace(day=1), -1))
    for step in (seed_regions, seed_units, seed_baseline, seed_members, seed_events):
        async with sessionmaker() as session, session.begin():
            await step(session, world)
    async with sessionmaker() as session, session.begin():
        await seed_reports(session, world, deadline_day)
    return world
