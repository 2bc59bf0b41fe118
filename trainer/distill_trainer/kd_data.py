"""The teacher's top-K scores of a tokenised dataset (written by src/train/kd/teacher-scores.ts), batched like the data.

On disk (a folder): ``meta.json`` ``{"version":1,"teacherSha256","dataSha256","topK","nTokens"}``, ``ids.bin``
(int32 LE, nTokens x K: the teacher's K most likely ids for token i given tokens < i of its document; -1 = none, as
on each document's first token) and ``logprobs.bin`` (float32 LE, nTokens x K).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .config import TrainConfig
from .data import Dataset, Packed
from .errors import WorkerError
from .kd_loss import kd_token_loss


@dataclass
class KdScores:
    mode: str
    ids: np.ndarray  # int32 (nTokens, K)
    logprobs: np.ndarray  # float32 (nTokens, K)
    teacher_sha256: str
    alpha: float
    temperature: float
    beta: float

    @property
    def top_k(self) -> int:
        return int(self.ids.shape[1])

    def batch(self, p: Packed, rows: np.ndarray, device: torch.device) -> dict[str, torch.Tensor]:
        """Top-K ids / log-probs aligned with the targets of ``_batch`` (columns 1…L of each row)."""
        if p.index is None:
            raise WorkerError("E_BAD_DATA", "packed rows carry no token index for KD scores")
        at = p.index[rows][:, 1:]
        pad = at < 0
        ids = self.ids[np.where(pad, 0, at)]
        lps = self.logprobs[np.where(pad, 0, at)]
        ids[pad] = -1
        return {"top_ids": torch.from_numpy(ids).to(device), "top_lp": torch.from_numpy(lps).to(device)}

    def token_loss(self, logits: torch.Tensor, b: dict[str, torch.Tensor]) -> torch.Tensor:
        """Per-target loss, flattened like the token cross-entropy; computed on loss positions only (0 elsewhere)."""
        v = logits.shape[-1]
        live = b["mask"].reshape(-1).bool()
        flat = logits.float().reshape(-1, v)
        out = torch.zeros(flat.shape[0], dtype=flat.dtype, device=flat.device)
        out[live] = kd_token_loss(
            self.mode,
            flat[live],
            b["targets"].reshape(-1)[live],
            b["top_ids"].reshape(-1, self.top_k)[live],
            b["top_lp"].reshape(-1, self.top_k)[live],
            alpha=self.alpha,
            beta=self.beta if self.mode == "on-policy" else 0.0,
            temperature=self.temperature,
        )
        return out


def load_kd(cfg: TrainConfig, ds: Dataset, vocab_size: int) -> KdScores | None:
    """The KD scores for ``cfg`` (None for ``sft``), checked against the dataset they must describe."""
    if cfg.kd == "sft":
        return None
    d = Path(cfg.kdScores)
    try:
        meta = json.loads((d / "meta.json").read_text())
        k = int(meta["topK"])
        ids = np.fromfile(d / "ids.bin", dtype="<i4").reshape(-1, k)
        lps = np.fromfile(d / "logprobs.bin", dtype="<f4").reshape(-1, k)
    except (OSError, ValueError, KeyError) as e:
        raise WorkerError("E_BAD_DATA", f"cannot read teacher scores in {d}: {e}", "re-run distill train") from e
    n = len(ds.tokens)
    if meta.get("dataSha256") != ds.sha256 or len(ids) != n or len(lps) != n:
        raise WorkerError("E_BAD_DATA", f"teacher scores in {d} belong to other data", "delete the folder and re-run")
    if ids.max(initial=-1) >= vocab_size:
        raise WorkerError("E_BAD_DATA", "teacher token ids exceed the student's vocabulary", "use --kd sft")
    return KdScores(
        mode=cfg.kd,
        ids=ids,
        logprobs=lps,
        teacher_sha256=str(meta.get("teacherSha256", "")),
        alpha=cfg.kdAlpha,
        temperature=cfg.kdTemperature,
        beta=cfg.kdBeta,
    )
