"""What the CLI tests share: the operator's files and a way to write them (the `cli` fixture is in
tests/bot/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from tests.factories import TRIMULYO

Invoke = Callable[..., Result]
REGIONS = "kode,nama\n18.04.15,Gedung Surian\n18.04.15.2004,Trimulyo\n"
UNITS = f"pekon,nama\n{TRIMULYO},Pemangku Sidodadi\n{TRIMULYO},Pemangku Sukaraja\n"
BASELINE = (
    "unit,bulan,wna_l,wna_p,wni_l,wni_p,kk,anggota\n"
    f"{TRIMULYO}-01,2026-10,0,1,120,118,70,169\n{TRIMULYO}-02,2026-10,0,0,90,95,55,130\n"
)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    """A file in the scratch folder."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path
