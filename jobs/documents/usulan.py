"""'Usulan Perbaikan Data Penerima Bantuan': a pekon's beneficiary findings for the village meeting,
as text, XLSX and PDF, in the layout of the monthly books (heading, grids, signature block)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from reportlab.platypus import Flowable
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.texts import beneficiary_words
from jobs.context import month_label
from jobs.documents import pdf, xlsx
from jobs.documents.data import Place
from jobs.documents.layout import Grid, Value, dmy, heading, plain_header, signature
from models.base import month_of
from models.beneficiary import BeneficiaryList
from models.beneficiary_findings import Finding, FindingKind, month_findings, pekon_findings, pending_matches
from models.beneficiary_match import current_lists, refresh_matches
from models.names import mask_nik
from models.region import Kecamatan, Pekon

EVENT_WIDTHS = [3.5, 8, 14, 22, 17, 6, 10, 11, 13, 14, 10]
ROW_WIDTHS = [3.5, 8, 14, 24, 17, 6, 40]


@dataclass(frozen=True)
class UsulanData:
    """Everything the document shows."""

    place: Place
    signed_on: date
    lists: list[BeneficiaryList]
    findings: list[Finding]
    pending: int

    @property
    def period(self) -> date:
        """The month of the document's date."""
        return month_of(self.signed_on)


async def load_usulan(
    session: AsyncSession,
    pekon_kode: str,
    program: str | None,
    *,
    today: date,
    village_word: str = "pekon",
    refresh: bool = True,
) -> UsulanData:
    """Refresh the pekon's matches (unless a reader must not write), then load its lists, findings
    and the count still to check."""
    pekon = await session.get(Pekon, pekon_kode)
    if pekon is None:
        raise LookupError(pekon_kode)
    kecamatan = await session.get(Kecamatan, pekon.kecamatan_kode)
    assert kecamatan is not None
    if refresh:
        await refresh_matches(session, pekon_kode)
    stmt = select(BeneficiaryList).where(*current_lists([pekon_kode])).order_by(BeneficiaryList.program)
    if program is not None:
        stmt = stmt.where(BeneficiaryList.program == program)
    pending = [p for p in await pending_matches(session, pekon_kode) if program in (None, p.program)]
    return UsulanData(
        place=Place(village_word, pekon.nama, kecamatan.nama, kecamatan.kabupaten_nama, pekon.kode),
        signed_on=today,
        lists=list(await session.scalars(stmt)),
        findings=await pekon_findings(session, pekon_kode, program),
        pending=len(pending),
    )


def _event_row(no: int, f: Finding) -> list[Value]:
    b2 = (
        beneficiary_words.USULAN_B2.format(bulan=month_label(f.period), no=f.b2_no)
        if f.period and f.b2_no
        else ""
    )
    basis = beneficiary_words.USULAN_BASIS.get(f.detail, f.detail)
    return [
        no,
        f.program,
        f.unit,
        f.name,
        mask_nik(f.nik),
        f.line,
        f.event_date,
        f.receipt or "",
        b2,
        f.reporter or "-",
        basis,
    ]


def _note(f: Finding) -> str:
    detail = beneficiary_words.USULAN_DETAIL.get(f.kind, "")
    return detail.format(detail=f.detail, state=beneficiary_words.USULAN_NIK_STATE[not f.nik])


def grids(data: UsulanData) -> list[Grid]:
    """One table per kind of finding, in a fixed order, empty ones included (they say "Tidak ada")."""
    out = []
    village_upper = data.place.village_word.upper()
    for kind in FindingKind:
        found = [f for f in data.findings if f.kind == kind]
        title = beneficiary_words.USULAN_SECTIONS[kind].format(village_upper=village_upper)
        if kind in (FindingKind.MENINGGAL, FindingKind.PINDAH):
            rows = [_event_row(n, f) for n, f in enumerate(found, 1)]
            header, widths = plain_header(beneficiary_words.USULAN_EVENT_HEADERS), EVENT_WIDTHS
        else:
            rows = [
                [n, f.program, f.unit, f.name, mask_nik(f.nik), f.line, _note(f)]
                for n, f in enumerate(found, 1)
            ]
            header, widths = plain_header(beneficiary_words.USULAN_ROW_HEADERS), ROW_WIDTHS
        out.append(Grid(title, header, 1, rows, widths, empty=beneficiary_words.USULAN_EMPTY))
    return out


