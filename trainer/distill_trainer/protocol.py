"""JSON lines on stdout: the worker → TypeScript protocol (one object per line, ``type`` first)."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

_enabled = True


def set_enabled(enabled: bool) -> None:
    """Non-zero DDP ranks stay silent so the parent sees one stream."""
    global _enabled
    _enabled = enabled


def _clean(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v


def emit(kind: str, **fields: Any) -> None:
    if not _enabled:
        return
    line = json.dumps({"type": kind, **{k: _clean(v) for k, v in fields.items()}}, separators=(",", ":"))
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def emit_error(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()
