"""`pemangku rekap-tahunan` as an operator uses it: every format and level, refusals, identical files."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.db import make_engine, make_sessionmaker
from tests.bot.cli_support import Invoke
from tests.factories import TRIMULYO
from tests.models.test_annual import seed_year


def _seed(url: str, closed_months: int) -> None:
    async def work() -> None:
        engine = make_engine(url)
        async with make_sessionmaker(engine)() as session:
            await seed_year(session, closed_months)
        await engine.dispose()

    asyncio.run(work())


def test_text_and_json_of_a_complete_year(cli: Invoke, db_url: str) -> None:
    _seed(db_url, 12)
    text = cli("rekap-tahunan", "--pekon", TRIMULYO, "--year", "2026")
    assert text.exit_code == 0, text.stderr
    out = text.stdout
    assert "Rekap tahunan 2026 · Pekon Trimulyo (18.04.15.2004)" in out
    assert "Semua bulan 2026 sudah ditutup." in out
    assert "Perkembangan Penduduk (2025 → 2026)" in out
    assert "Jumlah total: 478 → 480 (+0,4%)" in out
    assert "KK kepala perempuan: 20 → 21 (+5,0%)" in out
    data = json.loads(
        cli("rekap-tahunan", "--kecamatan", "18.04.15", "--year", "2026", "--format", "json").stdout
    )
    assert data["status"] == "final" and data["tingkat"] == "kecamatan"
    assert [r["nama"] for r in data["rows"]] == ["Trimulyo", "Sidodadi"]
    assert data["rows"][0]["akhir_jiwa"] == 480 and data["rows"][0]["datang_wni_p"] == 2
    assert data["total"]["akhir_kk_p"] == 10 * 5 + 1


def test_a_provisional_year_names_its_open_months(cli: Invoke, db_url: str) -> None:
    _seed(db_url, 11)
    out = cli("rekap-tahunan", "--kabupaten", "18.04", "--year", "2026").stdout
    assert "Angka sementara: Desember belum ditutup." in out
    assert "Kabupaten Lampung Barat (18.04)" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--pekon", "18.04.15.2099", "--year", "2026"), "pekon 18.04.15.2099 belum terdaftar"),
        (("--pekon", TRIMULYO, "--kecamatan", "18.04.15", "--year", "2026"), "tepat satu"),
        (("--year", "2026"), "tepat satu"),
        (("--pekon", TRIMULYO, "--year", "26"), "--year"),
        (("--pekon", TRIMULYO, "--year", "2026", "--format", "doc"), "--format"),
    ],
)
def test_refusals(cli: Invoke, db_url: str, args: tuple[str, ...], words: str) -> None:
    _seed(db_url, 1)
    result = cli("rekap-tahunan", *args)
    assert result.exit_code == 2 and words in result.stderr


def test_files_are_identical_when_made_again(cli: Invoke, db_url: str, tmp_path: Path) -> None:
    _seed(db_url, 12)
    made: dict[str, list[bytes]] = {}
    for attempt in range(2):
        for fmt in ("xlsx", "pdf"):
            out = tmp_path / f"{attempt}.{fmt}"
            result = cli(
                "rekap-tahunan", "--pekon", TRIMULYO, "--year", "2026", "--format", fmt, "--out", out
            )
            assert result.exit_code == 0, result.stderr
            assert out.stat().st_mode & 0o777 == 0o600
            made.setdefault(fmt, []).append(out.read_bytes())
    assert made["xlsx"][0] == made["xlsx"][1] and made["pdf"][0] == made["pdf"][1]
    default = cli("rekap-tahunan", "--kecamatan", "18.04.15", "--year", "2026", "--format", "pdf")
    assert default.exit_code == 0 and (tmp_path / "Rekap-Tahunan_18.04.15_2026.pdf").exists()
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "0.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "REKAPITULASI JUMLAH PENDUDUK TAHUNAN" in text and "TAHUN 2026" in text
    assert "PERKEMBANGAN PENDUDUK" in text and "KEPALA PEKON TRIMULYO" in text
