"""Failures the worker reports as one structured JSON line before exiting non-zero."""

from __future__ import annotations


class WorkerError(Exception):
    """A failure with a stable code and an actionable hint (mirrors DistillError on the TS side)."""

    def __init__(self, code: str, message: str, hint: str | None = None, exit_code: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def to_json(self) -> dict:
        out = {"type": "error", "code": self.code, "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        return out
