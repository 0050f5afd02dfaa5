"""Delivery after the close: each closed revision of a pekon's month is compiled once into its XLSX
and PDF (stored_document), and every staff identity of the pekon gets a short summary and both files;
when every pekon of a kecamatan is closed, the camat gets the roll-up. A reopened and closed again
month is a new revision, delivered again. Stored file names and outbox keys are the durable facts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import DocumentRef, OutgoingMessage, TemplateRef
from handlers.recap_text import show_number
from handlers.texts import schedule_words
from jobs.context import JobContext, Schedule, month_label
from jobs.documents.data import RecapData, RollupData, load_recap, load_rollup
from jobs.documents.render import (
    PARALLEL_FROM,
    Files,
    Renderer,
    render_many,
    render_recap,
    render_rollup,
    workers_for,
)
from jobs.documents.usulan import month_news
from jobs.notify import send_all
from models.b3_rows import GROUPS, KINDS, B3Table
from models.base import wib_date
from models.mutasi import members_with_role, pekon_completeness
from models.outbox import StoredDocument
from models.period import MonthStatus, PekonMonth
from models.person import Role
from models.region import Pekon

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class Compiled:
    """A pekon's month compiled into its two stored files."""

    data: RecapData
    documents: list[StoredDocument]


def recap_stem(pekon_kode: str, period: date, revision: int) -> str:
    """The file name (without extension) of a pekon's month revision."""
    return f"B2-B3_{pekon_kode}_{period:%Y-%m}_r{revision}"


def rollup_stem(kecamatan_kode: str, period: date, version: int) -> str:
    """The file name (without extension) of a kecamatan roll-up; the version grows with every reclose."""
    return f"Rekap-Kecamatan_{kecamatan_kode}_{period:%Y-%m}_v{version}"


def store(session: AsyncSession, filename: str, media_type: str, content: bytes) -> StoredDocument:
    """Keep a generated file so outbox rows can refer to it."""
    document = StoredDocument(
        filename=filename, media_type=media_type, content=content, sha256=hashlib.sha256(content).hexdigest()
    )
    session.add(document)
    return document


def store_files(session: AsyncSession, stem: str, files: Files) -> list[StoredDocument]:
    """Keep the XLSX and the PDF of one document."""
    xlsx, pdf = files
    return [store(session, f"{stem}.xlsx", XLSX_TYPE, xlsx), store(session, f"{stem}.pdf", PDF_TYPE, pdf)]


def summary_message(schedule: Schedule, data: RecapData) -> OutgoingMessage:
    """The short chat summary that goes with the files."""
    total = data.table.total
    status = [s.status for s in data.statuses]
    moved = {str(k): show_number(sum(total.figures[f"{k}_{g}"] for g in GROUPS)) for k in KINDS}
    text = schedule_words.DELIVERY_SUMMARY.format(
        bulan=month_label(data.period),
        village=schedule.village_word,
        pekon=data.place.pekon,
        revision=data.table.revision,
        submitted=status.count("submitted"),
        nihil=status.count("nihil"),
        missing=status.count(None),
        jiwa=show_number(total.akhir_jiwa),
        kk=show_number(total.figures["akhir_kk"]),
        **moved,
    )
    params = (data.place.pekon, month_label(data.period))
    return OutgoingMessage(text=text, template=TemplateRef(schedule.notice_template, params))


def document_message(document: StoredDocument, caption: str) -> OutgoingMessage:
    """A stored file as a message."""
    return OutgoingMessage(text=caption, document=DocumentRef(document.id, document.filename, caption))


async def _deliver_recap(
    session: AsyncSession, schedule: Schedule, compiled: Compiled, month: PekonMonth
) -> int:
    data = compiled.data
    caption = schedule_words.DOCUMENT_CAPTION.format(
        title="B.2 & B.3",
        village=schedule.village_word,
        pekon=data.place.pekon,
        bulan=month_label(data.period),
        revision=month.revision,
    )
    key = f"recap:{month.pekon_kode}:{month.period:%Y-%m}:r{month.revision}"
    staff = await members_with_role(session, Role.STAFF, pekon_kode=month.pekon_kode)
    messages = [(summary_message(schedule, data), f"{key}:summary")]
    messages += [(document_message(d, caption), f"{key}:{d.filename}") for d in compiled.documents]
    news = await month_news(session, month.pekon_kode, month.period, month_label(data.period))
    if news is not None:  # beneficiaries who died or moved out this month (issue 14)
        messages.append((OutgoingMessage(news), f"{key}:penerima"))
    return await send_all(session, staff, messages)


async def _stored(session: AsyncSession, names: list[str]) -> set[str]:
    found = await session.scalars(select(StoredDocument.filename).where(StoredDocument.filename.in_(names)))
    return set(found)


async def pending_months(session: AsyncSession) -> list[PekonMonth]:
    """Closed pekon months whose current revision has not been compiled yet."""
    closed = list(
        await session.scalars(
            select(PekonMonth)
            .where(PekonMonth.status == MonthStatus.CLOSED)
            .order_by(PekonMonth.period, PekonMonth.pekon_kode)
        )
    )
    names = {m.id: f"{recap_stem(m.pekon_kode, m.period, m.revision)}.pdf" for m in closed}
    done: set[str] = set()
    values = list(names.values())
    for start in range(0, len(values), 500):  # keep IN lists short
        done |= await _stored(session, values[start : start + 500])
    return [m for m in closed if names[m.id] not in done]


