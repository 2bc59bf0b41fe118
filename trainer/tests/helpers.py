"""Test helpers: a char-level tokeniser matching the fresh vocab, and a dataset writer in the TS on-disk format."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import numpy as np

from distill_trainer.config import TrainConfig
from distill_trainer.vocab import SPACE, build_char_vocab

VOCAB = build_char_vocab()
_IDS = {t: i for i, t in enumerate(VOCAB.tokens)}


def encode(text: str) -> list[int]:
    out: list[int] = []
    i = 0
    while i < len(text):
        for special in ("<s>", "</s>", "<think>", "</think>"):
            if text.startswith(special, i):
                out.append(_IDS[special])
                i += len(special)
                break
        else:
            c = text[i]
            key = SPACE if c == " " else c
            out.append(_IDS[key] if key in _IDS else _IDS[f"<0x{ord(c):02X}>"])
            i += 1
    return out


def addition_examples(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        a, b = rng.randint(10, 99), rng.randint(10, 99)
        rows.append(
            (f"<s>User: {a}+{b}?\nAssistant: <think>\n", f"{a}+{b}={a + b}\n</think>\n\n\\boxed{{{a + b}}}</s>")
        )
    return rows


def write_dataset(folder: Path, examples: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    toks: list[int] = []
    mask: list[int] = []
    offsets = [0]
    for prompt, completion in examples:
        p, c = encode(prompt), encode(completion)
        toks += p + c
        mask += [0] * len(p) + [1] * len(c)
        offsets.append(len(toks))
    t = np.asarray(toks, dtype="<i4")
    m = np.asarray(mask, dtype=np.uint8)
    o = np.asarray(offsets, dtype="<i8")
    t.tofile(folder / "tokens.bin")
    m.tofile(folder / "mask.bin")
    o.tofile(folder / "offsets.bin")
    sha = hashlib.sha256(t.tobytes() + m.tobytes()).hexdigest()
    meta = {"version": 1, "nDocs": len(examples), "nTokens": len(toks), "vocabSize": len(VOCAB), "sha256": sha}
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


def tiny_cfg(tmp: Path, base: Path, data: Path, name: str, **kw: Any) -> TrainConfig:
    """A few-step training config on the tiny test model: output and run folder named ``name`` under ``tmp``;
    keyword arguments override the defaults."""
    settings: dict[str, Any] = {
        "seqLen": 64,
        "batchTokens": 256,
        "lr": 3e-3,
        "threads": 1,
        "evalFraction": 0.1,
    }
    settings.update(kw)
    return TrainConfig(
        base=str(base), data=str(data), out=str(tmp / f"{name}.gguf"), runDir=str(tmp / f"{name}.run"), **settings
    )


def worker_events(captured: str) -> list[dict]:
    """The worker's JSON event lines in captured stdout."""
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]
