"""Small server-side SVG charts for the dashboard (no JavaScript needed to see them): a pure
function from numbers to an SVG string, with presentation attributes only (no inline style or
script, so a strict Content-Security-Policy allows it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    """One line (or one set of bars): its label and a value per x label (None: no value)."""

    label: str
    values: tuple[int | None, ...]


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], *, width: int = 640, height: int = 240
) -> str:
    """A line chart of the series over the labels, with axes, ticks and a legend."""
    raise NotImplementedError


def bar_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], *, width: int = 640, height: int = 240
) -> str:
    """Grouped bars of the series over the labels (negative values below the axis)."""
    raise NotImplementedError
