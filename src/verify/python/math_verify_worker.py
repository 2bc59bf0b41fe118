"""Math-Verify worker for Distill: JSON lines over stdin/stdout.

Request:  {"i": 0, "gold": "...", "pred": "...", "kind": "math" | "choice"}
Reply:    {"i": 0, "correct": true, "extracted": "...", "gold": "...", "error": null}

Runs `math_verify.parse` on both sides and `math_verify.verify(gold, pred)` with default settings
(choice answers: string extraction of the option letters). Its own per-call timeouts use SIGALRM,
so this must stay single-threaded; Distill runs several of these processes as a pool.
"""

import json
import sys

from math_verify import (
    ExprExtractionConfig,
    LatexExtractionConfig,
    StringExtractionConfig,
    parse,
    verify,
)

CHOICE_CONFIG = [StringExtractionConfig(strings=tuple("ABCDEFGHIJ"))]
DEFAULT_CONFIG = [LatexExtractionConfig(), ExprExtractionConfig()]


def extracted_text(parsed):
    """The extracted answer string math_verify.parse returns last (None when nothing was found)."""
    if not parsed:
        return None
    last = parsed[-1]
    return last if isinstance(last, str) else str(last)


def check(request):
    kind = request.get("kind", "math")
    config = CHOICE_CONFIG if kind == "choice" else DEFAULT_CONFIG
    gold = parse(request["gold"], extraction_config=config)
    pred = parse(request["pred"], extraction_config=config)
    correct = bool(gold) and bool(pred) and bool(verify(gold, pred))
    return {
        "correct": correct,
        "extracted": extracted_text(pred),
        "gold": extracted_text(gold),
    }


def main():
    from importlib.metadata import version

    sys.stdout.write(json.dumps({"ready": True, "version": version("math-verify")}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        request = json.loads(line)
        try:
            reply = check(request)
            reply["error"] = None
        except Exception as error:  # noqa: BLE001 - any failure is a not-correct verdict
            reply = {"correct": False, "extracted": None, "gold": None, "error": repr(error)[:500]}
        reply["i"] = request.get("i")
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
