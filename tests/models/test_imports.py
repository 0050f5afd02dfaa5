"""Operator imports tried as a new user would: good files land whole, bad files are refused whole."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.audit import AuditEntry
from models.baseline_import import BASELINE_COLUMNS, BASELINE_OPTIONAL, import_baselines
from models.csvfile import CsvRow, ImportRejected, read_csv
from models.event import EventKind, Sex
from models.imports import (
    REGION_COLUMNS,
    REGION_OPTIONAL,
    UNIT_COLUMNS,
    UnitEntry,
    create_units,
    import_regions,
    unit_entries,
)
from models.ledger import record_event
from models.months import close_months
from models.period import Baseline
from models.person_input import PersonInput
from models.region import Kecamatan, Pekon, Unit
from models.wilayah import official
from tests.factories import TRIMULYO, seed_pekon

TABLES = (Kecamatan, Pekon, Unit, Baseline, AuditEntry)


async def counts(session: AsyncSession) -> dict[str, int]:
    """Rows per table: what a refused import must leave as it was."""
    return {
        t.__tablename__: int(await session.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES
    }


def region_rows(text: str) -> list[CsvRow]:
    return read_csv(text.encode(), REGION_COLUMNS, REGION_OPTIONAL)


def problems(exc: pytest.ExceptionInfo[ImportRejected]) -> list[tuple[int | None, str]]:
    return [(p.line, p.code) for p in exc.value.problems]


# --- reading files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [(None, "empty_file")]),
        (b"  \n\n", [(None, "empty_file")]),
        (b"kode,nama\n", [(None, "no_rows")]),
        (b"kode,nama\n18.04.15,Gedung Surian\n18.04.15.2004,Tr\xefmulyo\n", [(3, "not_utf8")]),
        (b"kode\n18.04.15\n", [(1, "missing_column")]),
        (b"kode,nama,luas\n18.04.15,Gedung Surian,1\n", [(1, "unknown_column")]),
        (b"kode,nama,nama\n18.04.15,Gedung Surian,x\n", [(1, "duplicate_column")]),
        (b"kode,nama\n18.04.15,Gedung,Surian\n", [(2, "extra_values")]),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb3\xd5", [(1, "not_utf8")]),  # an .xlsx
        (b"kode,nama\n18.04.15," + b"x" * 131_073 + b"\n", [(2, "field_too_long")]),  # csv's own limit
        (b'kode,nama\n18.04.15,a\n18.04.15.2004,"' + b"y" * 200_000, [(3, "field_too_long")]),
    ],
)
def test_unreadable_files_are_refused_naming_the_line(
    data: bytes, expected: list[tuple[int | None, str]]
) -> None:
    with pytest.raises(ImportRejected) as exc:
        read_csv(data, REGION_COLUMNS, REGION_OPTIONAL)
    assert problems(exc) == expected


def test_bom_semicolons_blank_lines_and_header_case_are_accepted() -> None:
    rows = read_csv("\ufeffKode;Nama \r\n\r\n18.04.15;Gedung Surian\r\n".encode(), REGION_COLUMNS)
    assert rows == [CsvRow(3, {"kode": "18.04.15", "nama": "Gedung Surian"})]


# --- regions ------------------------------------------------------------------------------------


async def test_regions_import_takes_official_names_and_kabupaten(session: AsyncSession) -> None:
    rows = region_rows(
        "kode,nama,tingkat\n18.04.15, gedung  SURIAN ,kecamatan\n18.04.15.2004,TRIMULYO,Desa\n"
    )
    result = await import_regions(session, rows)
    await session.commit()
    assert (result.kecamatan_new, result.pekon_new, result.existing) == (1, 1, 0)
    kec = await session.get(Kecamatan, "18.04.15")
    pekon = await session.get(Pekon, TRIMULYO)
    assert kec is not None and (kec.nama, kec.kabupaten_nama) == ("Gedung Surian", "Kabupaten Lampung Barat")
    assert pekon is not None and (pekon.nama, pekon.tingkat, pekon.kecamatan_kode) == (
        "Trimulyo",
        "desa",
        "18.04.15",
    )


async def test_importing_the_same_file_again_is_harmless(session: AsyncSession) -> None:
    text = "kode,nama\n18.04.15,Gedung Surian\n18.04.15.2004,Trimulyo\n"
    await import_regions(session, region_rows(text))
    await session.commit()
    before = await counts(session)
    result = await import_regions(session, region_rows(text))
    await session.commit()
    assert (result.kecamatan_new, result.pekon_new, result.existing) == (0, 0, 2)
    after = await counts(session)
    assert {k: v for k, v in after.items() if k != "audit_entry"} == {
        k: v for k, v in before.items() if k != "audit_entry"
    }


async def test_the_whole_kabupaten_from_the_official_table(session: AsyncSession) -> None:
    lines = [f"{r.kode},{r.nama},{r.tingkat}" for r in official().values() if r.kode.startswith("18.04")]
    advanced: list[int] = []
    result = await import_regions(
        session, region_rows("kode,nama,tingkat\n" + "\n".join(lines)), progress=advanced.append
    )
    await session.commit()
    assert (result.kecamatan_new, result.pekon_new, result.skipped) == (15, 136, 1)
    assert sum(advanced) == len(lines)
    assert await session.scalar(select(func.count()).select_from(Pekon)) == 136


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("18.04.15,Gedung Surian\n18.04.01.2001,Entah\n", [(3, "unknown_code")]),
        ("18.04.15,Gedung Surian\n18.4.15.2004,Trimulyo\n", [(3, "bad_pattern")]),
        ("18.04.15,Gedung Surian\n18.04.15.2004,Trimulya\n", [(3, "name_mismatch")]),
        ("18.04.15.2004,Trimulyo\n", [(2, "kecamatan_missing")]),
        ("18.04.15,Gedung Surian\n18.04.15.2004,Trimulyo\n18.04.15.2004,Trimulyo\n", [(4, "duplicate")]),
        ("18.04.15,Gedung Surian\n18.04.15.2004,\n", [(3, "missing_value")]),
        (
            "18.04.15,Gedung Surian\n18.04.15.2004,Trimulyo\n18.04.15.2005,Mekarjaya\n99.99.99.9999,X\n",
            [(5, "unknown_code")],
        ),
    ],
)
async def test_a_bad_region_row_refuses_the_whole_file(
    session: AsyncSession, body: str, expected: list[tuple[int, str]]
) -> None:
    before = await counts(session)
    with pytest.raises(ImportRejected) as exc:
        await import_regions(session, region_rows("kode,nama\n" + body))
    assert problems(exc) == expected
    assert await counts(session) == before


async def test_wrong_tingkat_and_a_kecamatan_already_in_the_database(session: AsyncSession) -> None:
    await import_regions(session, region_rows("kode,nama\n18.04.15,Gedung Surian\n"))
    await session.commit()
    with pytest.raises(ImportRejected) as exc:
        await import_regions(session, region_rows("kode,nama,tingkat\n18.04.15.2004,Trimulyo,kelurahan\n"))
    assert problems(exc) == [(2, "tingkat_mismatch")]
    result = await import_regions(session, region_rows("kode,nama\n18.04.15.2004,Trimulyo\n"))
    assert result.pekon_new == 1


# --- units --------------------------------------------------------------------------------------


async def test_units_get_stable_codes_after_the_existing_ones(session: AsyncSession) -> None:
    await seed_pekon(session, units=2)
    rows = read_csv(
        f"pekon,nama\n{TRIMULYO},Pemangku  Sidodadi \n{TRIMULYO},Pemangku Sukaraja\n".encode(), UNIT_COLUMNS
    )
    units = await create_units(session, unit_entries(rows))
    await session.commit()
    assert [(u.kode, u.nama, u.seq) for u in units] == [
        (f"{TRIMULYO}-03", "Pemangku Sidodadi", 3),
        (f"{TRIMULYO}-04", "Pemangku Sukaraja", 4),
    ]


async def test_two_operators_adding_units_at_once_get_distinct_codes(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await seed_pekon(session, units=1)
    await session.commit()

    async def add(name: str) -> str:
        async with sessionmaker() as s, s.begin():
            [unit] = await create_units(s, [UnitEntry(None, TRIMULYO, name)])
            return unit.kode

    codes = await asyncio.gather(add("Sidodadi"), add("Sukaraja"), add("Way Petai"))
    assert sorted(codes) == [f"{TRIMULYO}-0{n}" for n in (2, 3, 4)]
    same = await asyncio.gather(add("Talang"), add("talang"), return_exceptions=True)
    assert sorted(type(r).__name__ for r in same) == ["ImportRejected", "str"]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([(2, TRIMULYO, "pemangku 1")], [(2, "unit_exists")]),  # seeded as "Pemangku 1"
        ([(2, TRIMULYO, "Sidodadi"), (3, TRIMULYO, " SIDODADI")], [(3, "duplicate_unit")]),
        ([(2, "18.04.15.2005", "Sidodadi")], [(2, "unknown_pekon")]),
        ([(2, TRIMULYO, "   ")], [(2, "missing_value")]),
        ([(2, TRIMULYO, "x" * 121)], [(2, "name_too_long")]),
    ],
)
async def test_bad_units_are_refused_whole(
    session: AsyncSession, entries: list[tuple[int, str, str]], expected: list[tuple[int, str]]
) -> None:
    await seed_pekon(session, units=1)
    before = await counts(session)
    with pytest.raises(ImportRejected) as exc:
        await create_units(session, [UnitEntry(*e) for e in [(9, TRIMULYO, "Baru"), *entries]])
    assert problems(exc) == expected
    assert await counts(session) == before


# --- baseline -----------------------------------------------------------------------------------


def baseline_rows(body: str) -> list[CsvRow]:
    return read_csv(
        ("unit,bulan,wna_l,wna_p,wni_l,wni_p,kk,anggota,nama\n" + body).encode(),
        BASELINE_COLUMNS,
        BASELINE_OPTIONAL,
    )


async def _units_without_baseline(session: AsyncSession, n: int = 2) -> list[Unit]:
    units = await seed_pekon(session, units=n)
    for b in await session.scalars(select(Baseline)):
        await session.delete(b)
    await session.commit()
    return units


async def test_baseline_import_and_replacement_before_any_event(session: AsyncSession) -> None:
    await _units_without_baseline(session)
    rows = baseline_rows(
        f"{TRIMULYO}-01,2026-10,0,1,120,118,70,169,Pemangku 1\n{TRIMULYO}-02,2026-10,0,0,50,50,30,70,\n"
    )
    assert await import_baselines(session, rows) == (2, 0)
    await session.commit()
    again = baseline_rows(f"{TRIMULYO}-01,2026-11,0,1,121,118,70,170,\n")
    assert await import_baselines(session, again) == (0, 1)
    await session.commit()
    first = await session.scalar(select(Baseline).join(Unit).where(Unit.kode == f"{TRIMULYO}-01"))
    assert first is not None and (first.period, first.wni_l, first.anggota) == (date(2026, 11, 1), 121, 170)
    audit = await session.scalar(
        select(AuditEntry).where(AuditEntry.action == "baseline.import").order_by(AuditEntry.id.desc())
    )
    assert audit is not None and audit.before is not None and audit.before["wni_l"] == 120


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("-01,2026-10,0,1,120,118,70,170,\n", [(2, "totals_disagree")]),
        ("-01,2026-10,0,-1,120,118,70,169,\n", [(2, "not_a_count")]),
        ("-01,2026-10,0,1.5,120,118,70,169,\n", [(2, "not_a_count")]),
        ("-01,2026-10,0,0,0,2,0,2,\n", [(2, "members_without_head")]),
        ("-09,2026-10,0,1,120,118,70,169,\n", [(2, "unknown_unit")]),
        ("-01,10/2026,0,1,120,118,70,169,\n", [(2, "bad_month")]),
        ("-01,0001-01,0,1,120,118,70,169,\n", [(2, "bad_month")]),  # a year nobody means
        ("-01,2100-01,0,1,120,118,70,169,\n", [(2, "bad_month")]),
        ("-01,2027-01,0,1,120,118,70,169,\n", [(2, "month_ahead")]),  # today is 2026-11-20
        # a count no unit has, which would not even fit PostgreSQL's INTEGER
        ("-01,2026-10,0,0,99999999999,0,99999999999,0,\n", [(2, "not_a_count"), (2, "not_a_count")]),
        ("-01,2026-10,0,0,1000001,0,1000001,0,\n", [(2, "not_a_count"), (2, "not_a_count")]),
        ("-01,2026-10,0,1,120,118,70,169,\n{p}-01,2026-10,0,1,120,118,70,169,\n", [(3, "duplicate")]),
    ],
)
async def test_bad_baselines_are_refused_whole(
    session: AsyncSession, body: str, expected: list[tuple[int, str]]
) -> None:
    await _units_without_baseline(session)
    good = f"{TRIMULYO}-02,2026-10,0,0,50,50,30,70,\n"
    before = await counts(session)
    with pytest.raises(ImportRejected) as exc:
        await import_baselines(
            session, baseline_rows(TRIMULYO + body.format(p=TRIMULYO) + good), today=date(2026, 11, 20)
        )
    assert problems(exc) == expected
    assert await counts(session) == before


async def test_a_baseline_with_events_since_cannot_be_replaced(session: AsyncSession) -> None:
    units = await seed_pekon(session, units=1, baseline_period=date(2026, 10, 1))
    await record_event(
        session,
        unit=units[0],
        kind=EventKind.LAHIR,
        persons=[PersonInput("Bayi", Sex.P)],
        event_date=date(2026, 10, 5),
        reporter_id=None,
        channel="console",
    )
    await session.commit()
    with pytest.raises(ImportRejected) as exc:
        await import_baselines(session, baseline_rows(f"{TRIMULYO}-01,2026-10,0,1,120,118,70,169,\n"))
    assert problems(exc) == [(2, "baseline_in_use")]


async def test_a_baseline_inside_a_closed_month_is_refused(session: AsyncSession) -> None:
    await seed_pekon(session, units=1, baseline_period=date(2026, 9, 1))
    await close_months(session, date(2026, 9, 1), [TRIMULYO])
    unit = (await create_units(session, [UnitEntry(None, TRIMULYO, "Pemangku Baru")]))[0]
    await session.commit()
    with pytest.raises(ImportRejected) as exc:
        await import_baselines(session, baseline_rows(f"{unit.kode},2026-09,0,0,1,0,1,0,\n"))
    assert problems(exc) == [(2, "month_closed")]
    assert await import_baselines(session, baseline_rows(f"{unit.kode},2026-10,0,0,1,0,1,0,\n")) == (1, 0)


async def test_a_baseline_may_start_next_month_at_the_latest(session: AsyncSession) -> None:
    await _units_without_baseline(session, 1)
    late_december = date(2026, 12, 31)
    with pytest.raises(ImportRejected) as exc:
        await import_baselines(
            session, baseline_rows(f"{TRIMULYO}-01,2027-02,0,0,1,0,1,0,\n"), today=late_december
        )
    assert problems(exc) == [(2, "month_ahead")]
    rows = baseline_rows(f"{TRIMULYO}-01,2027-01,0,0,1,0,1,0,\n")
    assert await import_baselines(session, rows, today=late_december) == (1, 0)