@dataclass(frozen=True)
class Rollup:
    """A kecamatan's complete month, due for its roll-up."""

    kecamatan_kode: str
    period: date
    stem: str


async def _due_rollup(session: AsyncSession, kecamatan_kode: str, period: date) -> Rollup | None:
    pekons = await pekon_completeness(session, period, kecamatan_kode)
    active = [p for p in pekons if p.units]  # a pekon without units in the month has nothing to close
    if not active or not all(p.closed for p in active):
        return None
    stem = rollup_stem(kecamatan_kode, period, sum(p.revision for p in pekons))
    return None if await _stored(session, [f"{stem}.pdf"]) else Rollup(kecamatan_kode, period, stem)


async def _send_rollup(
    session: AsyncSession, schedule: Schedule, data: RollupData, stem: str, files: Files
) -> int:
    documents = store_files(session, stem, files)
    await session.flush()
    kecamatan, bulan = data.place.kecamatan, month_label(data.period)
    text = schedule_words.DELIVERY_CAMAT.format(
        bulan=bulan,
        kecamatan=kecamatan,
        pekon_count=len(data.pekons),
        village=schedule.village_word,
        jiwa=show_number(sum(t.total.akhir_jiwa for t in data.totals)),
    )
    notice = OutgoingMessage(text=text, template=TemplateRef(schedule.notice_template, (kecamatan, bulan)))
    kode = data.pekons[0].kecamatan_kode
    camats = await members_with_role(session, Role.CAMAT, kecamatan_kode=kode)
    caption = schedule_words.ROLLUP_CAPTION.format(kecamatan=kecamatan, bulan=bulan)
    messages = [(notice, f"rollup:{stem}:summary")]
    messages += [(document_message(d, caption), f"rollup:{d.filename}") for d in documents]
    return await send_all(session, camats, messages)


async def _deliver_recaps(
    session: AsyncSession, schedule: Schedule, today: date, parallel_from: int
) -> tuple[int, dict[tuple[str, date], B3Table]]:
    months = await pending_months(session)
    village, queued = schedule.village_word, 0
    tables: dict[tuple[str, date], B3Table] = {}
    async with Renderer(workers_for(len(months), parallel_from)) as renderer:
        loaded = []
        for month in months:  # the workers render while the next month's data loads
            data = await load_recap(
                session, month.pekon_kode, month.period, today=today, village_word=village
            )
            loaded.append((month, data, renderer.submit(render_recap, data)))
        for month, data, rendering in loaded:
            stem = recap_stem(month.pekon_kode, month.period, month.revision)
            documents = store_files(session, stem, await rendering)
            await session.flush()
            queued += await _deliver_recap(session, schedule, Compiled(data, documents), month)
            tables[(month.pekon_kode, month.period)] = data.table
    return queued, tables


async def _deliver_rollups(
    session: AsyncSession,
    schedule: Schedule,
    today: date,
    tables: dict[tuple[str, date], B3Table],
    parallel_from: int,
) -> int:
    touched = set()
    for pekon_kode, period in tables:
        pekon = await session.get(Pekon, pekon_kode)
        assert pekon is not None
        touched.add((pekon.kecamatan_kode, period))
    due = [r for k, p in sorted(touched) if (r := await _due_rollup(session, k, p)) is not None]
    datas = []
    for rollup in due:
        known = {k: t for (k, p), t in tables.items() if p == rollup.period}
        datas.append(
            await load_rollup(
                session,
                rollup.kecamatan_kode,
                rollup.period,
                today=today,
                village_word=schedule.village_word,
                known=known,
            )
        )
    rendered = await render_many(render_rollup, datas, workers_for(len(datas), parallel_from))
    return sum(
        [
            await _send_rollup(session, schedule, d, r.stem, f)
            for r, d, f in zip(due, datas, rendered, strict=True)
        ]
    )


async def deliver_closed(
    session: AsyncSession, schedule: Schedule, now: datetime, parallel_from: int = PARALLEL_FROM
) -> int:
    """Compile and queue every closed revision not yet delivered, the complete roll-ups, then the
    complete years (jobs/annual_delivery.py)."""
    today = wib_date(now)
    queued, tables = await _deliver_recaps(session, schedule, today, parallel_from)
    queued += await _deliver_rollups(session, schedule, today, tables, parallel_from)
    from jobs.annual_delivery import deliver_annual  # it uses this module's helpers: import when used

    return queued + await deliver_annual(session, schedule, today, parallel_from)


async def run_delivery(ctx: JobContext, now: datetime) -> int:
    """The delivery pass (outside the quiet hours); returns how many messages were queued."""
    if ctx.schedule.quiet(now):
        return 0
    async with ctx.pass_session("delivery") as session:
        queued = await deliver_closed(session, ctx.schedule, now)
        await session.commit()
    return queued
