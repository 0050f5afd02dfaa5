"""The refusal every ledger rule raises."""

from __future__ import annotations


class LedgerError(Exception):
    """A refused change. `code` is stable (handlers turn it into Indonesian); `detail` adds context."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
