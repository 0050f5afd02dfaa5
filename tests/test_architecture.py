"""The dependency rule of the four rooms, checked on the source (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBS = {"telegram", "httpx", "starlette", "uvicorn", "fastapi", "tornado", "aiohttp"}
FORBIDDEN = {
    "models": PLATFORM_LIBS | {"bot", "handlers", "jobs"},
    "handlers": PLATFORM_LIBS | {"jobs"},
    "jobs": PLATFORM_LIBS | {"handlers"},
}
ALLOWED_BOT_MODULES = {"bot.messages"}  # the message types are shared by every room but models
# jobs speak the same words, and put questions (choices) the way the conversations do
ALLOWED_FROM_HANDLERS = {
    "handlers.texts",
    "handlers.recap_text",
    "handlers.annual_text",
    "handlers.questions",
}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, absolute names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from handlers import texts` imports handlers.texts: judge the full name
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(room: str) -> list[str]:
    """Imports in `room` that break the rule."""
    found = []
    for path in sorted((ROOT / room).rglob("*.py")):
        for name in imported_modules(path):
            top = name.split(".")[0]
            allowed = ALLOWED_BOT_MODULES | ALLOWED_FROM_HANDLERS
            shared_types = room != "models" and any(name == a or name.startswith(f"{a}.") for a in allowed)
            if (top in FORBIDDEN[room] or top == "bot") and not shared_types:
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_room_keeps_the_dependency_rule(room: str) -> None:
    assert violations(room) == []


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import telegram\nfrom bot.dispatcher import Dispatcher\nfrom handlers import texts\n")
    assert imported_modules(bad) == {"telegram", "bot.dispatcher.Dispatcher", "handlers.texts"}
