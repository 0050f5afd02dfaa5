"""Seeded generators of hostile input for the channel fuzz tests: odd text, wrong shapes, ids that
fit no column, junk in random places of a valid payload. Deterministic for a given seed."""

from __future__ import annotations

import copy
import random
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.recap import compute_b3
from tests.models.test_ledger_properties import assert_row_identities

# Characters that have broken chat bots: lone surrogates, NUL and other controls, direction
# overrides, BOM, zero-width joiners, combining marks, emoji, a decomposed "é".
ODD = ["\ud800", "\udfff", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\ufeff", "\u200d", "\u0301"]
ODD += ["😀", "👨\u200d👩\u200d👧", "e\u0301", "\r\n", "\t", "ا", "中", " ", "NIK 1804154506900001"]
JUNK: list[Any] = [None, "x", 1, -1, 10**30, 1.5, True, [], {}, ["str"], [[[[[]]]]], {"a": {"b": ["c"]}}]
WORDS = ["menu", "status", "lahir", "nihil", "batal", "bantuan", "1", "2", "simpan", "DAFTAR", "/start"]


def odd_text(rng: random.Random, longest: int = 60) -> str:
    """A random mix of typed words, odd characters and plain letters."""
    pool = [*ODD, *WORDS]
    length = rng.randrange(longest)
    return "".join(rng.choice([*pool, chr(rng.randrange(32, 0x2FFFF))]) for _ in range(length))


def mutate(rng: random.Random, body: Any) -> Any:
    """A copy with one randomly chosen node (a value, a list item) replaced by junk."""
    body = copy.deepcopy(body)
    nodes: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        keys = node.keys() if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
        for key in keys:
            nodes.append((node, key))
            walk(node[key])

    walk(body)
    if nodes:
        parent, key = rng.choice(nodes)
        parent[key] = rng.choice(JUNK)
    return body


async def assert_books_hold(session: AsyncSession, pekon_kode: str, period: date) -> None:
    """The B.3 row identities, for every unit and the total."""
    assert_row_identities(await compute_b3(session, pekon_kode, period))
