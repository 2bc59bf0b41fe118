"""The pieces of a training step that only read data: the LR schedule, batches, losses and the row stream."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from .data import Packed
from .kd_data import KdScores
from .model import LlamaModel


def lr_at(step: int, total: int, warmup: int, lr: float, min_ratio: float) -> float:
    """Learning rate for 1-based ``step``: linear warmup, then cosine down to ``lr·min_ratio``."""
    if warmup > 0 and step <= warmup:
        return lr * step / warmup
    span = max(1, total - warmup)
    progress = min(1.0, (step - warmup) / span)
    return lr * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def batch(p: Packed, rows: np.ndarray, device: torch.device, kd: KdScores | None = None) -> dict[str, torch.Tensor]:
    t = torch.from_numpy(p.tokens[rows]).to(device)
    seg = torch.from_numpy(p.segments[rows]).to(device)
    b = {
        "inputs": t[:, :-1],
        "targets": t[:, 1:],
        "mask": torch.from_numpy(p.mask[rows][:, 1:]).to(device),
        "segments": seg[:, :-1],
        "positions": torch.from_numpy(p.positions[rows][:, :-1]).to(device),
    }
    if kd is not None:
        b.update(kd.batch(p, rows, device))
    return b


def loss_sum(
    model: torch.nn.Module, b: dict[str, torch.Tensor], autocast: bool, kd: KdScores | None = None
) -> torch.Tensor:
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=autocast):
        logits = model(b["inputs"], b["positions"], b["segments"])
    if kd is not None:
        return (kd.token_loss(logits, b) * b["mask"].flatten()).sum()
    ce = F.cross_entropy(logits.float().flatten(0, 1), b["targets"].flatten(), reduction="none")
    return (ce * b["mask"].flatten()).sum()


def eval_loss(
    model: LlamaModel, p: Packed | None, rows: int, micro: int, device: torch.device, autocast: bool
) -> float | None:
    if p is None or len(p) == 0:
        return None
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        idx = np.arange(min(rows, len(p)))
        for i in range(0, len(idx), micro):
            b = batch(p, idx[i : i + micro], device)
            total += float(loss_sum(model, b, autocast))
            count += int(b["mask"].sum())
    model.train()
    return total / max(1, count)


def stream_rows(step: int, rows_per_step: int, n_rows: int, seed: int) -> np.ndarray:
    """Global row ids for 1-based ``step``: an endless stream of per-epoch permutations."""
    start = (step - 1) * rows_per_step
    out = np.empty(rows_per_step, dtype=np.int64)
    for k in range(rows_per_step):
        g = start + k
        epoch, i = divmod(g, n_rows)
        out[k] = _perm(epoch, n_rows, seed)[i]
    return out


_perm_cache: dict[tuple[int, int, int], np.ndarray] = {}


def _perm(epoch: int, n: int, seed: int) -> np.ndarray:
    key = (epoch, n, seed)
    if key not in _perm_cache:
        _perm_cache.clear()
        _perm_cache[key] = np.random.default_rng([seed, epoch]).permutation(n)
    return _perm_cache[key]
