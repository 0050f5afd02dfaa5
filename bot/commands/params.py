"""Typed command-line values: each parser turns the operator's text into a checked value or refuses it.

A refusal is a typer.BadParameter in Indonesian; the error boundary in bot/cli.py prints it as one
line and exits with code 2, before any work is done, so a bad value never reaches the database.
Used as `typer.Option(..., parser=params.month)`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import typer

from models.base import WIB
from models.baseline_import import FIRST_YEAR, LAST_YEAR, parse_month

E = TypeVar("E", bound=StrEnum)
ID_MAX = 2**31 - 1  # database integer ids


def month(text: str) -> date:
    """A month YYYY-MM (2000-01 .. 2099-12) as its first day."""
    period = parse_month(text)
    if period is None:
        raise typer.BadParameter(f"'{text}' bukan bulan YYYY-MM antara {FIRST_YEAR}-01 dan {LAST_YEAR}-12")
    return period


def instant(text: str) -> datetime:
    """An ISO time such as 2026-12-06T08:00; without an offset it is WIB."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"'{text}' bukan waktu yang ada; tulis seperti 2026-12-06T08:00 (WIB)"
        ) from None
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise typer.BadParameter(f"tahun {at.year} di luar {FIRST_YEAR}..{LAST_YEAR}")
    return at.replace(tzinfo=WIB) if at.tzinfo is None else at


def count(low: int, high: int) -> Callable[[str], int]:
    """A parser for a whole number from low to high."""

    def parse(text: str | int) -> int:
        value = str(text).strip()  # typer passes an option's default through the parser too
        if not (value.isascii() and value.lstrip("-").isdigit() and low <= int(value) <= high):
            raise typer.BadParameter(f"harus bilangan bulat {low} sampai {high}, bukan '{text}'")
        return int(value)

    return parse


row_id = count(1, ID_MAX)


def text(limit: int) -> Callable[[str], str]:
    """A parser for a non-empty one-line text (spaces collapsed) of at most `limit` characters."""

    def parse(raw: str) -> str:
        value = " ".join(raw.split())
        if not value or not value.isprintable():
            raise typer.BadParameter("tidak boleh kosong atau berisi karakter kendali")
        if len(value) > limit:
            raise typer.BadParameter(f"paling panjang {limit} huruf (ada {len(value)})")
        return value

    return parse


def choice(kind: type[E]) -> Callable[[str], E]:
    """A parser for one value of a StrEnum, named in the refusal."""

    def parse(raw: str) -> E:
        try:
            return kind(raw.strip().lower())
        except ValueError:
            raise typer.BadParameter(f"'{raw}' bukan salah satu dari {_names(kind)}") from None

    return parse


def _names(values: Iterable[str]) -> str:
    return " | ".join(values)


def output_file(raw: str) -> Path:
    """A file to write: its folder exists and is writable, and it is not itself a folder."""
    path = Path(raw)
    folder = path.parent
    if not folder.is_dir():
        raise typer.BadParameter(f"folder {folder} tidak ada")
    if path.is_dir():
        raise typer.BadParameter(f"{path} adalah folder; beri nama berkas")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise typer.BadParameter(f"{path} tidak bisa ditulis")
    return path


def output_dir(raw: str) -> Path:
    """A folder to write into: an existing writable folder, or a new one inside an existing folder."""
    path = Path(raw)
    if path.exists() and not path.is_dir():
        raise typer.BadParameter(f"{path} sudah ada dan bukan folder")
    if not path.exists() and not path.parent.is_dir():
        raise typer.BadParameter(f"folder {path.parent} tidak ada")
    if not os.access(path if path.exists() else path.parent, os.W_OK):
        raise typer.BadParameter(f"{path} tidak bisa ditulis")
    return path
