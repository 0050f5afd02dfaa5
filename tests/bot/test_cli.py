"""The operator CLI as an operator uses it: files in, words and exit codes out, the database checked."""

from __future__ import annotations

import asyncio
import csv
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import app
from bot.commands.database import upgrade_message
from bot.commands.export import write_dumps
from bot.commands.jobs import PassName
from bot.commands.recap import COLUMN_KEYS, load_recap, recap_json
from bot.config import get_settings
from bot.db import make_engine, make_sessionmaker
from jobs.scheduler import PASSES
from models.audit import AuditEntry
from models.event import EventKind, Sex
from models.export import export_pekon
from models.invites import redeem_invite
from models.ledger import record_event, submit_report
from models.period import Baseline, ReportStatus
from models.person import Member, Role
from models.person_input import PersonInput
from models.recap import compute_b3
from models.region import Kecamatan, Pekon, Unit
from tests.bot.cli_support import BASELINE, REGIONS, UNITS, Invoke, write
from tests.factories import TRIMULYO, seed_pekon


async def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            tables = (Kecamatan, Pekon, Unit, Baseline, Member)
            return {
                t.__tablename__: int(await session.scalar(select(func.count()).select_from(t)) or 0)
                for t in tables
            }
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "kode,nama\n18.04.15,Gedung Surian\n18.04.01.2001,Entah\n",
            "baris 3: kode '18.04.01.2001' tidak ada",
        ),
        ("kode,nama\n18.04.15.2005,Mekar Jaya Baru\n", "tidak cocok dengan nama resmi 'Mekarjaya'"),
        ("kode,nama\n18.04.16.2001,Sukabumi\n", "baris 2"),
        ("kode;nama\n18.04.15.2005\n", "baris 2: kolom 'nama' kosong"),
        ("nama\nTrimulyo\n", "kolom 'kode' tidak ada di baris judul"),
        ("", "berkas kosong"),
        (b"kode,nama\n18.04.15.2005,Mekarj\xe4ya\n", "baris 2: berkas bukan UTF-8"),
    ],
)
def test_a_bad_regions_file_is_refused_and_nothing_changes(
    cli: Invoke, db_url: str, tmp_path: Path, content: str | bytes, words: str
) -> None:
    assert cli("regions", "import", write(tmp_path, "ok.csv", REGIONS)).exit_code == 0
    before = asyncio.run(_counts(db_url))
    result = cli("regions", "import", write(tmp_path, "bad.csv", content))
    assert result.exit_code == 2
    assert "basis data tidak berubah" in result.stderr
    assert words in result.stderr
    assert asyncio.run(_counts(db_url)) == before


def test_an_operator_sets_up_a_pekon_and_reads_its_recap(cli: Invoke, db_url: str, tmp_path: Path) -> None:
    assert "1 pekon baru" in cli("regions", "import", write(tmp_path, "r.csv", REGIONS)).stdout
    units = cli("units", "import", write(tmp_path, "u.csv", UNITS))
    assert units.exit_code == 0 and f"{TRIMULYO}-02\tPemangku Sukaraja" in units.stdout
    added = cli("units", "add", "--pekon", TRIMULYO, "--name", "Pemangku  Marga Mulya")
    assert added.stdout.strip() == f"{TRIMULYO}-03\tPemangku Marga Mulya"
    duplicate = cli("units", "import", write(tmp_path, "u2.csv", UNITS))
    assert duplicate.exit_code == 2 and f"sudah ada di pekon ini ({TRIMULYO}-01)" in duplicate.stderr
    bad_baseline = cli("baseline", "import", write(tmp_path, "b0.csv", BASELINE.replace("169", "170")))
    assert bad_baseline.exit_code == 2 and "tidak sama dengan KK+anggota" in bad_baseline.stderr
    assert "2 baru" in cli("baseline", "import", write(tmp_path, "b.csv", BASELINE)).stdout
    assert asyncio.run(_counts(db_url))["baseline"] == 2

    recap = cli("recap", "--pekon", TRIMULYO, "--month", "2026-10")
    assert recap.exit_code == 0
    assert "Rekap B.3 Pekon Trimulyo" in recap.stdout and "Oktober 2026" in recap.stdout
    assert "Belum lapor (3): Pemangku Sidodadi, Pemangku Sukaraja, Pemangku Marga Mulya" in recap.stdout
    out = tmp_path / "b3.json"
    assert (
        cli("recap", "--pekon", TRIMULYO, "--month", "2026-10", "--format", "json", "--out", out).exit_code
        == 0
    )
    data = json.loads(out.read_text())
    assert data["total"]["awal_jiwa"] == 239 + 185 and data["status"] == "open"

    exported = cli("export", "--pekon", TRIMULYO, "--out", tmp_path / "export")
    assert exported.exit_code == 0 and (tmp_path / "export" / "units.csv").exists()


