"""Small server-side SVG charts for the dashboard (no JavaScript needed to see them): a pure
function from numbers to an SVG string, with presentation attributes only (no inline style or
script, so a strict Content-Security-Policy allows it). The numbers go in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# Colour-blind-safe (Okabe-Ito); the legend also names each series, so colour is not alone.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 28, 44  # room for the y ticks, the title, the x labels and legend


@dataclass(frozen=True)
class Series:
    """One line (or one set of bars): its label and a value per x label (None: no value)."""

    label: str
    values: tuple[int | None, ...]


@dataclass(frozen=True)
class _Frame:
    """The plot area and the value range mapped onto it."""

    width: int
    height: int
    low: int
    high: int

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1
        return TOP + (self.height - TOP - BOTTOM) * (self.high - value) / span

    def x(self, index: int, count: int) -> float:
        """The centre of the index-th of `count` slots."""
        slot = (self.width - LEFT - RIGHT) / max(count, 1)
        return LEFT + slot * (index + 0.5)


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], *, width: int = 640, height: int = 240
) -> str:
    """A line chart of the series over the labels, with axes, ticks and a legend."""
    frame = _frame(series, width, height)
    parts = _axes(title, labels, frame)
    for number, one in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        points = [(frame.x(i, len(labels)), frame.y(v)) for i, v in enumerate(one.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
    return _svg(title, frame, parts + _legend(series, frame))


def _frame(series: Sequence[Series], width: int, height: int) -> _Frame:
    values = [v for s in series for v in s.values if v is not None] or [0]
    low, high = min(values), max(values)
    if low == high:
        high = low + 1
    return _Frame(width, height, low, high)


def _axes(title: str, labels: Sequence[str], frame: _Frame) -> list[str]:
    """Title, the y axis with three ticks, the x axis with every label."""
    bottom = frame.height - BOTTOM
    parts = [
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#555"/>',
        f'<line x1="{LEFT}" y1="{bottom}" x2="{frame.width - RIGHT}" y2="{bottom}" stroke="#555"/>',
    ]
    for value in sorted({frame.low, (frame.low + frame.high) // 2, frame.high}):
        y = frame.y(value)
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{_number(value)}</text>'
        )
        right = frame.width - RIGHT
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>')
    for index, label in enumerate(labels):
        x = frame.x(index, len(labels))
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 14}" font-size="10" text-anchor="middle">{escape(label)}</text>'
        )
    return parts


def _legend(series: Sequence[Series], frame: _Frame) -> list[str]:
    parts, x, y = [], LEFT, frame.height - 10
    for number, one in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" font-size="11">{escape(one.label)}</text>')
        x += 24 + 7 * len(one.label)
    return parts


def _number(value: int) -> str:
    """Indonesian thousands separator: 12.345."""
    return f"{value:,}".replace(",", ".")


def _svg(title: str, frame: _Frame, parts: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="100%" role="img" aria-label={quoteattr(title)} font-family="sans-serif">'
    )
    return "".join([head, f"<title>{escape(title)}</title>", *parts, "</svg>"])
