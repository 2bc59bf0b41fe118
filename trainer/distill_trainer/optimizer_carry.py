"""On-policy rounds (src/train/kd/on-policy.ts) as one run: AdamW moments and the LR schedule carry across rounds.

Each round is its own worker process (new data: the student's fresh samples). ``optimizerIn`` is the state the
previous round left in ``optimizerOut``; ``scheduleOffset``/``scheduleTotal`` place this round's steps in the
whole run's warmup + cosine schedule, so round 2 neither warms up again nor restarts the cosine.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from . import protocol
from .config import TrainConfig
from .errors import WorkerError


def schedule_position(cfg: TrainConfig, step: int, total: int) -> tuple[int, int]:
    """``(step, total)`` for ``lr_at``: this round's 1-based step and total, shifted into the whole run's schedule."""
    if cfg.scheduleTotal > 0:
        return step + cfg.scheduleOffset, cfg.scheduleTotal
    return step, total


def load_carried(cfg: TrainConfig, opt: torch.optim.Optimizer) -> None:
    """Start from the previous round's AdamW state (moments and step counts), when there is one."""
    if not cfg.optimizerIn:
        return
    path = Path(cfg.optimizerIn)
    if not path.is_file():
        raise WorkerError("E_BAD_CONFIG", f"no optimizer state at {path}", "rerun the on-policy training from round 1")
    state = torch.load(path, map_location="cpu", weights_only=False)
    opt.load_state_dict(state["optimizer"])
    protocol.emit("optimizer-carried", path=str(path), steps=int(state.get("steps", 0)))


def save_carried(cfg: TrainConfig, opt: torch.optim.Optimizer, steps: int) -> None:
    """Leave this round's AdamW state for the next round (atomically)."""
    if not cfg.optimizerOut:
        return
    path = Path(cfg.optimizerOut)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    torch.save({"optimizer": opt.state_dict(), "steps": cfg.scheduleOffset + steps}, tmp)
    os.replace(tmp, path)