def test_recap_refuses_unknown_pekon_and_bad_month(cli: Invoke) -> None:
    unknown = cli("recap", "--pekon", TRIMULYO, "--month", "2026-10")
    assert unknown.exit_code == 2 and "belum terdaftar" in unknown.stderr
    assert cli("recap", "--pekon", TRIMULYO, "--month", "Oktober").exit_code == 2


def test_an_invite_code_printed_by_the_cli_registers_its_person(
    cli: Invoke, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("regions", "import", write(tmp_path, "r.csv", REGIONS))
    cli("units", "import", write(tmp_path, "u.csv", UNITS))
    monkeypatch.setenv("PEMANGKU_TELEGRAM_BOT_USERNAME", "@pemangku_test_bot")
    get_settings.cache_clear()
    result = cli("invite", "--role", "pemangku", "--unit", f"{TRIMULYO}-02", "--name", "Wartini")
    assert result.exit_code == 0
    code = re.search(r"DAFTAR (\w{4}-\w{4})", result.stdout)
    assert code is not None
    assert f"https://t.me/pemangku_test_bot?start={code.group(1).replace('-', '')}" in result.stdout

    async def redeem() -> tuple[str, str | None]:
        engine = make_engine(db_url)
        async with make_sessionmaker(engine)() as session, session.begin():
            done = await redeem_invite(session, code.group(1), channel="console", address="wartini")
            unit = await session.get(Unit, done.member.unit_id)
        await engine.dispose()
        return done.member.name, unit.kode if unit else None

    assert asyncio.run(redeem()) == ("Wartini", f"{TRIMULYO}-02")
    wrong = cli("invite", "--role", "staff", "--kecamatan", "18.04.15")
    assert wrong.exit_code == 2 and "--pekon" in wrong.stderr
    unknown = cli("invite", "--role", "pemangku", "--unit", f"{TRIMULYO}-09")
    assert unknown.exit_code == 2 and "belum terdaftar" in unknown.stderr


def test_demo_builds_trimulyo_and_prints_its_recap(cli: Invoke, db_url: str) -> None:
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert "Rekap B.3 Pekon Trimulyo (18.04.15.2004)" in first.stdout
    assert "Belum lapor (2): Pemangku Marga Mulya, Pemangku Tanjung Sari" in first.stdout
    assert "Awal 1.340 jiwa (390 KK) · Akhir 1.343 jiwa (390 KK)" in first.stdout
    counts = asyncio.run(_counts(db_url))
    assert (counts["pekon"], counts["unit"], counts["baseline"]) == (1, 4, 4)
    again = cli("demo")
    if db_url.startswith("sqlite"):
        assert again.exit_code == 0 and "dibuat ulang dari awal" in again.stdout
        assert asyncio.run(_counts(db_url)) == counts
    else:  # a server database is never wiped; the demo wants an empty one
        assert again.exit_code == 2 and "basis data kosong" in again.stderr


# --- the functions behind the commands, awaited directly ------------------------------------------


async def _a_month(session: AsyncSession) -> list[Unit]:
    units = await seed_pekon(session, units=3, baseline_period=date(2026, 10, 1))
    family = [
        PersonInput("Hendra", Sex.L, is_head=True, nik="1804151203850003", origin="Liwa"),
        PersonInput("Rina", Sex.P, nik="1804156107880004", origin="Liwa"),
    ]
    for unit, kind, persons in [
        (units[0], EventKind.LAHIR, [PersonInput("Bayi", Sex.P)]),
        (units[1], EventKind.DATANG, family),
        (units[2], EventKind.MENINGGAL, [PersonInput("Wagiman", Sex.L, is_head=True)]),
    ]:
        await record_event(
            session,
            unit=unit,
            kind=kind,
            persons=persons,
            event_date=date(2026, 10, 9),
            reporter_id=None,
            channel="console",
        )
    await submit_report(
        session,
        unit=units[0],
        period=date(2026, 10, 1),
        status=ReportStatus.SUBMITTED,
        member_id=None,
        channel="console",
        deadline_day=5,
    )
    await session.commit()
    return units


async def test_recap_json_has_the_33_columns_and_totals_of_compute_b3(session: AsyncSession) -> None:
    await _a_month(session)
    recap = await load_recap(session, TRIMULYO, date(2026, 10, 1))
    assert recap is not None
    data = json.loads(json.dumps(recap_json(recap)))
    table = await compute_b3(session, TRIMULYO, date(2026, 10, 1))
    assert len(COLUMN_KEYS) == 33 and data["columns"] == list(COLUMN_KEYS)
    expected_total = dict(zip(COLUMN_KEYS, table.total.columns(), strict=True))
    assert {k: data["total"][k] for k in COLUMN_KEYS if k != "keterangan"} == {
        k: v for k, v in expected_total.items() if k != "keterangan"
    }
    assert [r["akhir_jiwa"] for r in data["rows"]] == [r.akhir_jiwa for r in table.rows]
    assert [r["keterangan"] for r in data["rows"]] == [["submitted", "late"], ["missing"], ["missing"]]
    assert (
        data["total"]["datang_wni_l"],
        data["total"]["meninggal_wni_l"],
        data["total"]["lahir_wni_p"],
    ) == (1, 1, 1)


async def test_export_writes_every_table_and_is_audited(session: AsyncSession, tmp_path: Path) -> None:
    await _a_month(session)
    dumps = await export_pekon(session, TRIMULYO, target=str(tmp_path))
    await session.commit()
    assert dumps is not None
    paths = write_dumps(dumps, tmp_path / "out")
    names = {p.name for p in paths}
    assert {"units.csv", "members.csv", "identities.csv", "events.csv", "event_persons.csv"} <= names
    assert {"unit_reports.csv", "months.csv", "snapshots.csv", "audit.csv", "baselines.csv"} <= names
    with (tmp_path / "out" / "event_persons.csv").open(encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))
    assert {p["nik"] for p in people} == {"", "1804151203850003", "1804156107880004"}
    with (tmp_path / "out" / "audit.csv").open(encoding="utf-8") as handle:
        audit = list(csv.DictReader(handle))
    assert audit[-1]["action"] == "export" and audit[-1]["entity_id"] == TRIMULYO
    assert sum(1 for a in audit if a["action"] == "event.report") == 3
    stored = await session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert stored is not None and stored.after == {"target": str(tmp_path)}
    assert await export_pekon(session, "18.04.15.2005", target="x") is None


