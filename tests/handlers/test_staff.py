"""Staff and camat: status, recap, who reported what, closing and reopening; each sees only their scope."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from handlers.questions import unstamp
from handlers.texts import conversation_words, error_words, report_words, staff_words
from models.audit import AuditEntry
from models.outbox import OutboxMessage
from models.period import MonthStatus, PekonMonth
from models.person import Member
from tests.factories import TRIMULYO
from tests.handlers.conftest import OTHER_PEKON, World
from tests.handlers.transcript import keyboard_ids

NIK = "1804150101900001"


async def _november_reports(world: World) -> None:
    """On 2 December: budi submits a death (with a NIK), sari says NIHIL; joko has not reported."""
    budi = world.chat("budi")
    await budi.script(f"MENINGGAL Sukardi L 10/11/2026 di rumah KK NIK {NIK}", "simpan")
    world.clock.advance(days=12)
    await budi.script("kirim", "ya")
    await world.chat("sari").script("nihil", "ya")


async def test_status_per_unit(world: World) -> None:
    await _november_reports(world)
    answer = await world.chat("ops").say("Status Bulan Ini")
    assert "Status laporan bulan November 2026, pekon Trimulyo:" in answer
    assert "1. Pemangku 1: sudah kirim" in answer
    assert "2. Pemangku 2: NIHIL" in answer
    assert "3. Pemangku 3: BELUM LAPOR" in answer
    assert "Sudah: 2 dari 3. Belum: Pemangku 3." in answer


async def test_recap_on_demand_is_the_b3_text(world: World) -> None:
    await _november_reports(world)
    answer = await world.chat("ops").say("rekap")
    assert "Rekap B.3 Pekon Trimulyo" in answer and "November 2026" in answer
    assert "Meninggal 1" in answer and "Belum lapor (1): Pemangku 3" in answer


async def test_who_reported_what_masks_the_nik_and_is_audited(world: World) -> None:
    await _november_reports(world)
    answer = await world.chat("ops").say("Siapa Lapor Apa")
    assert "Pemangku 1 · kematian · Sukardi (L) · NIK ************0001" in answer
    assert "oleh Budi" in answer and NIK not in answer
    async with world.sessionmaker() as s:
        [view] = list(await s.scalars(select(AuditEntry).where(AuditEntry.action == "list.view")))
    assert view.entity_id == TRIMULYO and view.after is not None and view.after["rows"] == 1


async def test_close_waits_for_every_unit_then_closes_and_reopens(world: World) -> None:
    await _november_reports(world)
    ops = world.chat("ops")
    answer = await ops.say("Tutup Bulan")
    assert "November 2026 belum bisa ditutup. Belum lapor: Pemangku 3." in answer
    await world.chat("joko").script("nihil", "ya")
    assert "Tutup bulan November 2026 untuk pekon Trimulyo?" in await ops.say("tutup")
    assert "Bulan November 2026 sudah ditutup" in await ops.say("ya")
    async with world.sessionmaker() as s:
        month = await s.scalar(select(PekonMonth).where(PekonMonth.period == date(2026, 11, 1)))
    assert month is not None and month.status == MonthStatus.CLOSED and month.revision == 1
    # after the close staff look at December, which is still running
    assert "masih berjalan" in await ops.say("tutup")
    assert staff_words.STAFF_REOPEN_NEED_REASON in await ops.say("buka bulan")
    answer = await ops.say("BUKA BULAN ada kelahiran yang terlewat")
    assert "Bulan November 2026 dibuka lagi. Alasan: ada kelahiran yang terlewat." in answer
    async with world.sessionmaker() as s:
        month = await s.scalar(select(PekonMonth).where(PekonMonth.period == date(2026, 11, 1)))
    assert month is not None and month.status == MonthStatus.OPEN


async def test_a_late_report_after_the_close_is_susulan(world: World) -> None:
    await _november_reports(world)
    await world.chat("joko").script("nihil", "ya")
    await world.chat("ops").script("tutup", "ya")
    answer = await world.chat("joko").script("LAHIR Bayu L 28-11-2026 di rumah ibu Ani ayah -", "simpan")
    assert "dicatat sebagai susulan di bulan Desember 2026" in answer[-1]


async def test_staff_see_only_their_pekon(world: World) -> None:
    await _november_reports(world)
    other = world.chat("ops-lain")
    answer = await other.say("status")
    assert "pekon Sukajaya" in answer and "Trimulyo" not in answer and "sudah kirim" not in answer
    assert "Sukardi" not in await other.say("Siapa Lapor Apa")
    assert "Meninggal 1" not in await other.say("rekap")
    await other.say("undang")
    offered = {int(unstamp(c.id)[1]) for c in other.last[0].choices}
    assert offered == {u.id for u in world.other_units}
    # a forged button with a unit of another pekon is not accepted
    asked = unstamp(other.last[0].choices[0].id)[0]
    assert error_words.ERRORS["choice"] in await other.tap(f"q{asked}:{world.units[0].id}")


async def test_pemangku_cannot_use_staff_commands(world: World) -> None:
    chat = world.chat("budi")
    for line in ("rekap", "tutup", "undang", "daftar", "buka bulan alasan apa saja"):
        assert (await chat.say(line)).startswith(conversation_words.NOT_UNDERSTOOD)
    async with world.sessionmaker() as s:
        assert list(await s.scalars(select(PekonMonth).where(PekonMonth.status == "closed"))) == []


async def test_camat_sees_every_pekon_of_the_kecamatan(world: World) -> None:
    await _november_reports(world)
    answer = await world.chat("camat").say("Status Kecamatan")
    assert "Status laporan bulan November 2026, Kecamatan Gedung Surian:" in answer
    assert "Trimulyo: 2/3 pemangku lapor" in answer
    assert "Sukajaya: 0/2 pemangku lapor" in answer
    assert OTHER_PEKON not in answer


async def test_months_close_in_order(world: World) -> None:
    await world.chat("joko").script("nihil", "ya")  # 20 November: NIHIL for October opens its month row
    world.clock.advance(days=12)
    ops = world.chat("ops")
    assert "bulan Oktober 2026" in await ops.say("status")  # October first: it is still open
    assert "Belum lapor: Pemangku 1, Pemangku 2" in await ops.say("tutup")
    for who in ("budi", "sari"):  # on 2 December they are asked about October first, then November
        assert "bulan Oktober 2026" in await world.chat(who).say("nihil")
        await world.chat(who).say("ya")
        assert "bulan November 2026" in await world.chat(who).say("nihil")
        await world.chat(who).say("tidak")
    assert "Tutup bulan Oktober 2026" in await ops.say("tutup")
    assert "Oktober 2026 sudah ditutup" in await ops.say("ya")
    assert "bulan November 2026" in await ops.say("status")


async def test_staff_ask_for_phones_and_only_an_own_contact_is_kept(world: World) -> None:
    answer = await world.chat("ops").say("minta nomor")
    assert "Permintaan konfirmasi nomor HP terkirim ke 3 pemangku." in answer
    async with world.sessionmaker() as session:
        asked = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.address == "budi")))
        assert asked[-1].payload.get("request_contact") is True
    budi = world.chat("budi")
    refused = await budi.sends(contact_phone="+6281234567890", contact_is_own=False)
    assert "Itu bukan nomor Anda sendiri" in refused
    saved = await budi.sends(contact_phone="+6281211112222", contact_is_own=True)
    assert "Nomor HP Anda tercatat: +6281211112222." in saved
    async with world.sessionmaker() as session:
        phones = dict((await session.execute(select(Member.name, Member.phone))).tuples().all())
    assert phones["Budi"] == "+6281211112222" and phones["Sari"] is None
    again = await world.chat("ops").say("minta nomor")
    assert "terkirim ke 2 pemangku" in again  # budi's number is confirmed now
    other = await world.chat("ops-lain").say("minta nomor")
    assert "terkirim ke 1 pemangku" in other  # only the pemangku of their own pekon


async def test_the_menu_comes_back_only_where_the_person_is_back_at_it(world: World) -> None:
    await _november_reports(world)
    ops = world.chat("ops")
    for word in ("status", "rekap", "Siapa Lapor Apa", "bantuan"):
        await ops.say(word)
        assert not any(m.choices for m in ops.last), word
    budi = world.chat("budi")
    await budi.say("status")
    assert not any(m.choices for m in budi.last)
    await budi.script("LAHIR Bayu L 10-11-2026 di rumah ibu Ani ayah Joko", "simpan")  # a report done
    assert [c.label for c in budi.last[-1].choices][:1] == [conversation_words.MENU_PEMANGKU["lahir"]]
    older_menu = keyboard_ids(budi.last)
    await budi.say("status")
    assert report_words.QUESTIONS["name"] in await budi.tap(older_menu["lahir"])  # still works at the menu
