"""The tokenised SFT dataset the TypeScript side writes, and packing into fixed-length rows.

On disk (a folder): ``meta.json`` ``{"version":1,"nDocs","nTokens","vocabSize","sha256"}``, ``tokens.bin``
(int32 LE, all documents concatenated), ``mask.bin`` (uint8, 1 = loss on this token), ``offsets.bin``
(int64 LE, nDocs+1 document boundaries).

Packing puts several documents in one row. Each token carries its document's segment id and its position
inside the document, so attention and RoPE behave exactly as if each document were alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import WorkerError


@dataclass
class Dataset:
    tokens: np.ndarray  # int32 (nTokens,)
    mask: np.ndarray  # uint8 (nTokens,)
    offsets: np.ndarray  # int64 (nDocs+1,)
    sha256: str

    @property
    def n_docs(self) -> int:
        return len(self.offsets) - 1

    def doc(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.tokens[a:b], self.mask[a:b]


def load_dataset(folder: str, vocab_size: int) -> Dataset:
    d = Path(folder)
    try:
        meta = json.loads((d / "meta.json").read_text())
        tokens = np.fromfile(d / "tokens.bin", dtype="<i4")
        mask = np.fromfile(d / "mask.bin", dtype=np.uint8)
        offsets = np.fromfile(d / "offsets.bin", dtype="<i8")
    except (OSError, ValueError) as e:
        raise WorkerError("E_BAD_DATA", f"cannot read tokenised data in {folder}: {e}", "re-run distill train") from e
    if len(tokens) != len(mask) or offsets[-1] != len(tokens) or len(offsets) != meta["nDocs"] + 1:
        raise WorkerError("E_BAD_DATA", f"tokenised data in {folder} is inconsistent", "delete it and re-run")
    if len(tokens) and (tokens.min() < 0 or tokens.max() >= vocab_size):
        raise WorkerError(
            "E_BAD_DATA",
            f"token ids in {folder} exceed the model's vocabulary ({vocab_size})",
            "tokenise with the same GGUF you train",
        )
    return Dataset(tokens=tokens, mask=mask, offsets=offsets, sha256=str(meta.get("sha256", "")))


@dataclass
class Packed:
    """Rows of ``seq_len + 1`` tokens (inputs are [:-1], targets [1:])."""

    tokens: np.ndarray  # int64 (R, L+1)
    mask: np.ndarray  # bool (R, L+1): loss on target token
    segments: np.ndarray  # int32 (R, L+1); -1 = padding
    positions: np.ndarray  # int64 (R, L+1)
    truncated: int
    index: np.ndarray | None = None  # int64 (R, L+1): each token's position in the dataset's token stream; -1 = padding

    def __len__(self) -> int:
        return len(self.tokens)


def split_docs(n_docs: int, eval_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic held-out split: (train doc ids, eval doc ids)."""
    order = np.random.default_rng(seed).permutation(n_docs)
    n_eval = round(n_docs * eval_fraction) if n_docs >= 20 else 0
    n_eval = min(n_eval, max(0, n_docs - 1))
    return order[n_eval:], order[:n_eval]


def pack(ds: Dataset, doc_ids: np.ndarray, seq_len: int, lookback: int = 16) -> Packed:
    """First-fit packing over the last ``lookback`` open rows; documents longer than a row are truncated."""
    width = seq_len + 1
    rows: list[list[int]] = []
    fill: list[int] = []
    truncated = 0
    for i in doc_ids:
        n = int(ds.offsets[i + 1] - ds.offsets[i])
        if n > width:
            truncated += 1
            n = width
        start = max(0, len(rows) - lookback)
        for r in range(start, len(rows)):
            if fill[r] + n <= width:
                rows[r].append(int(i))
                fill[r] += n
                break
        else:
            rows.append([int(i)])
            fill.append(n)
    R = len(rows)
    tokens = np.zeros((R, width), dtype=np.int64)
    mask = np.zeros((R, width), dtype=bool)
    segments = np.full((R, width), -1, dtype=np.int32)
    positions = np.zeros((R, width), dtype=np.int64)
    index = np.full((R, width), -1, dtype=np.int64)
    for r, docs in enumerate(rows):
        at = 0
        for s, i in enumerate(docs):
            t, m = ds.doc(i)
            t, m = t[:width], m[:width]
            n = len(t)
            tokens[r, at : at + n] = t
            mask[r, at : at + n] = m.astype(bool)
            mask[r, at] = False  # the first token of a document is never a target
            segments[r, at : at + n] = s
            positions[r, at : at + n] = np.arange(n)
            index[r, at : at + n] = int(ds.offsets[i]) + np.arange(n)
            at += n
    return Packed(tokens=tokens, mask=mask, segments=segments, positions=positions, truncated=truncated, index=index)
