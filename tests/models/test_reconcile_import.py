"""Beneficiary list import: headers recognised, CSV and XLSX, bad files refused whole, versions kept."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.whole_file import plan_list, read_list
from models.audit import AuditEntry
from models.beneficiary import Beneficiary, BeneficiaryList
from models.beneficiary_file import parse_map
from models.beneficiary_import import ListMeta, store_lists
from models.csvfile import ImportRejected
from models.region import Pekon
from tests.factories import TRIMULYO, seed_pekon

TODAY = date(2026, 11, 20)
META = ListMeta("PKH", "dinsos-2026-09.csv", date(2026, 9, 1), "Ratna")
GOOD = (
    "NO;NIK;NAMA KPM;Tgl. Lahir;JK;Dusun;No Peserta;RT\n"
    "1;1804151212800001;Hj. Siti Aminah;12-12-1980;P;Pemangku 1;P001;02\n"
    "2;;SUKARDI;;L;dusun pemangku 2;P002;03\n"
    "3;1804 1512 1280 0002;Budi Santoso;1980-12-12;laki-laki;Sidomulyo;P003;01\n"
)


async def rows_in(session: AsyncSession) -> dict[str, int]:
    return {
        t.__tablename__: int(await session.scalar(select(func.count()).select_from(t)) or 0)
        for t in (BeneficiaryList, Beneficiary, AuditEntry)
    }


async def imported(session: AsyncSession, data: bytes, meta: ListMeta = META, **kw: str) -> int:
    pekon = await session.get(Pekon, TRIMULYO)
    assert pekon is not None
    planned = await plan_list(session, read_list(data, parse_map(list(kw.values()))), [pekon], TODAY)
    result = await store_lists(session, planned, meta)
    await session.commit()
    return result.list_ids[TRIMULYO]


async def test_a_csv_with_the_usual_headers_is_stored_with_program_source_date_and_importer(
    session: AsyncSession,
) -> None:
    units = await seed_pekon(session)
    list_id = await imported(session, GOOD.encode())
    stored = await session.get(BeneficiaryList, list_id)
    assert stored is not None
    assert (stored.program, stored.source, stored.as_of, stored.imported_by, stored.rows) == (
        "PKH",
        "dinsos-2026-09.csv",
        date(2026, 9, 1),
        "Ratna",
        3,
    )
    rows = list(await session.scalars(select(Beneficiary).order_by(Beneficiary.line)))
    assert [(r.line, r.nik, r.name_key, r.sex, r.unit_id) for r in rows] == [
        (2, "1804151212800001", "siti aminah", "P", units[0].id),
        (3, None, "sukardi", "L", units[1].id),
        (4, "1804151212800002", "budi santoso", "L", None),  # "Sidomulyo" is no unit of the pekon
    ]
    assert rows[0].birth_date == rows[2].birth_date == date(1980, 12, 12)
    assert rows[0].participant_no == "P001"
    audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "beneficiary_list.import"))
    assert audit is not None and audit.after is not None and audit.after["rows"] == 3


async def test_an_xlsx_with_a_title_row_numbers_as_nik_and_date_cells(session: AsyncSession) -> None:
    await seed_pekon(session)
    book = Workbook()
    sheet = book.active
    sheet.append(["DAFTAR KPM PKH PEKON TRIMULYO"])
    sheet.append(["No", "NIK", "Nama", "Tanggal Lahir", "Alamat"])
    sheet.append([1, 1804151212800001, "Siti Aminah", datetime(1980, 12, 12), "RT 02"])
    buffer = io.BytesIO()
    book.save(buffer)
    await imported(session, buffer.getvalue())
    row = await session.scalar(select(Beneficiary))
    assert row is not None
    assert (row.line, row.nik, row.birth_date, row.address) == (
        3,
        "1804151212800001",
        date(1980, 12, 12),
        "RT 02",
    )


async def test_an_odd_column_is_named_with_map(session: AsyncSession) -> None:
    await seed_pekon(session)
    data = b"NOMOR INDUK KEPENDUDUKAN,NAMA ANGGOTA\n1804151212800001,Siti\n"
    with pytest.raises(ImportRejected) as refused:
        read_list(data)
    assert [(p.line, p.code, p.detail["column"]) for p in refused.value.problems] == [
        (1, "missing_column", "NIK"),
        (1, "missing_column", "NAMA"),
    ]
    await imported(session, data, a="NOMOR INDUK KEPENDUDUKAN=nik", b="nama anggota=nama")
    assert await session.scalar(select(Beneficiary.nik)) == "1804151212800001"


async def test_a_bad_file_is_refused_whole_naming_row_and_column(session: AsyncSession) -> None:
    await seed_pekon(session)
    before = await rows_in(session)
    bad = GOOD + "4;1804151212800003;;31-02-1980;P;;;\n5;1804151212800004;Rina;01-01-1990;X;;;\n"
    with pytest.raises(ImportRejected) as refused:
        await imported(session, bad.encode())
    assert [(p.line, p.code, p.detail["column"]) for p in refused.value.problems] == [
        (5, "missing_value", "NAMA KPM"),
        (5, "bad_date", "Tgl. Lahir"),
        (6, "bad_sex", "JK"),
    ]
    await session.rollback()
    assert await rows_in(session) == before


async def test_a_newer_version_replaces_the_list_and_the_old_one_is_kept(session: AsyncSession) -> None:
    await seed_pekon(session)
    first = await imported(session, GOOD.encode())
    newer = ListMeta("PKH", "dinsos-2026-11.csv", date(2026, 11, 1), "Ratna")
    second = await imported(session, GOOD.encode(), newer)
    lists = {b.id: b for b in await session.scalars(select(BeneficiaryList))}
    assert lists[first].replaced_by_id == second and lists[second].replaced_by_id is None
    assert await session.scalar(select(func.count(Beneficiary.id))) == 6  # the old rows stay for the audit
    with pytest.raises(ImportRejected) as refused:
        await imported(session, GOOD.encode(), META)  # September's file after November's
    assert refused.value.problems[0].code == "list_older"


async def test_a_kecamatan_list_is_split_by_its_pekon_column(session: AsyncSession) -> None:
    await seed_pekon(session)
    await seed_pekon(session, kode="18.04.15.2005", nama="Wonosari")
    pekons = list(await session.scalars(select(Pekon).order_by(Pekon.kode)))
    data = "NIK,NAMA,DESA\n1804151212800001,Siti,Trimulyo\n1804151212800002,Budi,18.04.15.2005\n"
    planned = await plan_list(session, read_list(data.encode()), pekons, TODAY)
    assert {k: [r["name"] for r in rows] for k, rows in planned.items()} == {
        TRIMULYO: ["Siti"],
        "18.04.15.2005": ["Budi"],
    }
    with pytest.raises(ImportRejected) as refused:
        await plan_list(session, read_list(b"NIK,NAMA,DESA\n1,Siti,Atlantis\n"), pekons, TODAY)
    assert [(p.line, p.code) for p in refused.value.problems] == [(2, "unknown_pekon_in_row")]
