"""Checkpoints of a training run: where they live, writing one (single file, or FSDP shards) and resuming.

Single-file checkpoints (one process or DDP; rank 0 writes) are ``checkpoint.py``; FSDP's sharded folders are
``sharded_checkpoint.py``. A multi-node run writes them all into node 0's run folder (``checkpointDir``).
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.distributed as dist

from . import __version__, protocol
from .checkpoint import checkpoint_dir, latest_in, load_checkpoint, save_checkpoint_in, upgrade_model_state
from .config import TrainConfig
from .data import Dataset
from .errors import WorkerError
from .model import LlamaModel
from .parallel import Procs, all_reduce, barrier
from .sharded_checkpoint import is_sharded, load_sharded, read_meta, save_sharded


def ckpt_dir(cfg: TrainConfig) -> Path:
    return Path(cfg.checkpointDir) if cfg.checkpointDir else checkpoint_dir(cfg.runDir)


# The settings that shape a run's trajectory (its LR schedule, optimizer, loss and seed): a checkpoint resumes only
# a run with the same ones. (On-policy rounds' schedule offsets and thread counts are not among them.)
TRAJECTORY_SETTINGS = (
    "maxSteps",
    "epochs",
    "lr",
    "minLrRatio",
    "warmupSteps",
    "weightDecay",
    "beta1",
    "beta2",
    "gradClip",
    "seed",
    "kd",
    "kdAlpha",
    "kdTemperature",
    "kdBeta",
    "kdLambda",
    "loraRank",
    "loraAlpha",
    "loraDropout",
    "loraTargets",
)


def trajectory_settings(cfg: TrainConfig) -> dict:
    return {k: getattr(cfg, k) for k in TRAJECTORY_SETTINGS}


def _checkpoint_meta(ds: Dataset, rows_per_step: int, cfg: TrainConfig, step: int) -> dict:
    return {
        "step": step,
        "dataSha256": ds.sha256,
        "rowsPerStep": rows_per_step,
        "seqLen": cfg.seqLen,
        "settings": trajectory_settings(cfg),
        "version": __version__,
    }


def _flag(key: str) -> str:
    return "--" + "".join(f"-{c.lower()}" if c.isupper() else c for c in key)


def save(
    cfg: TrainConfig,
    model: LlamaModel,
    opt: torch.optim.Optimizer,
    ds: Dataset,
    rows_per_step: int,
    procs: Procs,
    step: int,
) -> Path:
    """Collective: FSDP ranks each write their shards; otherwise rank 0 writes one file and the others wait."""
    meta = _checkpoint_meta(ds, rows_per_step, cfg, step)
    if procs.fsdp:
        return save_sharded(ckpt_dir(cfg), step, model, opt, meta, procs)
    path = ckpt_dir(cfg) / f"step-{step:08d}.pt"
    if procs.rank == 0:
        path = save_checkpoint_in(
            ckpt_dir(cfg), step, {"model": model.state_dict(), "optimizer": opt.state_dict(), **meta}
        )
    barrier(procs)
    return path


def _check_resumable(meta: dict, last: Path, ds: Dataset, rows_per_step: int, cfg: TrainConfig) -> None:
    if (
        meta.get("dataSha256") != ds.sha256
        or meta.get("rowsPerStep") != rows_per_step
        or meta.get("seqLen") != cfg.seqLen
    ):
        raise WorkerError(
            "E_RESUME_MISMATCH",
            f"checkpoint {last} was made with different data or batch settings",
            "resume with the same --data, --batch-tokens and --seq-len (a different rank count needs --batch-tokens"
            " / --seq-len divisible by every rank count), or start over without --resume",
        )
    saved = meta.get("settings")
    if isinstance(saved, dict):  # checkpoints written before settings were recorded have none
        now = trajectory_settings(cfg)
        changed = [k for k in TRAJECTORY_SETTINGS if k in saved and saved[k] != now[k]]
        if changed:
            said = ", ".join(f"{_flag(k)} {saved[k]} (now {now[k]})" for k in changed)
            raise WorkerError(
                "E_RESUME_MISMATCH",
                f"checkpoint {last} was made with other training settings: {said}",
                "resume with the settings it was made with, or start over without --resume (a new --out, or remove"
                f" {last.parent})",
            )


def resume(
    cfg: TrainConfig, model: LlamaModel, opt: torch.optim.Optimizer, ds: Dataset, rows_per_step: int, procs: Procs
) -> int:
    """With ``resume``, load the latest checkpoint (same data and batch settings only); the step to start after.

    FSDP runs load sharded checkpoints written by any number of ranks; the others load single-file ones. Every
    rank must find the same checkpoint (a run spanning nodes needs its run folder on shared storage).
    """
    last = latest_in(ckpt_dir(cfg)) if cfg.resume else None
    if cfg.resume and last is None:
        protocol.emit("warning", message="--resume: no checkpoint found, starting from the beginning")
    start_step = 0 if last is None else _load_resume(last, cfg, model, opt, ds, rows_per_step, procs)
    hi, neg_lo = all_reduce([float(start_step), float(-start_step)], procs, dist.ReduceOp.MAX)
    if hi != -neg_lo:
        raise WorkerError(
            "E_RESUME_MISMATCH",
            f"the ranks found different checkpoints (steps {int(-neg_lo)} … {int(hi)})",
            "put --run-dir on storage that every node sees (NFS, Lustre) so that all ranks resume from one checkpoint",
        )
    if last is not None:
        protocol.emit("resumed", step=start_step, checkpoint=str(last), world=procs.world)
    return start_step


def _load_resume(
    last: Path,
    cfg: TrainConfig,
    model: LlamaModel,
    opt: torch.optim.Optimizer,
    ds: Dataset,
    rows_per_step: int,
    procs: Procs,
) -> int:
    if is_sharded(last):
        meta = read_meta(last)
        _check_resumable(meta, last, ds, rows_per_step, cfg)
        if not procs.fsdp:
            raise WorkerError(
                "E_RESUME_MISMATCH",
                f"checkpoint {last.name} is sharded (written with --fsdp)",
                "resume with --fsdp (any --nproc / --nnodes)",
            )
        load_sharded(last, model, opt)
        return int(meta["step"])
    if procs.fsdp:
        raise WorkerError(
            "E_RESUME_MISMATCH",
            f"checkpoint {last.name} was written without --fsdp",
            "resume without --fsdp (DDP resumes on any --nproc), or start over without --resume",
        )
    ck = load_checkpoint(last)
    _check_resumable(ck, last, ds, rows_per_step, cfg)
    state_dict, upgraded = upgrade_model_state(ck["model"])
    model.load_state_dict(state_dict)
    if upgraded:
        protocol.emit(
            "warning", message="checkpoint from an older trainer layout: weights kept, optimizer moments reset"
        )
    else:
        opt.load_state_dict(ck["optimizer"])
    return int(ck["step"])
