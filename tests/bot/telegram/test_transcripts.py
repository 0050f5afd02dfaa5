"""Conversation transcripts run unchanged over Telegram: stale buttons and duplicates (issue 11)
and the birth reports, with the real PTB application, the outbox worker and the fake Bot API
(the `world` fixture of tests/bot/telegram/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from tests.handlers import test_birth, test_duplicates, test_stale_choices

MODULES: list[ModuleType] = [test_stale_choices, test_duplicates, test_birth]
CONSOLE_ADDRESS = {"test_birth__cancel_at_any_point_saves_nothing"}  # looks "budi" up by address


def _collect(modules: list[ModuleType]) -> dict[str, Callable[..., Any]]:
    """Every test function of the modules, named test_<module>__<test>."""
    found = {}
    for module in modules:
        short = module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
        for name, function in vars(module).items():
            collected = f"test_{short}__{name.removeprefix('test_')}"
            if name.startswith("test_") and callable(function) and collected not in CONSOLE_ADDRESS:
                found[collected] = function
    return found


globals().update(_collect(MODULES))
