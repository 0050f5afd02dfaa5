"""After December closes, the year goes out like the monthly books: every staff identity of the pekon
gets the pekon's annual recap (a short summary, the XLSX and the PDF), and once every pekon of a
kecamatan has closed December, the camat gets the kecamatan's. Stored file names and outbox keys are
the durable facts, so a second pass sends nothing; a December reopened and closed again is a new
revision of the year, delivered again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, select
from sqlalchemy.ext.asyncio import AsyncSession

import jobs.delivery as delivery
from bot.messages import OutgoingMessage, TemplateRef
from handlers.annual_text import place_line
from handlers.recap_text import show_number
from handlers.texts import annual_words
from jobs.context import Schedule, month_label
from jobs.documents.annual import render_annual
from jobs.documents.annual_layout import AnnualData, load_annual
from jobs.documents.render import PARALLEL_FROM, render_many, workers_for
from jobs.notify import send_all
from models.annual import Level
from models.mutasi import members_with_role, pekon_completeness
from models.outbox import StoredDocument
from models.period import MonthStatus, PekonMonth
from models.person import Member, Role
from models.region import Pekon

DECEMBER = 12


@dataclass(frozen=True)
class DueYear:
    """A place whose year is complete and not yet delivered at this version."""

    level: Level
    kode: str
    year: int
    stem: str


def annual_stem(kode: str, year: int, version: int) -> str:
    """The file name (without extension) of a year; the version is December's revision (summed over
    the pekon for a kecamatan)."""
    return f"Rekap-Tahunan_{kode}_{year}_v{version}"


async def _due_pekon(session: AsyncSession) -> list[DueYear]:
    decembers = list(
        await session.scalars(
            select(PekonMonth)
            .where(PekonMonth.status == MonthStatus.CLOSED, extract("month", PekonMonth.period) == DECEMBER)
            .order_by(PekonMonth.period, PekonMonth.pekon_kode)
        )
    )
    due = [
        DueYear(
            Level.PEKON, m.pekon_kode, m.period.year, annual_stem(m.pekon_kode, m.period.year, m.revision)
        )
        for m in decembers
    ]
    done = await _stored(session, [f"{d.stem}.pdf" for d in due])
    return [d for d in due if f"{d.stem}.pdf" not in done]


async def _stored(session: AsyncSession, names: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(names), 500):  # keep IN lists short
        found |= await delivery._stored(session, names[start : start + 500])
    return found


async def _due_kecamatan(session: AsyncSession, kecamatan_kode: str, year: int) -> DueYear | None:
    pekons = await pekon_completeness(session, date(year, DECEMBER, 1), kecamatan_kode)
    active = [p for p in pekons if p.units]
    if not active or not all(p.closed for p in active):
        return None
    stem = annual_stem(kecamatan_kode, year, sum(p.revision for p in active))
    due = DueYear(Level.KECAMATAN, kecamatan_kode, year, stem)
    return None if await _stored(session, [f"{stem}.pdf"]) else due


async def due_years(session: AsyncSession) -> list[DueYear]:
    """Pekon years whose December closed and kecamatan years complete, not yet delivered."""
    pekon_years = await _due_pekon(session)
    touched = set()
    for item in pekon_years:
        pekon = await session.get(Pekon, item.kode)
        assert pekon is not None
        touched.add((pekon.kecamatan_kode, item.year))
    kecamatan_years = [d for k, y in sorted(touched) if (d := await _due_kecamatan(session, k, y))]
    return [*pekon_years, *kecamatan_years]


def _messages(
    schedule: Schedule, data: AnnualData, stem: str, documents: list[StoredDocument]
) -> list[tuple[OutgoingMessage, str]]:
    recap = data.recap
    place = place_line(recap, schedule.village_word)
    total = recap.total
    text = annual_words.ANNUAL_DELIVERY.format(
        tahun=recap.year,
        place=place,
        jiwa=show_number(total.jiwa("akhir")),
        kk=show_number(total.figures["akhir_kk"]),
    )
    december = month_label(date(recap.year, DECEMBER, 1))
    notice = OutgoingMessage(
        text=text, template=TemplateRef(schedule.notice_template, (recap.nama, december))
    )
    caption = annual_words.ANNUAL_CAPTION.format(tahun=recap.year, place=place)
    messages = [(notice, f"annual:{stem}:summary")]
    return messages + [(delivery.document_message(d, caption), f"annual:{d.filename}") for d in documents]


async def _recipients(session: AsyncSession, item: DueYear) -> list[Member]:
    if item.level == Level.PEKON:
        return await members_with_role(session, Role.STAFF, pekon_kode=item.kode)
    return await members_with_role(session, Role.CAMAT, kecamatan_kode=item.kode)


async def deliver_annual(
    session: AsyncSession, schedule: Schedule, today: date, parallel_from: int = PARALLEL_FROM
) -> int:
    """Compile and queue every complete year not yet delivered; returns how many messages were queued."""
    due = await due_years(session)
    datas = [
        await load_annual(session, d.year, d.level, d.kode, today=today, village_word=schedule.village_word)
        for d in due
    ]
    rendered = await render_many(render_annual, datas, workers_for(len(datas), parallel_from))
    queued = 0
    for item, data, files in zip(due, datas, rendered, strict=True):
        documents = delivery.store_files(session, item.stem, files)
        await session.flush()
        messages = _messages(schedule, data, item.stem, documents)
        queued += await send_all(session, await _recipients(session, item), messages)
    return queued
