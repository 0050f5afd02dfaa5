"""Jinja2 templates (autoescaped) and the small filters the pages share."""

from __future__ import annotations

from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from bot.web.context import Viewer, wib_text
from handlers.texts import annual_words, beneficiary_words, dashboard_words
from models.b3_rows import FIGURES, B3Row, B3Table
from models.names import mask_nik

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
    "November", "Desember",
)  # fmt: skip
MONTHS_SHORT = tuple(m[:3] for m in MONTHS_ID)


def month_name(period: date) -> str:
    """November 2026"""
    return f"{MONTHS_ID[period.month - 1]} {period.year}"


def month_short(period: date) -> str:
    """Nov 26 (grid headers, to fit a phone)."""
    return f"{MONTHS_SHORT[period.month - 1]} {period:%y}"


def percent(rate: float | None) -> str:
    """0.875 -> 87,5 % (Indonesian decimal comma); no rate -> -."""
    return "-" if rate is None else f"{rate * 100:.1f} %".replace(".", ",")


def b3_lines(table: B3Table) -> list[tuple[B3Row, str, str | None]]:
    """A pekon's B.3 rows and total, each with the code its numbers link to."""
    return [(r, table.pekon_kode, r.unit_kode) for r in table.rows] + [(table.total, table.pekon_kode, None)]


def rollup_lines(
    kecamatan_kode: str, names: list[str], tables: list[B3Table]
) -> list[tuple[B3Row, str, None]]:
    """The kecamatan roll-up: each pekon's total row, then the kecamatan's sum of them."""
    lines = [
        (B3Row(None, None, name, t.total.figures), t.pekon_kode, None)
        for name, t in zip(names, tables, strict=True)
    ]
    sums = {c: sum(t.total.figures[c] for t in tables) for c in FIGURES}
    return [*lines, (B3Row(None, None, "JUMLAH", sums), kecamatan_kode, None)]


def column_label(column: str) -> str:
    """lahir_wni_l -> Lahir WNI L; lahir -> Lahir."""
    kind, _, group = column.partition("_")
    return " ".join([kind.capitalize(), *(group.upper().split("_") if group else [])])


ENV = Environment(
    loader=PackageLoader("bot.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(month_name=month_name, month_short=month_short, percent=percent, wib=wib_text,
                   mask_nik=mask_nik)  # fmt: skip
ENV.globals.update(
    annual_words=annual_words,
    beneficiary_words=beneficiary_words,
    dashboard_words=dashboard_words,
    ym=lambda d: f"{d:%Y-%m}",
    b3_lines=b3_lines,
    column_label=column_label,
)


def render(name: str, viewer: Viewer | None, status: int = 200, **values: Any) -> HTMLResponse:
    """A page from its template, with the viewer for the navigation and the CSRF token."""
    html = ENV.get_template(name).render(viewer=viewer, **values)
    return HTMLResponse(html, status_code=status)


class _Slot:
    """What a page shared by every viewer of its scope shows of one viewer: their name and CSRF token
    in the header, left as comments to fill in per request (`viewer_page`). Nothing else of a viewer is
    here, so a shared page's template that reached for more would fail to render, never leak."""

    name = Markup("<!--pemangku:name-->")
    csrf = Markup("<!--pemangku:csrf-->")


class _SlotViewer:
    member = web = _Slot()


SLOT_VIEWER = _SlotViewer()


def shared_page(name: str, **values: Any) -> str:
    """A page the same for every viewer of its scope (its navigation comes from the page's own region,
    `nav`), the viewer's header left as slots. Kept beside the figures it shows (bot/web/pages.py)."""
    return ENV.get_template(name).render(viewer=SLOT_VIEWER, **values)


def viewer_page(shared: str, viewer: Viewer) -> HTMLResponse:
    """A shared page with the viewer's name and CSRF token in its header. The header comes before
    anything of the page's own, and every value of the page is escaped, so the first of each slot is
    the header's."""
    slot = SLOT_VIEWER.member
    html = shared.replace(slot.name, escape(viewer.member.name), 1).replace(
        slot.csrf, escape(viewer.web.csrf), 1
    )
    return HTMLResponse(html)


def message(text: str, status: int, viewer: Viewer | None = None) -> HTMLResponse:
    """A page that only says one thing (signed out, not found, refused)."""
    return render("message.html", viewer, status, text=text)
