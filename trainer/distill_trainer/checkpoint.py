"""Training checkpoints: model + optimizer + step, written atomically; the newest two are kept.

One file per checkpoint (one process or DDP: rank 0 writes it); FSDP runs write sharded folders instead
(sharded_checkpoint.py). ``latest_in`` finds the newest of either kind.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import torch

from .sharded_checkpoint import sharded_checkpoints

_NAME = re.compile(r"^step-(\d{8})\.pt$")


def checkpoint_dir(run_dir: str) -> Path:
    return Path(run_dir) / "checkpoints"


def latest_checkpoint(run_dir: str) -> Path | None:
    return latest_in(checkpoint_dir(run_dir))


def latest_in(d: Path) -> Path | None:
    """The newest checkpoint in ``d`` by step: a ``step-N.pt`` file or a complete ``step-N.dcp/`` folder (FSDP)."""
    if not d.is_dir():
        return None
    found = [p for p in d.iterdir() if _NAME.match(p.name)] + sharded_checkpoints(d)
    return max(found, key=lambda p: (_step_of(p), p.suffix == ".pt")) if found else None


def _step_of(p: Path) -> int:
    return int(p.name.split("-", 1)[1].split(".", 1)[0])


def save_checkpoint(run_dir: str, step: int, state: dict[str, Any], keep: int = 2) -> Path:
    return save_checkpoint_in(checkpoint_dir(run_dir), step, state, keep)


def save_checkpoint_in(d: Path, step: int, state: dict[str, Any], keep: int = 2) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"step-{step:08d}.pt"
    tmp = d / f".{path.name}.partial"
    torch.save(state, tmp)
    os.replace(tmp, path)
    old = sorted(p for p in d.iterdir() if _NAME.match(p.name))
    for p in old[:-keep]:
        p.unlink(missing_ok=True)
    return path


def load_checkpoint(path: Path) -> dict[str, Any]:
    return torch.load(path, map_location="cpu", weights_only=False)


def upgrade_model_state(state: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], bool]:
    """Checkpoints from before Q/K/V and gate/up were fused (trainer ≤ 0.1.0 early builds) → current layout.

    Returns the state and whether it changed (then the optimizer state no longer matches and is reset).
    """
    if not any(k.endswith("attn.wq.weight") for k in state):
        return state, False
    out: dict[str, torch.Tensor] = {}
    for k, v in state.items():
        if ".attn.wq." in k:
            kind = k.rsplit(".", 1)[1]
            pre = k.split("attn.wq.")[0]
            out[pre + f"attn.wqkv.{kind}"] = torch.cat([state[pre + f"attn.w{x}.{kind}"] for x in "qkv"])
        elif ".ffn.w_gate." in k:
            pre = k.split("ffn.w_gate.")[0]
            out[pre + "ffn.w_gate_up.weight"] = torch.cat([v, state[pre + "ffn.w_up.weight"]])
        elif ".attn.wk." in k or ".attn.wv." in k or ".ffn.w_up." in k:
            continue
        else:
            out[k] = v
    return out, True
