"""`pemangku daftar import|cek|hapus`: beneficiary lists (PKH, PBI-JK, BPNT, BLT-DD ...) checked
against the ledger, and the 'Usulan Perbaikan Data Penerima Bantuan' for the village meeting."""

from __future__ import annotations

import getpass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import params
from bot.commands.bahasa import Command, new_group
from bot.commands.support import PROBLEM_WORDS, fail, readable, refuse, run, write_private
from bot.config import get_settings
from jobs.documents.usulan import UsulanData, load_usulan, usulan_pdf, usulan_text, usulan_xlsx
from models.audit import record_audit
from models.base import utcnow, wib_date
from models.beneficiary_file import FIELDS, parse_map
from models.beneficiary_import import (
    ImportResult,
    ListMeta,
    delete_lists,
    normal_program,
)
from models.beneficiary_match import refresh_matches_in
from models.beneficiary_stream import import_list
from models.csvfile import ImportRejected
from models.region import Pekon

# The words for this import's own problems, beside the shared ones (bot/commands/support.py).
PROBLEM_WORDS.update(
    {
        "not_xlsx": "berkas .xlsx rusak atau bukan lembar kerja Excel",
        "bad_date": "kolom '{column}': tanggal '{value}' tidak terbaca (tulis 13-05-1980) atau di masa depan",
        "bad_sex": "kolom '{column}': jenis kelamin '{value}' harus L atau P",
        "value_too_long": "kolom '{column}': isian terlalu panjang",
        "unknown_pekon_in_row": "kolom '{column}': pekon '{value}' tidak ada di kecamatan ini",
        "list_older": "pekon {kode} sudah punya daftar program ini per {per}, lebih baru dari --per",
    }
)
FILE_HELP = (
    "CSV (koma atau titik koma, UTF-8) atau XLSX (lembar pertama). Judul kolom yang dikenali: NIK, NAMA, "
    "NO KK, TANGGAL/TGL LAHIR, TEMPAT LAHIR, JK, ALAMAT, DUSUN/PEMANGKU, NO PESERTA, dan PEKON/DESA "
    "untuk daftar satu kecamatan; kolom lain diabaikan. NIK dan NAMA wajib."
)
MAP_HELP = f"Judul kolom lain untuk sebuah isian: KOLOM=isian; isian salah satu dari {', '.join(FIELDS)}"


PEKON_OPTION = typer.Option("--pekon", help="Kode pekon, mis. 18.04.15.2004", metavar="KODE")


class UsulanFormat(StrEnum):
    """Output formats of `daftar cek`."""

    TEXT = "text"
    XLSX = "xlsx"
    PDF = "pdf"


def _program(raw: str) -> str:
    program = normal_program(raw)
    if program is None:
        raise typer.BadParameter(f"'{raw}' bukan nama program (huruf/angka, paling panjang 20), mis. PKH")
    return program


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise typer.BadParameter(f"'{raw}' bukan tanggal YYYY-MM-DD") from None


async def _pekons(session: AsyncSession, pekon: str | None, kecamatan: str | None) -> list[Pekon]:
    if (pekon is None) == (kecamatan is None):
        fail("sebutkan tepat satu: --pekon KODE atau --kecamatan KODE")
    stmt = (
        select(Pekon).where(Pekon.kode == pekon)
        if pekon
        else select(Pekon).where(Pekon.kecamatan_kode == kecamatan)
    )
    found = list(await session.scalars(stmt.order_by(Pekon.kode)))
    if not found:
        fail(f"{'pekon' if pekon else 'kecamatan'} {pekon or kecamatan} belum terdaftar")
    return found


def _import(
    file: Path, meta: ListMeta, pekon: str | None, kecamatan: str | None, maps: list[str]
) -> ImportResult:
    try:
        mapping = parse_map(maps)
    except ValueError as bad:
        fail(f"--map '{bad}' harus KOLOM=isian; isian salah satu dari {', '.join(FIELDS)}")
    readable(file)

    async def work(session: AsyncSession) -> ImportResult:
        pekons = await _pekons(session, pekon, kecamatan)
        result = await import_list(session, file, pekons, meta, wib_date(utcnow()), mapping=mapping)
        await refresh_matches_in(session, list(result.list_ids))
        return result

    try:
        return run(work)
    except ImportRejected as rejected:
        refuse(f"{file} tidak diimpor", rejected)


