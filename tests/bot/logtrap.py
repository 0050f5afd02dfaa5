"""Catches what the bot and the web server log, uvicorn's own loggers included (they do not
propagate to the root logger, so pytest's caplog would miss a traceback of theirs)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

WATCHED = ("", "uvicorn", "uvicorn.error", "uvicorn.asgi")


class LogTrap(logging.Handler):
    """Every record at WARNING and above, while installed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def problems(self) -> list[str]:
        """Errors and tracebacks: what a hostile input must never cause."""
        return [
            f"{r.name}: {r.getMessage()}"
            for r in self.records
            if r.levelno >= logging.ERROR or r.exc_info or "Traceback" in r.getMessage()
        ]

    def warnings(self) -> list[str]:
        """The warnings' texts."""
        return [r.getMessage() for r in self.records if r.levelno == logging.WARNING]


@contextmanager
def trapped_logs() -> Iterator[LogTrap]:
    """Install a LogTrap on the root and uvicorn loggers for the duration."""
    trap = LogTrap()
    loggers = [logging.getLogger(name) for name in WATCHED]
    for logger in loggers:
        logger.addHandler(trap)
    try:
        yield trap
    finally:
        for logger in loggers:
            logger.removeHandler(trap)