async def test_export_leaves_out_other_pekon(session: AsyncSession, tmp_path: Path) -> None:
    await _a_month(session)
    await seed_pekon(session, kode="18.04.15.2005", nama="Mekarjaya", units=2)
    dumps = await export_pekon(session, "18.04.15.2005", target="x")
    assert dumps is not None
    by_name = {d.name: d for d in dumps}
    assert len(by_name["units"].rows) == 2 and by_name["events"].rows == []
    assert all(Role.PEMANGKU not in row for row in by_name["members"].rows)


def test_recap_refuses_a_month_before_the_first_month_of_data(cli: Invoke, tmp_path: Path) -> None:
    cli("regions", "import", write(tmp_path, "r.csv", REGIONS))
    cli("units", "import", write(tmp_path, "u.csv", UNITS))
    cli("baseline", "import", write(tmp_path, "b.csv", BASELINE.replace("2026-10", "2026-11")))
    for fmt in ("text", "pdf"):
        out = tmp_path / "x"
        before = cli("recap", "--pekon", TRIMULYO, "--month", "2026-10", "--format", fmt, "--out", out)
        assert before.exit_code == 2 and "data dimulai bulan 2026-11" in before.stderr
        assert not (tmp_path / "x").exists()
    november = cli("recap", "--pekon", TRIMULYO, "--month", "2026-11")
    assert november.exit_code == 0 and "November 2026" in november.stdout


# --- invites as staff see them, the schema command, the language of help ---------------------------