def intro(data: UsulanData) -> list[str]:
    """The heading lines, one line per list, and how many matches wait for staff."""
    lines = heading(data.place, data.period, beneficiary_words.USULAN_TITLE)
    village = data.place.village_word
    if not data.lists:
        return [*lines, beneficiary_words.USULAN_NO_LISTS.format(village=village)]
    lines += [
        beneficiary_words.USULAN_LIST_LINE.format(
            program=b.program, per=dmy(b.as_of), source=b.source, rows=b.rows, by=b.imported_by
        )
        for b in data.lists
    ]
    if data.pending:
        lines.append(beneficiary_words.USULAN_PENDING.format(count=data.pending, village=village))
    return lines


def usulan_text(data: UsulanData) -> str:
    """The document as plain text (the CLI's --format text)."""
    out = intro(data)
    for grid in grids(data):
        out += ["", grid.title]
        if not grid.rows:
            out.append(f"  {grid.empty}")
        for row in grid.rows:
            out.append(
                "  "
                + " | ".join(dmy(v) if isinstance(v, date) else str(v) for v in row if v not in ("", None))
            )
    return "\n".join([*out, "", *[line for line in signature(data.place, data.signed_on) if line]])


def usulan_pdf(data: UsulanData) -> bytes:
    """The document as PDF, landscape A4 like the books."""
    lines = intro(data)
    story: list[Flowable] = pdf.heading_flowables(lines)
    for grid in grids(data):
        story += pdf.grid_flowables(grid, grid.title)
    story.append(pdf.signature_flowable(signature(data.place, data.signed_on)))
    return pdf.build_pdf(
        story, f"{beneficiary_words.USULAN_TITLE} {data.place.pekon} {data.signed_on:%Y-%m-%d}"
    )


def usulan_xlsx(data: UsulanData) -> bytes:
    """The document as one XLSX sheet: the tables one below the other, then the signature."""
    book = Workbook()
    xlsx.add_styles(book)
    ws = book.active
    ws.title = beneficiary_words.USULAN_SHEET
    span = len(EVENT_WIDTHS)
    top = xlsx.write_heading(ws, intro(data), span)
    for col, width in enumerate(EVENT_WIDTHS, start=1):
        ws.column_dimensions[chr(64 + col)].width = max(
            width, ROW_WIDTHS[col - 1] if col <= len(ROW_WIDTHS) else 0
        )
    for grid in grids(data):
        xlsx.write_lines(ws, [grid.title], top, style="pk_bold")
        top = xlsx.write_grid(ws, grid, top + 1)
    xlsx.write_signature(ws, signature(data.place, data.signed_on), top + 1, span)
    return xlsx.save_workbook(book, datetime(data.signed_on.year, data.signed_on.month, data.signed_on.day))


async def month_news(session: AsyncSession, pekon_kode: str, period: date, bulan: str) -> str | None:
    """After a close: the beneficiaries who died or moved out in that month, per program and kind
    ("2 penerima PKH meninggal bulan November 2026: ..."), names with masked NIKs; None when none."""
    await refresh_matches(session, pekon_kode)
    groups: dict[tuple[str, str], list[str]] = {}
    for f in await month_findings(session, pekon_kode, period):
        name = beneficiary_words.USULAN_MONTH_NAME.format(name=f.name, nik=mask_nik(f.nik))
        groups.setdefault((f.program, f.kind), []).append(name)
    lines = [
        beneficiary_words.USULAN_MONTH_NEWS.format(
            count=len(names),
            program=program,
            kind=beneficiary_words.USULAN_MONTH_KIND[kind],
            bulan=bulan,
            names=", ".join(names),
        )
        for (program, kind), names in sorted(groups.items())
    ]
    return "\n".join(lines) or None
