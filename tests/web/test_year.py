"""Tahun over real HTTP: the year of a pekon, kecamatan and kabupaten from models.annual (the figures
of `pemangku rekap-tahunan`), the provisional note while December is open, the files byte-identical
to the CLI's once the year is complete, and the scope (404 and an audit entry outside it)."""

from __future__ import annotations

import asyncio
import os
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import _register_all, app
from bot.config import get_settings
from models.annual import Level, annual_recap
from models.audit import AuditEntry
from models.months import close_months
from tests.models.dashboard_world import DEC, KEC, at
from tests.web.conftest import Site
from tests.web.test_signin import sign_in


async def signed_in(site: Site, client: httpx.AsyncClient, who: str) -> None:
    """A session for `who` through a link typed for in the console."""
    assert (await sign_in(client, await site.chat_link(who))).status_code == 303


def cli_file(db_url: str, out: Path, *args: str) -> bytes:
    """What `pemangku rekap-tahunan ARGS --out OUT` writes."""
    os.environ["PEMANGKU_DATABASE_URL"] = db_url
    get_settings.cache_clear()
    _register_all()
    try:
        result = CliRunner().invoke(app, ["rekap-tahunan", *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
    finally:
        del os.environ["PEMANGKU_DATABASE_URL"]
        get_settings.cache_clear()
    return out.read_bytes()


async def test_the_camat_sees_the_kecamatan_year_as_the_cli_counts_it(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await signed_in(site, client, "camat")
        page = await client.get("/dasbor/tahun/18.04.15")  # January 2027: the year reported is 2026
    async with site.sessionmaker() as session:
        recap = await annual_recap(session, 2026, Level.KECAMATAN, KEC)
    assert page.status_code == 200
    assert "Rekap tahunan 2026" in page.text and "Kecamatan Gedung Surian (18.04.15)" in page.text
    assert "Angka sementara: Desember belum ditutup." in page.text  # December is still open
    for row in recap.rows:
        assert f"<th>{row.nama}</th>" in page.text
    total = recap.total
    moves = [total.moved(kind) for kind in ("lahir", "datang", "meninggal", "pindah")]
    cells = [
        total.figures["awal_kk"],
        total.jiwa("awal"),
        *moves,
        total.figures["akhir_kk"],
        total.jiwa("akhir"),
    ]
    assert "<th>JUMLAH</th>" + "".join(f"<td>{n}</td>" for n in cells) in page.text.replace("\n", "").replace(
        "    ", ""
    )
    assert "Perkembangan Penduduk" in page.text and "Jumlah kepala keluarga" in page.text
    assert (
        'href="/dasbor/tahun/18.04.15/2026.xlsx"' in page.text
        and 'href="/dasbor/tahun/18.04.15"' in page.text
    )


async def test_staff_see_their_pekon_and_the_kabupaten_its_year(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        await signed_in(site, client, "ratna")
        pekon = await client.get("/dasbor/tahun/18.04.15.2001?tahun=2026")
        assert pekon.status_code == 200 and "Pekon Sukamaju (18.04.15.2001)" in pekon.text
        assert '<th rowspan="2">Unit</th>' in pekon.text  # a row per unit
        assert (await client.get("/dasbor/tahun/18.04.15")).status_code == 404
        assert (await client.get("/dasbor/tahun/18.04.15.2002")).status_code == 404
        assert (await client.get("/dasbor/tahun/18.04.15.2001?tahun=20x6")).status_code == 404
        empty = await client.get("/dasbor/tahun/18.04.15.2001?tahun=2025")
        assert "Belum ada bulan 2025 yang ditutup" in empty.text and "2025.xlsx" not in empty.text
        assert (await client.get("/dasbor/tahun/18.04.15.2001/2025.xlsx")).status_code == 404
    async with httpx.AsyncClient(base_url=site.url) as client:
        await signed_in(site, client, "dinas")
        kabupaten = await client.get("/dasbor/tahun/18.04")
        assert kabupaten.status_code == 200 and '<th rowspan="2">Kecamatan</th>' in kabupaten.text
    async with site.sessionmaker() as session:
        refused = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "web.out_of_scope"))
        )
    assert [e.after["path"] for e in refused if e.after] == [
        "/dasbor/tahun/18.04.15",
        "/dasbor/tahun/18.04.15.2002",
    ]


async def test_a_complete_year_downloads_the_cli_files(site: Site, tmp_path: Path) -> None:
    async with site.sessionmaker() as session:
        await close_months(session, DEC, now=at(date(2027, 1, 13)))
        await session.commit()
    async with httpx.AsyncClient(base_url=site.url) as client:
        await signed_in(site, client, "camat")
        page = await client.get("/dasbor/tahun/18.04.15?tahun=2026")
        assert "Semua bulan 2026 sudah ditutup." in page.text
        for fmt in ("xlsx", "pdf"):
            got = await client.get(f"/dasbor/tahun/18.04.15/2026.{fmt}")
            assert got.status_code == 200
            assert (
                got.headers["content-disposition"]
                == f'attachment; filename="Rekap-Tahunan_18.04.15_2026.{fmt}"'
            )
            args = ("--kecamatan", KEC, "--year", "2026", "--format", fmt)
            expected = await asyncio.to_thread(cli_file, site.db_url, tmp_path / f"cli.{fmt}", *args)
            assert got.content == expected
    async with site.sessionmaker() as session:
        exports = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "web.export")))
    assert [(e.entity_id, e.after) for e in exports] == [
        (KEC, {"tahun": 2026, "format": "xlsx"}),
        (KEC, {"tahun": 2026, "format": "pdf"}),
    ]
