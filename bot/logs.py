"""The process's logging: one stream handler that no NIK gets through.

Our own code never logs a NIK, but a library at DEBUG may (SQLAlchemy and aiosqlite log SQL
parameters, an IntegrityError carries them in its text). The filter sits on the handler, so it sees
every record of every logger, and masks any run of exactly 16 digits as chat does: the last 4 kept.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

from models.names import mask_nik

NIK_RUN = re.compile(r"(?<!\d)\d{16}(?!\d)")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str) -> str:
    """Every 16-digit run masked as chat shows a NIK (its last 4 digits kept)."""
    return NIK_RUN.sub(lambda run: mask_nik(run.group(0)), text)


class RedactNik(logging.Filter):
    """Rewrites a record whose message or traceback holds a NIK."""

    def __init__(self) -> None:
        super().__init__()
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def configure_logging(stream: TextIO | None = None, level: int = logging.INFO) -> logging.Handler:
    """Log to `stream` (stderr) through the NIK filter; quiet the chatty libraries."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactNik())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Bot API URLs carry the token
    logging.getLogger("alembic").setLevel(logging.WARNING)  # migration chatter is not for operators
    return handler
