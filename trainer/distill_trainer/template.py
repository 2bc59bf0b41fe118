"""The student chat template. Its one source of truth is ``STUDENT_CHAT_TEMPLATE`` in src/core/chat-format.ts.

The TypeScript side passes it in the worker config. For direct use of the worker (``python -m distill_trainer
init`` without ``--chat-template-file``), it is read from that TypeScript file next to this package.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .errors import WorkerError

TS_SOURCE = Path(__file__).resolve().parents[2] / "src" / "core" / "chat-format.ts"
_LITERAL = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\"""")


def template_from_ts(path: Path = TS_SOURCE) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise WorkerError("E_NO_TEMPLATE", f"cannot read {path}", "pass --chat-template-file") from e
    m = re.search(r"export const STUDENT_CHAT_TEMPLATE\s*=\s*(.*?);\s*\n", text, re.S)
    if not m:
        raise WorkerError("E_NO_TEMPLATE", f"STUDENT_CHAT_TEMPLATE not found in {path}", "pass --chat-template-file")
    return "".join(ast.literal_eval(lit) for lit in _LITERAL.findall(m.group(1)))
