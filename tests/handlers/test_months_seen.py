"""The month everyone sees exists: a pekon whose data starts in November, seen on 30 November, shows
no October anywhere; staff and the camat name the month they want ("rekap november", "status 10/2026")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.month_names import month_request, parse_month_name
from handlers.recap_text import render_b3_text
from models.event import Event
from models.months import close_months
from models.period import PekonMonth
from models.person import Role
from models.recap import compute_b3
from tests.factories import TRIMULYO, add_member, seed_pekon
from tests.handlers.transcript import Chat, Clock, make_dispatcher

NOV = date(2026, 11, 1)
LAST_DAY = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # 30 November, 10:00 WIB


@dataclass
class Seen:
    """Trimulyo (3 units, baseline November 2026), a pekon without units, staff, a camat, a pemangku."""

    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock

    def chat(self, who: str) -> Chat:
        return Chat(make_dispatcher(self.sessionmaker, self.clock), who, clock=self.clock)


@pytest.fixture
async def seen(session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]) -> Seen:
    units = await seed_pekon(session, units=3, baseline_period=NOV)
    await seed_pekon(session, kode="18.04.15.2006", nama="Kosong", units=0)
    await seed_pekon(session, kode="18.04.15.2007", nama="Baru", units=1, baseline_period=date(2026, 12, 1))
    await add_member(session, "Budi", Role.PEMANGKU, unit=units[0], address="budi")
    await add_member(session, "Ops", Role.STAFF, pekon_kode=TRIMULYO, address="ops")
    await add_member(session, "Camat", Role.CAMAT, kecamatan_kode=TRIMULYO[:8], address="camat")
    return Seen(sessionmaker, Clock(LAST_DAY))


async def test_on_30_november_every_view_shows_november_not_october(seen: Seen) -> None:
    ops = seen.chat("ops")
    status = await ops.say("status")
    assert "Status laporan bulan November 2026, pekon Trimulyo:" in status and "Oktober" not in status
    assert "Sudah: 0 dari 3." in status
    recap = await ops.say("rekap")
    assert "Bulan November 2026" in recap and "Oktober" not in recap
    assert "Belum ada pemangku terdaftar" not in recap and "Awal 717 jiwa" in recap
    assert "November 2026 masih berjalan" in await ops.say("tutup")
    camat = await seen.chat("camat").say("Status Kecamatan")
    assert "Status laporan bulan November 2026, Kecamatan Gedung Surian:" in camat
    assert "Trimulyo: 0/3 pemangku lapor" in camat
    assert "Kosong: belum ada pemangku terdaftar" in camat
    assert "Baru: laporan mulai Desember 2026" in camat
    mine = await seen.chat("budi").say("status")
    assert "Bulan November 2026 untuk Pemangku 1" in mine and "Oktober" not in mine
    async with seen.sessionmaker() as s:
        assert list(await s.scalars(select(PekonMonth.period).where(PekonMonth.period < NOV))) == []


async def test_staff_and_camat_name_the_month(seen: Seen) -> None:
    seen.clock.now = datetime(2027, 1, 10, 3, 0, tzinfo=UTC)
    ops = seen.chat("ops")
    for line in ("rekap november", "REKAP 11/2026", "status 2026-11", "rekap nov 2026", "rekap bulan lalu"):
        answer = await ops.say(line)
        wanted = "Desember 2026" if line.endswith("lalu") else "November 2026"
        assert wanted in answer, line
    assert "Status laporan bulan Desember 2026" in await ops.say("status desember")
    before = await ops.say("rekap oktober")
    assert "Belum ada data untuk Oktober 2026: laporan dimulai bulan November 2026." in before
    assert "Bulan Maret 2027 belum tiba" in await ops.say("rekap 03/2027")
    assert "belum saya kenali sebagai bulan" in await ops.say("rekap kemarau")
    assert "REKAP NOVEMBER" in await ops.say("bantuan")
    assert "STATUS NOVEMBER" in await seen.chat("camat").say("bantuan")
    camat = await seen.chat("camat").say("status november")
    assert "Status laporan bulan November 2026, Kecamatan Gedung Surian:" in camat
    assert "Belum ada data untuk September 2026" in await seen.chat("camat").say("rekap 9/2026")


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [
        ("november", date(2026, 11, 1)),
        ("Nov", date(2026, 11, 1)),
        ("desember", date(2025, 12, 1)),  # a month name without a year: the latest one not to come
        ("bulan desember", date(2025, 12, 1)),
        ("2026-10", date(2026, 10, 1)),
        ("10/2026", date(2026, 10, 1)),
        ("10-26", date(2026, 10, 1)),
        ("okt 2025", date(2025, 10, 1)),
        ("bulan lalu", date(2026, 10, 1)),
        ("bulan ini", date(2026, 11, 1)),
        ("13/2026", None),
        ("kemarau", None),
        ("²/2026", None),
    ],
)
def test_month_names(typed: str, wanted: date | None) -> None:
    assert parse_month_name(typed, date(2026, 11, 30)) == wanted


def test_only_status_rekap_and_daftar_take_a_month() -> None:
    request = month_request("/Rekap  Bulan Lalu")
    assert request is not None and (request.command, request.month_text) == ("rekap", "bulan lalu")
    assert month_request("rekap") is None and month_request("lahir november") is None


async def test_a_month_closed_by_the_schedule_says_so(seen: Seen) -> None:
    seen.clock.now = datetime(2026, 12, 12, 3, 0, tzinfo=UTC)
    budi = seen.chat("budi")
    assert "November 2026" in await budi.say("nihil")
    async with seen.sessionmaker() as s:  # the schedule closes November while budi looks at the question
        await close_months(s, NOV, now=seen.clock.now)
        await s.commit()
    answer = await budi.say("ya")
    assert "Bulan November 2026 sudah ditutup otomatis sesuai jadwal." in answer
    assert "petugas" not in answer
    # a closed month's missing reports did not come: "tidak lapor", as in the books
    status = await seen.chat("ops").say("status november")
    assert "1. Pemangku 1: TIDAK LAPOR" in status and "BELUM" not in status
    recap = await seen.chat("ops").say("rekap november")
    assert "Tidak lapor (3)" in recap and "elum lapor" not in recap


async def test_every_count_in_chat_has_a_thousands_dot(session: AsyncSession) -> None:
    await seed_pekon(session, kode="18.04.15.2008", nama="Besar", units=5, baseline_period=NOV)
    table = await compute_b3(session, "18.04.15.2008", NOV)
    text = render_b3_text(table, pekon_nama="Besar")
    assert "Awal 1.195 jiwa (350 KK) · Akhir 1.195 jiwa (350 KK)" in text
    assert "laki-laki 600 · perempuan 595" in text


async def test_an_event_dated_before_the_first_month_counts_in_the_first_month(seen: Seen) -> None:
    seen.clock.now = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    answers = await seen.chat("budi").script("MENINGGAL Sukardi L 20/10/2026 di rumah", "simpan")
    assert "susulan di bulan November 2026" in answers[-1]
    async with seen.sessionmaker() as s:
        assert list(await s.scalars(select(PekonMonth.period))) == [NOV]
        [event] = list(await s.scalars(select(Event)))
        assert (event.period, event.susulan, event.event_date) == (NOV, True, date(2026, 10, 20))
        table = await compute_b3(s, TRIMULYO, NOV)
    assert table.total.figures["meninggal_wni_l"] == 1
    seen.clock.now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert "Status laporan bulan November 2026" in await seen.chat("ops").say("status")


async def test_staff_daftar_with_a_month_is_the_list_not_a_registration(seen: Seen) -> None:
    ops = seen.chat("ops")
    answer = await ops.say("daftar november")
    assert "sudah terdaftar" not in answer
    assert "November 2026" in answer
    assert "sudah terdaftar" in await ops.say("daftar KODE1234")  # a code is still a registration
