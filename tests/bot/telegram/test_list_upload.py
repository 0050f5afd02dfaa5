"""Staff send a beneficiary list file in chat over Telegram: getFile and the file URL on the fake
Bot API, the preview, the stamped Ya/Batal, the import; refusals, failures and redeliveries."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import beneficiary_words
from models.person import Role
from models.region import Unit
from tests.bot.telegram.conftest import PEMANGKU, STAFF, Running, register
from tests.bot.upload_files import BAD_CSV, GOOD_CSV, import_audits, stored_lists, stored_rows
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_wire import Sent


async def _answer(tg: FakeTelegram, user: int, before: int) -> str:
    """The bot's answer to what the user just did: the texts after the first `before`."""
    await tg.wait_for(user, before + 1)
    await asyncio.sleep(0.2)  # a turn may answer with more than one message
    return "\n".join(tg.texts(user)[before:])


async def _send(tg: FakeTelegram, user: int, name: str, content: bytes, **kw: object) -> str:
    before = len(tg.chats.get(user, []))
    tg.send_document(user, name, content, **kw)  # type: ignore[arg-type]
    return await _answer(tg, user, before)


async def _press(tg: FakeTelegram, user: int, label: str) -> tuple[str, dict[str, object]]:
    """Press the button labelled `label` on the last keyboard; the answer and the update."""
    keyboard: Sent = next(m for m in reversed(tg.chats[user]) if m.buttons)
    data = next(d for lab, d in keyboard.buttons if lab == label)
    before = len(tg.chats[user])
    update = tg.press(user, keyboard, data)
    return await _answer(tg, user, before), update


async def _staff(sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram) -> None:
    await register(sessionmaker, tg, STAFF, role=Role.STAFF)


async def test_staff_file_is_previewed_then_imported_once(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    await _staff(sessionmaker, tg)
    before = len(tg.chats[STAFF])
    sent = tg.send_document(STAFF, "pkh-trimulyo.csv", GOOD_CSV, caption="PKH per 01-09-2026")
    preview = await _answer(tg, STAFF, before)
    assert "Daftar PKH per 1 September 2026 untuk pekon Trimulyo: 3 baris" in preview
    assert "Kolom dikenali: NIK, NAMA, TGL LAHIR, JK, DUSUN" in preview
    assert "Kolom diabaikan: KETERANGAN" in preview
    assert [label for label, _ in tg.last(STAFF).buttons] == ["Ya, impor", "Batal"]
    assert await stored_lists(sessionmaker) == []  # nothing before the confirmation
    done, press = await _press(tg, STAFF, "Ya, impor")
    assert "Daftar PKH diimpor: 3 baris (pekon Trimulyo)" in done
    assert beneficiary_words.CEK_NONE in done  # the check, as "cek" says it
    assert await stored_lists(sessionmaker) == [("PKH", 3, "chat: pkh-trimulyo.csv")]
    assert await stored_rows(sessionmaker) == 3
    assert [channel for channel, _ in await import_audits(sessionmaker)] == ["telegram"]
    downloads = tg.downloads
    assert downloads == 1  # the preview's read; the import uses the bytes kept with the preview
    answered = len(tg.chats[STAFF])
    tg.replay(sent)  # Telegram delivers the file and the press again (a restart before the offset)
    tg.replay(press)
    await asyncio.sleep(1.0)
    assert len(tg.chats[STAFF]) == answered  # dropped: no answer, no fetch, no second import
    assert tg.downloads == downloads
    assert await stored_lists(sessionmaker) == [("PKH", 3, "chat: pkh-trimulyo.csv")]


async def test_without_a_caption_the_program_is_asked_and_batal_writes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    await _staff(sessionmaker, tg)
    asked = await _send(tg, STAFF, "daftar.csv", GOOD_CSV)
    assert "Daftar program apa ini?" in asked
    preview, _ = await _press(tg, STAFF, "BPNT")
    assert "Daftar BPNT per 20 November 2026" in preview
    cancelled, _ = await _press(tg, STAFF, "Batal")
    assert beneficiary_words.UPLOAD_CANCELLED in cancelled
    assert await stored_lists(sessionmaker) == []


async def test_a_pemangku_file_is_refused_without_fetching(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running, units: list[Unit]
) -> None:
    await register(sessionmaker, tg, PEMANGKU, unit=units[0])
    answer = await _send(tg, PEMANGKU, "pkh.csv", GOOD_CSV, caption="PKH")
    assert "berkas hanya dibaca dari staf pekon atau camat" in answer
    assert tg.count("getFile") == 0 and tg.downloads == 0
    assert await stored_lists(sessionmaker) == []


async def test_an_unregistered_sender_learns_how_to_register_and_nothing_is_fetched(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    answer = await _send(tg, 7777, "pkh.csv", GOOD_CSV, caption="PKH")
    assert "DAFTAR" in answer
    assert tg.count("getFile") == 0


async def test_a_bad_file_is_refused_naming_row_and_column(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    await _staff(sessionmaker, tg)
    answer = await _send(tg, STAFF, "pkh.csv", BAD_CSV, caption="PKH")
    assert "tidak diimpor, tidak ada yang berubah" in answer
    assert "baris 3: kolom 'TGL LAHIR': tanggal '31-02-1950' tidak terbaca" in answer
    assert await stored_lists(sessionmaker) == [] and await stored_rows(sessionmaker) == 0


async def test_wrong_kind_and_oversized_files_are_refused_before_fetching(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    await _staff(sessionmaker, tg)
    pdf = await _send(tg, STAFF, "pkh.pdf", b"%PDF-1.4", caption="PKH", mime_type="application/pdf")
    assert beneficiary_words.UPLOAD_WRONG_TYPE in pdf
    big = await _send(tg, STAFF, "pkh.csv", GOOD_CSV, caption="PKH", file_size=6 * 1024 * 1024)
    assert "berkas lebih dari 5 MB" in big
    assert tg.count("getFile") == 0
    tg.file_errors.append((400, "Bad Request: file is too big"))  # past the Bot API's 20 MB
    assert "berkas lebih dari 5 MB" in await _send(tg, STAFF, "pkh.csv", GOOD_CSV, caption="PKH")
    assert await stored_lists(sessionmaker) == []


async def test_download_failures_get_a_kind_retry_and_the_list_imports_on_retry(
    sessionmaker: async_sessionmaker[AsyncSession], tg: FakeTelegram, bot: Running
) -> None:
    await _staff(sessionmaker, tg)
    tg.download_errors.append(500)
    assert beneficiary_words.UPLOAD_UNAVAILABLE in await _send(tg, STAFF, "pkh.csv", GOOD_CSV, caption="PKH")
    tg.file_errors.append((502, "Bad Gateway"))
    assert beneficiary_words.UPLOAD_UNAVAILABLE in await _send(tg, STAFF, "pkh.csv", GOOD_CSV, caption="PKH")
    assert "Impor sekarang?" in await _send(tg, STAFF, "pkh.csv", GOOD_CSV, caption="PKH")
    tg.download_errors.append(404)  # would fail a second download: "Ya" makes none
    done, _ = await _press(tg, STAFF, "Ya, impor")
    assert "Daftar PKH diimpor: 3 baris" in done
    assert await stored_rows(sessionmaker) == 3
