"""A kabupaten for the dashboard bench: Lampung Barat's 15 kecamatan and 136 pekon from the official
region table, 3-6 pemangku units each, 12 months of reports (on time, late, NIHIL, missing), events
at the kabupaten's real rates with an audit entry each as the ledger writes, 11 months closed."""

from __future__ import annotations

import csv
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.recap import advance_sequences
from models.audit import AuditEntry
from models.base import add_months
from models.event import Event, EventPerson
from models.months import close_months
from models.period import Baseline, UnitReport
from models.person import Identity, Member
from models.region import Kecamatan, Pekon, Unit

WILAYAH = Path(__file__).resolve().parent.parent / "models" / "data" / "wilayah.csv"
KABUPATEN = "18.04"
FIRST = date(2026, 1, 1)
MONTHS = 12  # January to December 2026; December is the open month
TODAY = date(2026, 12, 20)
DEADLINE_DAY = 5
# Lampung Barat: about 400 births and 175 deaths a month over ~612 units; moves about as many
RATES = {"lahir": 400 / 612, "meninggal": 175 / 612, "datang": 150 / 612, "pindah": 150 / 612}
NAMES = ["Siti", "Budi", "Made", "Wayan", "Nyoman", "Ketut", "Sari", "Agus", "Dewi", "Rahmat"]


def regions(kabupaten: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The kabupaten's kecamatan and desa-level rows of the official table."""
    kecamatan, pekon = [], []
    with WILAYAH.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not row["kode"].startswith(f"{kabupaten}."):
                continue
            if row["tingkat"] == "kecamatan":
                kecamatan.append(
                    {"kode": row["kode"], "nama": row["nama"], "kabupaten_nama": "Lampung Barat"}
                )
            elif row["tingkat"] in ("desa", "desa_adat", "kelurahan"):
                pekon.append(
                    {
                        "kode": row["kode"],
                        "nama": row["nama"],
                        "tingkat": row["tingkat"],
                        "kecamatan_kode": row["kode"][:8],
                    }
                )
    return kecamatan, pekon


def _poisson(rng: random.Random, mean: float) -> int:
    count, limit, product = 0, pow(2.718281828, -mean), rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _units(pekon: list[dict[str, Any]], rng: random.Random) -> tuple[list[dict[str, Any]], ...]:
    units: list[dict[str, Any]] = []
    baselines: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    identities: list[dict[str, Any]] = []
    for p in pekon:
        for seq in range(1, rng.randint(3, 6) + 1):
            uid = len(units) + 1
            units.append(
                {
                    "id": uid,
                    "kode": f"{p['kode']}-{seq:02d}",
                    "pekon_kode": p["kode"],
                    "seq": seq,
                    "nama": f"Pemangku {seq}",
                    "nama_norm": f"pemangku {seq}",
                }
            )
            baselines.append(
                {
                    "unit_id": uid,
                    "period": FIRST,
                    "wna_l": 0,
                    "wna_p": 0,
                    "wni_l": 260,
                    "wni_p": 255,
                    "kk": 150,
                    "anggota": 365,
                }
            )
            members.append(
                {"id": uid, "name": f"{rng.choice(NAMES)} {uid}", "role": "pemangku", "unit_id": uid}
            )
            identities.append({"member_id": uid, "channel": "telegram", "address": str(100000 + uid)})
    return units, baselines, members, identities


def _month(
    period: date, units: list[dict[str, Any]], rng: random.Random, next_id: int
) -> dict[str, list[Any]]:
    """One month's events, person lines, audit entries and unit reports."""
    events: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    reported = datetime(period.year, period.month, 20, 3, tzinfo=UTC)
    for unit in units:
        count = 0
        for kind, mean in RATES.items():
            for _ in range(_poisson(rng, mean)):
                eid = next_id + len(events)
                events.append(
                    {
                        "id": eid,
                        "receipt": f"B-{eid:07d}",
                        "unit_id": unit["id"],
                        "pekon_kode": unit["pekon_kode"],
                        "kind": kind,
                        "action": "report",
                        "period": period,
                        "event_date": period + timedelta(days=rng.randint(0, 18)),
                        "reported_at": reported,
                        "channel": "telegram",
                        "susulan": False,
                    }
                )
                persons.append(
                    {
                        "event_id": eid,
                        "unit_id": unit["id"],
                        "pekon_kode": unit["pekon_kode"],
                        "period": period,
                        "kind": kind,
                        "sign": 1,
                        "name": rng.choice(NAMES),
                        "name_norm": "x",
                        "sex": rng.choice("LP"),
                        "citizenship": "WNI",
                        "is_head": kind != "lahir" and rng.random() < 0.3,
                    }
                )
                audits.append(
                    {
                        "actor_member_id": unit["id"],
                        "channel": "telegram",
                        "action": "event.report",
                        "entity": "event",
                        "entity_id": str(eid),
                        "after": {"receipt": f"B-{eid:07d}"},
                    }
                )
                count += 1
        roll = rng.random()
        if period == add_months(FIRST, MONTHS - 1) or roll > 0.97:
            continue  # the open month's reports come next month; 3% never report
        late = roll > 0.85
        shift = rng.randint(1, 5) if late else -rng.randint(1, 4)
        day = add_months(period, 1) + timedelta(days=DEADLINE_DAY - 1 + shift)
        reports.append(
            {
                "unit_id": unit["id"],
                "period": period,
                "status": "submitted" if count else "nihil",
                "submitted_at": datetime(day.year, day.month, day.day, 3, tzinfo=UTC),
                "member_id": unit["id"],
                "channel": "telegram",
                "late": late,
            }
        )
    return {"event": events, "event_person": persons, "audit_entry": audits, "unit_report": reports}


async def build(sessionmaker: async_sessionmaker[AsyncSession], seed: int = 5) -> dict[str, int]:
    """Fill an empty, migrated database; returns the row counts."""
    rng = random.Random(seed)
    kecamatan, pekon = regions(KABUPATEN)
    units, baselines, members, identities = _units(pekon, rng)
    counts = {"kecamatan": len(kecamatan), "pekon": len(pekon), "unit": len(units), "event": 0}
    async with sessionmaker() as session:
        for table, rows in (
            (Kecamatan, kecamatan),
            (Pekon, pekon),
            (Unit, units),
            (Baseline, baselines),
            (Member, members),
            (Identity, identities),
        ):
            await session.execute(insert(table), rows)
        await session.commit()
        next_id = 1
        for k in range(MONTHS):
            period = add_months(FIRST, k)
            month = _month(period, units, rng, next_id)
            for model in (Event, EventPerson, AuditEntry, UnitReport):
                if month[model.__tablename__]:
                    await _chunked(session, model, month[model.__tablename__])
            next_id += len(month["event"])
            counts["event"] += len(month["event"])
            if k < MONTHS - 1:
                await close_months(
                    session,
                    period,
                    now=datetime(period.year, period.month, 1, tzinfo=UTC) + timedelta(days=44),
                )
            await session.commit()
        await advance_sequences(await session.connection(), ["unit", "member", "event"])
        await session.commit()
    return counts


async def _chunked(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 2000):
        await session.execute(insert(model), rows[start : start + 2000])
