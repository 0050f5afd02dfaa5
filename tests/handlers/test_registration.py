"""Registration by invite code; refusals of used, expired and guessed codes; throttled guessing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.texts import conversation_words, registration_words
from models.invites import GLOBAL_MAX_FAILURES, MAX_FAILURES, create_invite, format_code, list_invites
from models.person import Identity, Member, RegistrationAttempt, Role
from tests.factories import TRIMULYO
from tests.handlers.conftest import World
from tests.handlers.transcript import START

ACCOUNT = registration_words.ACCOUNT_WORDS["console"]


def _account(chat: object) -> str:
    """How the sender's identity is named on the chat's channel (these transcripts run on WhatsApp too)."""
    return registration_words.ACCOUNT_WORDS[str(getattr(chat, "channel", "console"))]


VILLAGE = "pekon"


async def _code(world: World, role: Role = Role.PEMANGKU, **scope: object) -> str:
    async with world.sessionmaker() as s, s.begin():
        if not scope:
            scope = {"unit_id": world.units[1].id}
        invite = await create_invite(s, role, name="Wati", now=START, **scope)  # type: ignore[arg-type]
    return invite.code


async def test_daftar_binds_the_sender_and_shows_the_menu(world: World) -> None:
    code = await _code(world)
    answer = await world.chat("wati").say(f"daftar {format_code(code).lower()}")
    assert "Selamat datang, Wati! Anda terdaftar untuk Pemangku 2, pekon Trimulyo." in answer
    assert conversation_words.MENU_PEMANGKU["lahir"] in answer
    async with world.sessionmaker() as s:
        identity = await s.scalar(select(Identity).where(Identity.address == "wati"))
        assert identity is not None and identity.member.unit_id == world.units[1].id


async def test_telegram_deep_link_start_code_registers_staff(world: World) -> None:
    code = await _code(world, Role.STAFF, pekon_kode=TRIMULYO)
    answer = await world.chat("ratna").say(f"/start {code}")
    assert "terdaftar sebagai petugas pekon Trimulyo" in answer
    assert conversation_words.MENU_STAFF["rekap"] in answer


async def test_camat_registration_names_the_kecamatan(world: World) -> None:
    code = await _code(world, Role.CAMAT, kecamatan_kode=TRIMULYO[:8])
    assert "Kecamatan Gedung Surian" in await world.chat("pakcamat").say(f"DAFTAR {code}")


async def test_unknown_used_and_expired_codes_get_one_answer(world: World) -> None:
    """A guesser cannot tell a code that exists from one that does not (issue 12 item 9)."""
    used, expired = await _code(world), await _code(world)
    await world.chat("wati").say(f"DAFTAR {used}")
    world.clock.advance(days=15)  # `expired` was never used and is now too old
    answers = {
        await world.chat("tamu1").say(f"DAFTAR {used}"),
        await world.chat("tamu2").say(f"DAFTAR {expired}"),
        await world.chat("tamu3").say("DAFTAR AAAA-AAAA"),
    }
    assert answers == {registration_words.REGISTER_REFUSED["unknown"].format(village=VILLAGE)}
    async with world.sessionmaker() as s:  # staff still see why, in their own listing
        states = {v.code: v.state for v in await list_invites(s, world.clock.now)}
    assert (states[used], states[expired]) == ("used", "expired")


async def test_guessing_is_refused_then_throttled(world: World) -> None:
    code = await _code(world)
    chat = world.chat("penebak")
    for guess in range(MAX_FAILURES):
        answer = await chat.say(f"DAFTAR AAAA-AA{guess:02d}")
        assert answer == registration_words.REGISTER_REFUSED["unknown"].format(
            village=VILLAGE, account=ACCOUNT
        )
    # even the right code is refused while the address is throttled ...
    assert await chat.say(f"DAFTAR {code}") == registration_words.REGISTER_REFUSED["throttled"].format(
        village=VILLAGE, account=ACCOUNT
    )
    # ... and accepted once the window has passed
    world.clock.advance(hours=1, minutes=1)
    assert "Selamat datang" in await chat.say(f"DAFTAR {code}")
    async with world.sessionmaker() as s:
        tries = await s.scalar(select(func.count(RegistrationAttempt.id)))
    assert tries == MAX_FAILURES + 1


async def test_failed_guesses_from_everyone_are_limited_per_minute(world: World) -> None:
    """Many addresses guessing at once (each under its own limit) make every try wait a minute."""
    code = await _code(world)
    refused = registration_words.REGISTER_REFUSED["unknown"].format(village=VILLAGE)
    for n in range(GLOBAL_MAX_FAILURES):
        assert await world.chat(f"bot{n}").say(f"DAFTAR AAAA-{n:04d}") == refused
    busy = registration_words.REGISTER_REFUSED["busy"].format(village=VILLAGE)
    assert await world.chat("wati").say(f"DAFTAR {code}") == busy  # the right code waits too
    world.clock.advance(seconds=61)
    assert "Selamat datang, Wati" in await world.chat("wati").say(f"DAFTAR {code}")


async def test_registered_sender_cannot_register_again(world: World) -> None:
    code = await _code(world)
    chat = world.chat("budi")
    answer = await chat.say(f"DAFTAR {code}")
    assert answer.startswith(f"{_account(chat)} sudah terdaftar atas nama Budi.")


async def test_daftar_without_code_explains(world: World) -> None:
    assert await world.chat("baru").say("DAFTAR") == registration_words.REGISTER_NEED_CODE


async def test_unregistered_sender_learns_nothing(world: World, session: AsyncSession) -> None:
    chat = world.chat("stranger")
    lines = ["menu", "1", "2", "rekap", "status", "daftar", "Laporan Saya", "LAHIR Ani P kemarin di Liwa"]
    for line in lines:
        answer = await chat.say(line)
        assert answer in (
            registration_words.UNREGISTERED.format(village=VILLAGE, account=_account(chat)),
            registration_words.REGISTER_NEED_CODE,
        )
    assert await chat.sends(unsupported="sticker") == registration_words.UNREGISTERED.format(
        village=VILLAGE, account=_account(chat)
    )
    members = await session.scalar(select(func.count(Member.id)))
    assert members == 7  # the seeded ones only


async def test_invite_created_by_staff_works_once(world: World) -> None:
    ops = world.chat("ops")
    await ops.say("Undang Pemangku")
    await ops.say("3")
    answer = await ops.say("Pak  Joko   Baru")
    code = answer.split("DAFTAR ")[-1].split("\n")[0]
    assert "Kode undangan untuk Pak Joko Baru (Pemangku 3)" in answer
    assert "Selamat datang, Pak Joko Baru" in await world.chat("joko2").say(f"DAFTAR {code}")
    refused = registration_words.REGISTER_REFUSED["unknown"].format(village=VILLAGE)
    assert await world.chat("joko3").say(f"DAFTAR {code}") == refused


async def test_invite_expiry_uses_the_configured_ttl(world: World) -> None:
    ops = world.chat("ops")
    await ops.script("undang", "1")
    answer = await ops.say("Rina")
    assert "Berlaku sampai 4 Desember 2026" in answer  # 14 days after 20 November
    world.clock.advance(days=14, seconds=1)
    code = answer.split("DAFTAR ")[-1].split("\n")[0]
    refused = registration_words.REGISTER_REFUSED["unknown"].format(village=VILLAGE)
    assert await world.chat("rina").say(f"DAFTAR {code}") == refused
