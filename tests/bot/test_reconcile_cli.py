"""`pemangku daftar import|cek|hapus` as an operator uses them, down to the PDF's text."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.bot.cli_support import BASELINE, REGIONS, UNITS, Invoke, write
from tests.factories import TRIMULYO

PKH = (
    "No;No. Peserta;NIK;Nama;Tgl. Lahir;JK;Dusun\n"
    "1;PKH-1;1804151212800001;Hj. Siti Aminah;12-12-1980;P;Pemangku Sidodadi\n"
    "2;PKH-2;1804151212800001;Siti Aminah;12-12-1980;P;Pemangku Sidodadi\n"
    "3;PKH-3;18041512;Wagimann;;L;Pemangku Sukaraja\n"
)


def setup(cli: Invoke, tmp_path: Path) -> None:
    for args in (
        ("db", "upgrade"),
        ("regions", "import", write(tmp_path, "r.csv", REGIONS)),
        ("units", "import", write(tmp_path, "u.csv", UNITS)),
        ("baseline", "import", write(tmp_path, "b.csv", BASELINE)),
    ):
        assert cli(*args).exit_code == 0


def test_import_check_and_delete_a_list(cli: Invoke, tmp_path: Path) -> None:
    setup(cli, tmp_path)
    done = cli(
        "daftar",
        "import",
        write(tmp_path, "pkh.csv", PKH),
        "--program",
        "pkh",
        "--pekon",
        TRIMULYO,
        "--per",
        "2026-09-01",
        "--oleh",
        "Ratna",
    )
    assert done.exit_code == 0, done.output
    assert f"Daftar PKH {TRIMULYO}: 3 baris diimpor." in done.output
    assert "Kolom diabaikan: No" in done.output
    shown = cli("daftar", "cek", "--pekon", TRIMULYO)
    assert shown.exit_code == 0
    assert "USULAN PERBAIKAN DATA PENERIMA BANTUAN" in shown.output
    assert "Daftar PKH: per 01-09-2026, sumber pkh.csv, 3 baris, diimpor oleh Ratna" in shown.output
    assert "Siti Aminah | ************0001 | 3 | sama dengan baris 2" in shown.output
    assert "Wagimann | ****1512 | 4 | NIK tidak sah" in shown.output
    never = shown.output.split("BELUM PERNAH LAPOR (BELUM BISA DICEK)")[1]  # no unit has reported yet
    assert "1 | PKH | Pemangku Sidodadi | Hj. Siti Aminah | ************0001 | 2" in never
    assert "1804151212800001" not in shown.output  # NIKs masked
    gone = cli("daftar", "hapus", "--pekon", TRIMULYO, "--program", "PKH")
    assert gone.exit_code == 0 and "3 baris dihapus" in gone.output
    assert "Belum ada daftar penerima bantuan" in cli("daftar", "cek", "--pekon", TRIMULYO).output


def test_a_bad_file_is_refused_naming_row_and_column(cli: Invoke, tmp_path: Path) -> None:
    setup(cli, tmp_path)
    bad = PKH + "4;PKH-4;1804151212800009;Rina;31-02-1980;X;\n"
    refused = cli(
        "daftar", "import", write(tmp_path, "bad.csv", bad), "--program", "PKH", "--pekon", TRIMULYO
    )
    assert refused.exit_code == 2
    assert "baris 5: kolom 'Tgl. Lahir': tanggal '31-02-1980' tidak terbaca" in refused.output
    assert "baris 5: kolom 'JK': jenis kelamin 'X' harus L atau P" in refused.output
    assert "Belum ada daftar" in cli("daftar", "cek", "--pekon", TRIMULYO).output


@pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"), reason="poppler-utils")
def test_the_pdf_reads_as_the_usulan_with_the_signature_block(cli: Invoke, tmp_path: Path) -> None:
    setup(cli, tmp_path)
    cli("daftar", "import", write(tmp_path, "pkh.csv", PKH), "--program", "PKH", "--pekon", TRIMULYO)
    out = tmp_path / "usulan.pdf"
    assert cli("daftar", "cek", "--pekon", TRIMULYO, "--format", "pdf", "--out", out).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o600
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in (
        "USULAN PERBAIKAN DATA PENERIMA BANTUAN",
        "NIK TERCATAT DUA KALI DALAM SATU DAFTAR",
        "KEPALA PEKON TRIMULYO",
        "sama dengan baris 2",
    ):
        assert words in text
    xlsx = tmp_path / "usulan.xlsx"
    assert cli("daftar", "cek", "--pekon", TRIMULYO, "--format", "xlsx", "--out", xlsx).exit_code == 0
    assert xlsx.read_bytes().startswith(b"PK")
