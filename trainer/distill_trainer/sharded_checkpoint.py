"""FSDP checkpoints with torch.distributed.checkpoint (DCP): ``checkpoints/step-NNNNNNNN.dcp/``.

Every rank writes its own shards of the model and optimizer state (keyed by parameter name, not by rank), rank 0
writes the plan (``.metadata``) and ``meta.json``; a run with a different number of ranks loads the same folder
and DCP reshards on read. The folder is written as ``.step-….dcp.partial`` and renamed once every rank is done,
so a killed run never leaves a half checkpoint that looks whole. The run folder must be one that every node sees
(shared storage) when the ranks span several machines.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict
from torch.distributed.checkpoint.state_dict_loader import load as dcp_load
from torch.distributed.checkpoint.state_dict_saver import save as dcp_save

from .parallel import Procs, barrier

_NAME = re.compile(r"^step-(\d{8})\.dcp$")
META = "meta.json"


def is_sharded(path: Path) -> bool:
    return path.is_dir() and _NAME.match(path.name) is not None


def sharded_checkpoints(ckpt_dir: Path) -> list[Path]:
    """Complete DCP checkpoints (with ``meta.json``), oldest first."""
    if not ckpt_dir.is_dir():
        return []
    return sorted(p for p in ckpt_dir.iterdir() if is_sharded(p) and (p / META).is_file())


def save_sharded(
    ckpt_dir: Path,
    step: int,
    model: nn.Module,
    opt: torch.optim.Optimizer,
    meta: dict[str, Any],
    procs: Procs,
    keep: int = 2,
) -> Path:
    """Collective: every rank calls it. Returns the finished checkpoint folder."""
    path = ckpt_dir / f"step-{step:08d}.dcp"
    tmp = ckpt_dir / f".{path.name}.partial"
    if procs.rank == 0:
        ckpt_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
    barrier(procs)
    model_sd, optim_sd = get_state_dict(model, opt)
    dcp_save({"model": model_sd, "optim": optim_sd}, checkpoint_id=str(tmp))
    barrier(procs)
    if procs.rank == 0:
        (tmp / META).write_text(json.dumps({**meta, "world": procs.world, "fsdp": True}), encoding="utf-8")
        shutil.rmtree(path, ignore_errors=True)
        os.replace(tmp, path)
        for old in sharded_checkpoints(ckpt_dir)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    barrier(procs)
    return path


def read_meta(path: Path) -> dict[str, Any]:
    return json.loads((path / META).read_text(encoding="utf-8"))


def load_sharded(path: Path, model: nn.Module, opt: torch.optim.Optimizer) -> None:
    """Collective under FSDP: load ``path`` into the (sharded) model and optimizer, whatever rank count wrote it."""
    model_sd, optim_sd = get_state_dict(model, opt)
    state = {"model": model_sd, "optim": optim_sd}
    dcp_load(state, checkpoint_id=str(path))
    set_state_dict(model, opt, model_state_dict=state["model"], optim_state_dict=state["optim"])
