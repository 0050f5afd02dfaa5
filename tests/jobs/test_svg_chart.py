"""The server-side SVG charts: well-formed, escaped, one mark per value, no script or style."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from jobs.documents.svg_chart import Series, line_chart

NS = "{http://www.w3.org/2000/svg}"
LABELS = ["Okt", "Nov", "Des"]


def test_line_chart_draws_each_value_and_names_each_series() -> None:
    series = [Series("Jiwa", (953, 955, None)), Series("KK & anggota", (280, 281, 283))]
    svg = line_chart("Penduduk <Sukamaju>", LABELS, series)
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg" and root.get("aria-label") == "Penduduk <Sukamaju>"
    assert len(root.findall(f"{NS}circle")) == 5  # a missing month has no point
    assert len(root.findall(f"{NS}polyline")) == 2
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert {"Okt", "Nov", "Des", "Jiwa", "KK & anggota", "955"} <= set(texts)
    assert "script" not in svg and "style" not in svg


def test_an_empty_chart_is_still_a_picture() -> None:
    root = ET.fromstring(line_chart("Kosong", [], []))
    assert root.find(f"{NS}title") is not None