def test_staff_see_why_an_invite_cannot_be_used(
    cli: Invoke, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("regions", "import", write(tmp_path, "r.csv", REGIONS))
    cli("units", "import", write(tmp_path, "u.csv", UNITS))
    codes = []
    for name in ("Wartini", "Darto"):
        made = cli("invite", "--role", "pemangku", "--unit", f"{TRIMULYO}-01", "--name", name)
        found = re.search(r"DAFTAR (\w{4}-\w{4})", made.stdout)
        assert found is not None
        codes.append(found.group(1))

    async def redeem() -> None:
        engine = make_engine(db_url)
        async with make_sessionmaker(engine)() as session, session.begin():
            await redeem_invite(session, codes[0], channel="console", address="wartini")
        await engine.dispose()

    asyncio.run(redeem())
    monkeypatch.setenv("COLUMNS", "200")  # rich's table width
    listing = cli("invites", "--pekon", TRIMULYO)
    assert listing.exit_code == 0, listing.output
    lines = listing.stdout.splitlines()
    [used] = [line for line in lines if codes[0] in line]
    [open_] = [line for line in lines if codes[1] in line]
    assert "sudah dipakai" in used and "oleh Wartini" in used and "Darto" in open_ and "berlaku" in open_
    one = cli("invites", "--code", codes[1].lower().replace("-", ""))
    assert codes[1] in one.stdout and "berlaku" in one.stdout
    assert "tidak pernah dibuat" in cli("invites", "--code", "AAAA-AAAA").stdout

    async def views() -> int:
        engine = make_engine(db_url)
        async with make_sessionmaker(engine)() as session:
            found = await session.scalars(select(AuditEntry).where(AuditEntry.action == "invite.list"))
            count = len(list(found))
        await engine.dispose()
        return count

    assert asyncio.run(views()) == 2  # each listing that named people is audited


def test_db_upgrade_says_whether_it_created_the_schema(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEMANGKU_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'brand-new.sqlite3'}")
    get_settings.cache_clear()
    head = ScriptDirectory(str(MIGRATIONS.parent)).get_current_head()  # a branch's id may be "0009_x"
    first = cli("db", "upgrade")
    assert (first.exit_code, first.stdout.strip()) == (0, f"Skema basis data dibuat (revisi {head}).")
    again = cli("db", "upgrade")
    assert f"sudah terbaru (revisi {head}); tidak ada yang diubah" in again.stdout
    assert upgrade_message("0000", "0001") == "Skema basis data diperbarui dari revisi 0000 ke 0001."


MIGRATIONS = Path(__file__).resolve().parents[2] / "models" / "migrations" / "versions"
ENGLISH = re.compile(
    r"\b(the|and|of|to|for|with|or|an?|is|this|show|message|options?|usage|arguments?|commands?|"
    r"required|default|print|create|import|export|write|run|file|month|chat|install|completion)\b",
)


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    children = getattr(command, "commands", {})
    return [path] + [p for name, child in children.items() for p in _command_paths(child, (*path, name))]


def test_every_help_is_in_indonesian(cli: Invoke) -> None:
    paths = _command_paths(typer.main.get_command(app))
    assert ("baseline", "import") in paths and ("invites",) in paths and len(paths) >= 17
    for path in paths:
        result = cli(*path, "--help")
        assert result.exit_code == 0, path
        # command and option names (kept for operators' scripts), metavars and formats are not prose
        names = re.sub(r"(?m)^│ [a-z]+ |^ *Cara pakai: .*$", " ", result.stdout)
        prose = re.sub(r"--?[\w-]+|<[^>]*>|\b[A-Z][A-Z_-]+\b|\b(text|json|xlsx|pdf)\b", " ", names)
        words = {m.group(0) for m in ENGLISH.finditer(prose.lower())}
        assert not words, f"{' '.join(path)} --help has English: {sorted(words)}"
    baseline_help = " ".join(re.sub("[│╭╮╰╯─]", " ", cli("baseline", "import", "--help").stdout).split())
    assert "bulan (YYYY-MM) adalah bulan PERTAMA yang dilaporkan unit itu" in baseline_help


def test_jobs_run_offers_every_pass() -> None:
    assert set(PassName) == {*PASSES, "all"}


def test_a_database_without_schema_is_one_line_not_a_traceback(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEMANGKU_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    get_settings.cache_clear()
    result = cli("recap", "--pekon", TRIMULYO, "--month", "2026-10")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Gagal: basis data tidak bisa dipakai") and "pemangku db upgrade" in line