def _write_usulan(pekon: str, program: str | None, fmt: UsulanFormat, out: Path | None) -> None:
    async def work(session: AsyncSession) -> UsulanData:
        await _pekons(session, pekon, None)
        data = await load_usulan(
            session, pekon, program, today=wib_date(utcnow()), village_word=get_settings().village_word
        )
        action = "list.view" if fmt == UsulanFormat.TEXT and out is None else "beneficiary_list.export"
        record_audit(
            session, actor_member_id=None, channel="cli", action=action, entity="pekon", entity_id=pekon,
            after={"list": "usulan_perbaikan", "program": program, "format": fmt, "rows": len(data.findings)},
        )  # fmt: skip
        return data

    data = run(work)
    if fmt == UsulanFormat.TEXT and out is None:
        typer.echo(usulan_text(data))
        return
    output = {
        UsulanFormat.TEXT: lambda d: usulan_text(d).encode(),
        UsulanFormat.XLSX: usulan_xlsx,
        UsulanFormat.PDF: usulan_pdf,
    }
    path = out or Path(f"Usulan-Perbaikan_{pekon}_{program or 'semua'}_{data.signed_on:%Y-%m-%d}.{fmt}")
    write_private({path: output[fmt](data)})
    typer.echo(f"Usulan ditulis ke {path}", err=True)


def register(app: typer.Typer) -> None:
    """Add the `daftar` group."""
    daftar = new_group("Daftar penerima bantuan (PKH, PBI-JK, BPNT, BLT-DD) dicek dengan buku mutasi.")

    @daftar.command("import", cls=Command)
    def daftar_import(
        file: Annotated[Path, typer.Argument(help=FILE_HELP, metavar="BERKAS", show_default=False)],
        program: Annotated[
            str, typer.Option("--program", parser=_program, metavar="PROGRAM", help="mis. PKH")
        ],
        pekon: Annotated[str | None, PEKON_OPTION] = None,
        kecamatan: Annotated[
            str | None,
            typer.Option("--kecamatan", metavar="KODE", help="Daftar satu kecamatan (kolom PEKON/DESA)"),
        ] = None,
        per: Annotated[
            date | None,
            typer.Option("--per", parser=_day, metavar="YYYY-MM-DD", help="Tanggal data (bawaan: hari ini)"),
        ] = None,
        sumber: Annotated[
            str | None, typer.Option("--sumber", parser=params.text(200), help="Asal daftar")
        ] = None,
        oleh: Annotated[
            str | None, typer.Option("--oleh", parser=params.text(120), help="Nama pengimpor")
        ] = None,
        maps: Annotated[list[str] | None, typer.Option("--map", metavar="KOLOM=isian", help=MAP_HELP)] = None,
    ) -> None:
        """Impor daftar penerima; versi baru mengganti yang lama (yang lama disimpan untuk audit)."""
        meta = ListMeta(program, sumber or file.name, per or wib_date(utcnow()), oleh or getpass.getuser())
        result = _import(file, meta, pekon, kecamatan, maps or [])
        for kode, rows in result.rows.items():
            typer.echo(f"Daftar {program} {kode}: {rows} baris diimpor.")
        if result.replaced:
            typer.echo(f"{result.replaced} daftar lama diganti (tetap disimpan untuk audit).")
        if result.ignored:
            typer.echo(f"Kolom diabaikan: {', '.join(result.ignored)}")

    @daftar.command("cek", cls=Command)
    def daftar_cek(
        pekon: Annotated[str, PEKON_OPTION],
        program: Annotated[str | None, typer.Option("--program", parser=_program, metavar="PROGRAM")] = None,
        fmt: Annotated[
            UsulanFormat,
            typer.Option("--format", parser=params.choice(UsulanFormat), metavar="text|xlsx|pdf"),
        ] = UsulanFormat.TEXT,
        out: Annotated[
            Path | None,
            typer.Option("--out", parser=params.output_file, metavar="BERKAS", help="Tulis ke berkas ini"),
        ] = None,
    ) -> None:
        """Usulan Perbaikan Data Penerima Bantuan: yang meninggal, pindah, ganda, NIK tidak sah."""
        _write_usulan(pekon.strip(), program, fmt, out)

    @daftar.command("hapus", cls=Command)
    def daftar_hapus(
        pekon: Annotated[str, PEKON_OPTION],
        program: Annotated[str, typer.Option("--program", parser=_program, metavar="PROGRAM")],
        oleh: Annotated[
            str | None, typer.Option("--oleh", parser=params.text(120), help="Nama penghapus")
        ] = None,
    ) -> None:
        """Hapus semua versi daftar satu program satu pekon beserta kecocokannya (tercatat di audit)."""

        async def work(session: AsyncSession) -> int:
            await _pekons(session, pekon.strip(), None)
            return await delete_lists(session, pekon.strip(), program, actor=oleh or getpass.getuser())

        typer.echo(f"Daftar {program} {pekon}: {run(work)} baris dihapus.")

    app.add_typer(daftar, name="daftar")
