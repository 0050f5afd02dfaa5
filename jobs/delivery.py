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
from handlers import texts
from jobs.context import JobContext, Schedule, month_label
from jobs.documents.data import RecapData, load_recap, load_rollup
from jobs.documents.pdf import recap_pdf, rollup_pdf
from jobs.documents.xlsx import recap_xlsx, rollup_xlsx
from jobs.escalation import send_to
from models.base import wib_date
from models.mutasi import members_with_role, pekon_completeness
from models.outbox import StoredDocument
from models.period import MonthStatus, PekonMonth
from models.person import Role
from models.recap import GROUPS, KINDS
from models.region import Kecamatan, Pekon

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


async def compile_recap(
    session: AsyncSession, month: PekonMonth, schedule: Schedule, today: date
) -> Compiled:
    """Write and store the XLSX and PDF of a closed pekon month."""
    data = await load_recap(
        session, month.pekon_kode, month.period, today=today, village_word=schedule.village_word
    )
    stem = recap_stem(month.pekon_kode, month.period, month.revision)
    documents = [
        store(session, f"{stem}.xlsx", XLSX_TYPE, recap_xlsx(data)),
        store(session, f"{stem}.pdf", PDF_TYPE, recap_pdf(data)),
    ]
    await session.flush()
    return Compiled(data, documents)


def summary_message(schedule: Schedule, data: RecapData) -> OutgoingMessage:
    """The short chat summary that goes with the files."""
    total = data.table.total
    status = [s.status for s in data.statuses]
    moved = {str(k): sum(total.figures[f"{k}_{g}"] for g in GROUPS) for k in KINDS}
    text = texts.DELIVERY_SUMMARY.format(
        bulan=month_label(data.period),
        village=schedule.village_word,
        pekon=data.place.pekon,
        revision=data.table.revision,
        submitted=status.count("submitted"),
        nihil=status.count("nihil"),
        missing=status.count(None),
        jiwa=f"{total.akhir_jiwa:,}".replace(",", "."),
        kk=f"{total.figures['akhir_kk']:,}".replace(",", "."),
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
    caption = texts.DOCUMENT_CAPTION.format(
        title="B.2 & B.3",
        village=schedule.village_word,
        pekon=data.place.pekon,
        bulan=month_label(data.period),
        revision=month.revision,
    )
    key = f"recap:{month.pekon_kode}:{month.period:%Y-%m}:r{month.revision}"
    staff = await members_with_role(session, Role.STAFF, pekon_kode=month.pekon_kode)
    queued = await send_to(session, staff, summary_message(schedule, data), f"{key}:summary")
    for document in compiled.documents:
        queued += await send_to(
            session, staff, document_message(document, caption), f"{key}:{document.filename}"
        )
    return queued


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


async def _deliver_rollup(
    session: AsyncSession, schedule: Schedule, kecamatan_kode: str, period: date, today: date
) -> int:
    pekons = await pekon_completeness(session, period, kecamatan_kode)
    if not pekons or not all(p.closed for p in pekons):
        return 0
    stem = rollup_stem(kecamatan_kode, period, sum(p.revision for p in pekons))
    if await _stored(session, [f"{stem}.pdf"]):
        return 0
    data = await load_rollup(session, kecamatan_kode, period, today=today, village_word=schedule.village_word)
    documents = [
        store(session, f"{stem}.xlsx", XLSX_TYPE, rollup_xlsx(data)),
        store(session, f"{stem}.pdf", PDF_TYPE, rollup_pdf(data)),
    ]
    await session.flush()
    kecamatan = data.place.kecamatan
    jiwa = sum(t.total.akhir_jiwa for t in data.totals)
    text = texts.DELIVERY_CAMAT.format(
        bulan=month_label(period),
        kecamatan=kecamatan,
        pekon_count=len(pekons),
        village=schedule.village_word,
        jiwa=f"{jiwa:,}".replace(",", "."),
    )
    notice = OutgoingMessage(
        text=text, template=TemplateRef(schedule.notice_template, (kecamatan, month_label(period)))
    )
    camats = await members_with_role(session, Role.CAMAT, kecamatan_kode=kecamatan_kode)
    queued = await send_to(session, camats, notice, f"rollup:{stem}:summary")
    caption = texts.ROLLUP_CAPTION.format(kecamatan=kecamatan, bulan=month_label(period))
    for document in documents:
        queued += await send_to(
            session, camats, document_message(document, caption), f"rollup:{document.filename}"
        )
    return queued


async def deliver_closed(session: AsyncSession, schedule: Schedule, now: datetime) -> int:
    """Compile and queue every closed revision not yet delivered, then the complete roll-ups."""
    today, queued = wib_date(now), 0
    touched: set[tuple[str, date]] = set()
    for month in await pending_months(session):
        compiled = await compile_recap(session, month, schedule, today)
        queued += await _deliver_recap(session, schedule, compiled, month)
        pekon = await session.get(Pekon, month.pekon_kode)
        assert pekon is not None
        touched.add((pekon.kecamatan_kode, month.period))
    for kecamatan_kode, period in sorted(touched):
        if await session.get(Kecamatan, kecamatan_kode) is not None:
            queued += await _deliver_rollup(session, schedule, kecamatan_kode, period, today)
    return queued


async def run_delivery(ctx: JobContext, now: datetime) -> int:
    """The delivery pass (outside the quiet hours); returns how many messages were queued."""
    if ctx.schedule.quiet(now):
        return 0
    async with ctx.sessionmaker() as session:
        queued = await deliver_closed(session, ctx.schedule, now)
        await session.commit()
    return queued
