"""``train``: supervised fine-tuning of a GGUF model on a tokenised dataset; writes a GGUF back.

AdamW, linear warmup + cosine decay, gradient clipping and accumulation, packed rows with per-document
attention, held-out eval loss, checkpoints every N steps / minutes and on SIGTERM/SIGINT, ``resume``,
NaN/inf guard. Runs as one process or under ``torchrun`` on one or several nodes (gloo on CPU, nccl on CUDA):
DDP replicates the model, ``fsdp`` shards parameters, gradients and optimizer state with FSDP2 and checkpoints
with torch.distributed.checkpoint (resumable on any number of ranks). See parallel.py.
"""

from __future__ import annotations

import math
import os
import signal
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.distributed as dist
from gguf import GGUFReader

from . import __version__, protocol
from .base_model import load_base
from .batches import batch, eval_loss, loss_sum, lr_at, stream_rows
from .checkpoint import latest_in
from .config import TrainConfig, load_config
from .data import Dataset, Packed, load_dataset, pack, split_docs
from .determinism import make_deterministic
from .errors import WorkerError
from .gguf_io import save_model
from .kd_data import KdScores, load_kd
from .lora_export import save_lora_adapter
from .model import LlamaModel
from .optimizer_carry import load_carried, save_carried, schedule_position
from .parallel import (
    Procs,
    all_reduce,
    find_writer,
    full_state,
    grad_sync,
    join_group,
    leave,
    to_local_float,
    wrap,
)
from .presets import count_params
from .run_checkpoints import ckpt_dir, resume, save
from .student import export_state, prepare_student


class _Stop:
    requested = False

    @classmethod
    def install(cls) -> None:
        def handler(signum: int, _frame: object) -> None:
            cls.requested = True

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)


def run_from_config(path: str) -> int:
    return train(load_config(path))


@dataclass
class _Data:
    ds: Dataset
    train_ids: np.ndarray
    eval_ids: np.ndarray
    train_p: Packed
    eval_p: Packed | None
    kd: KdScores | None


@dataclass
class _Plan:
    """How many rows each step takes (all ranks, this rank, per forward pass) and how many steps the run has."""

    rows_per_step: int
    rows_per_rank: int
    micro: int
    n_rows: int
    total: int
    warmup: int
    eval_every: int


@dataclass
class _Progress:
    """What the loop carries from step to step (for logs, checkpoints and the final metadata)."""

    start_step: int
    parent: int
    t0: float = field(default_factory=time.time)
    last_log: float = 0.0
    last_ckpt: float = field(default_factory=time.time)
    tokens_seen: int = 0
    loss_val: float = float("nan")
    eval_val: float | None = None


def _setup_processes(cfg: TrainConfig) -> Procs:
    """Join the process group under torchrun (or a one-rank group for FSDP alone), pick the device, seed torch,
    install the stop signals and agree on the rank that writes the GGUF. Each node's local rank 0 reports events."""
    use_cuda = cfg.device == "cuda" or (cfg.device == "auto" and torch.cuda.is_available())
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if use_cuda:
        torch.cuda.set_device(local)
        device = torch.device("cuda", local)
    else:
        device = torch.device("cpu")
    world, rank, local, distributed, backend = join_group(use_cuda, cfg.fsdp, device)
    protocol.set_enabled(local == 0)
    autocast = use_cuda and torch.cuda.is_bf16_supported()
    threads = make_deterministic(cfg.seed, cfg.threads)
    _Stop.install()
    node_rank = int(os.environ.get("DISTILL_NODE_RANK", "0"))
    procs = Procs(world, rank, local, node_rank, distributed, use_cuda, device, autocast, threads, backend, cfg.fsdp)
    procs.writer = find_writer(procs)
    return procs


def _load_data(cfg: TrainConfig, vocab_size: int) -> _Data:
    """Read the tokenised dataset, hold out the eval documents and pack both sides into rows of ``seqLen``."""
    ds = load_dataset(cfg.data, vocab_size)
    kd = load_kd(cfg, ds, vocab_size)
    train_ids, eval_ids = split_docs(ds.n_docs, cfg.evalFraction, cfg.seed)
    if len(train_ids) == 0:
        raise WorkerError("E_BAD_DATA", "the dataset has no training documents", "pass a non-empty --data file")
    rng = np.random.default_rng(cfg.seed)
    train_p = pack(ds, rng.permutation(train_ids), cfg.seqLen)
    eval_p = pack(ds, eval_ids, cfg.seqLen) if len(eval_ids) else None
    return _Data(ds, train_ids, eval_ids, train_p, eval_p, kd)


def _plan(cfg: TrainConfig, n_rows: int, world: int) -> _Plan:
    """Rows per step (a multiple of the ranks), micro-batch rows, total, warmup and eval steps."""
    rows_per_step = max(1, cfg.batchTokens // cfg.seqLen)
    rows_per_step = max(world, (rows_per_step + world - 1) // world * world)
    rows_per_rank = rows_per_step // world
    micro = cfg.microBatchTokens // cfg.seqLen if cfg.microBatchTokens > 0 else rows_per_rank
    micro = max(1, min(micro, rows_per_rank))
    total = cfg.maxSteps if cfg.maxSteps > 0 else max(1, math.ceil(cfg.epochs * n_rows / rows_per_step))
    warmup = cfg.warmupSteps if cfg.warmupSteps >= 0 else min(100, max(1, total // 20))
    eval_every = cfg.evalEvery if cfg.evalEvery > 0 else max(1, total // 10)
    return _Plan(rows_per_step, rows_per_rank, micro, n_rows, total, warmup, eval_every)


def _optimizer(model: LlamaModel, cfg: TrainConfig) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices only (not on norms)."""
    decay = [p for _, p in model.named_parameters() if p.dim() >= 2 and p.requires_grad]
    no_decay = [p for _, p in model.named_parameters() if p.dim() < 2 and p.requires_grad]
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weightDecay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=cfg.lr,
        betas=(cfg.beta1, cfg.beta2),
        fused=True,
    )


def _emit_start(model: LlamaModel, data: _Data, plan: _Plan, procs: Procs, start_step: int) -> int:
    """Tell the parent what is about to run; the parameter count."""
    params = count_params(model.config)
    protocol.emit(
        "start",
        params=params,
        config=model.config.to_dict(),
        docs=data.ds.n_docs,
        trainDocs=len(data.train_ids),
        evalDocs=len(data.eval_ids),
        rows=plan.n_rows,
        truncated=data.train_p.truncated,
        rowsPerStep=plan.rows_per_step,
        microRows=plan.micro,
        totalSteps=plan.total,
        startStep=start_step,
        warmupSteps=plan.warmup,
        world=procs.world,
        rank=procs.rank,
        fsdp=procs.fsdp,
        writer=procs.rank == procs.writer,
        device=str(procs.device),
        bf16=procs.autocast,
        threads=torch.get_num_threads(),
        pid=os.getpid(),
    )
    return params


def _step(
    step: int,
    cfg: TrainConfig,
    model: LlamaModel,
    wrapped: torch.nn.Module,
    opt: torch.optim.Optimizer,
    train_p: Packed,
    plan: _Plan,
    procs: Procs,
    kd: KdScores | None = None,
) -> tuple[float, float, float, int]:
    """One optimizer step over this rank's rows (gradient accumulation over micro-batches, clipping, NaN guard).

    Returns the learning rate, the mean loss per completion token over all ranks, the gradient norm and the
    number of tokens the step saw on all ranks.
    """
    lr = lr_at(*schedule_position(cfg, step, plan.total), plan.warmup, cfg.lr, cfg.minLrRatio)
    for g in opt.param_groups:
        g["lr"] = lr
    rank, world = procs.rank, procs.world
    rows = stream_rows(step, plan.rows_per_step, plan.n_rows, cfg.seed)[
        rank * plan.rows_per_rank : (rank + 1) * plan.rows_per_rank
    ]
    chunks = [rows[i : i + plan.micro] for i in range(0, len(rows), plan.micro)]
    # Reduction tensors live where the backend reduces them (CUDA for nccl, CPU for gloo): parallel.all_reduce.
    count, ntok = all_reduce(
        [float(train_p.mask[rows][:, 1:].sum()), float((train_p.segments[rows][:, 1:] >= 0).sum())], procs
    )
    denom = max(1.0, count) / world
    loss_acc = 0.0
    for ci, chunk in enumerate(chunks):
        b = batch(train_p, chunk, procs.device, kd)
        with grad_sync(wrapped, procs, ci == len(chunks) - 1):
            loss = loss_sum(wrapped, b, procs.autocast, kd) / denom
            loss.backward()
        loss_acc += float(loss.detach())
    grad_norm = to_local_float(torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.gradClip))
    loss_val = all_reduce([loss_acc], procs)[0] / world  # every rank sees the same loss and decides alike
    if not math.isfinite(loss_val) or not math.isfinite(grad_norm):
        last_good = latest_in(ckpt_dir(cfg))
        raise WorkerError(
            "E_NAN",
            f"loss or gradient became {'NaN/inf'} at step {step} (lr {lr:.2e})",
            f"lower --lr{f', then --resume from {last_good.name}' if last_good else ''}",
            exit_code=4,
        )
    opt.step()
    opt.zero_grad(set_to_none=True)
    return lr, loss_val, grad_norm, int(ntok)


def _stop_or_save(parent: int, due: bool, procs: Procs) -> tuple[bool, bool]:
    """(stop, checkpoint now), the same on every rank: SIGTERM/SIGINT or the parent gone (killed hard) on any rank
    stops all ranks, and a checkpoint due on any rank (the clocks differ) is written by all of them."""
    stop = _Stop.requested or os.getppid() != parent
    stop_any, due_any = all_reduce([1.0 if stop else 0.0, 1.0 if due else 0.0], procs, dist.ReduceOp.MAX)
    return stop_any > 0, due_any > 0


def _finish(
    cfg: TrainConfig,
    model: LlamaModel,
    reader: GGUFReader,
    opt: torch.optim.Optimizer,
    data: _Data,
    plan: _Plan,
    progress: _Progress,
    params: int,
    procs: Procs,
    setup_meta: dict,
) -> None:
    """Every rank: the final checkpoint and (FSDP) the gathered weights; the writer rank then writes the GGUF with
    the training metadata. Each node's leader reports ``done`` (``out`` only where the GGUF was written)."""
    total = plan.total
    if progress.start_step < total:
        save(cfg, model, opt, data.ds, plan.rows_per_step, procs, total)
    state = full_state(model, procs) if procs.fsdp else None
    writer = procs.rank == procs.writer
    if writer:
        _write_gguf(cfg, model, reader, data, plan, progress, params, procs, setup_meta, state)
    loss_val, eval_val = progress.loss_val, progress.eval_val
    protocol.emit(
        "done",
        out=cfg.out if writer else None,
        steps=total,
        loss=loss_val if math.isfinite(loss_val) else None,
        evalLoss=eval_val,
        tokens=progress.tokens_seen,
        seconds=round(time.time() - progress.t0, 2),
        params=params,
        world=procs.world,
    )


def _write_gguf(
    cfg: TrainConfig,
    model: LlamaModel,
    reader: GGUFReader,
    data: _Data,
    plan: _Plan,
    progress: _Progress,
    params: int,
    procs: Procs,
    setup_meta: dict,
    state: dict[str, torch.Tensor] | None,
) -> None:
    total = plan.total
    loss_val, eval_val = progress.loss_val, progress.eval_val
    meta = {
        **{k: v for k, v in cfg.metadata.items() if isinstance(v, (str, int, float))},
        "trainer_version": __version__,
        "trained_steps": total,
        "train_loss": round(loss_val, 6) if math.isfinite(loss_val) else -1.0,
        "seed": cfg.seed,
        "lr": cfg.lr,
        "seq_len": cfg.seqLen,
        "batch_tokens": plan.rows_per_step * cfg.seqLen,
        "data_sha256": data.ds.sha256,
        "params": params,
        "threads": procs.threads,
        **({"ranks": procs.world, "fsdp": "yes" if procs.fsdp else "no"} if procs.distributed else {}),
        **setup_meta,
    }
    if eval_val is not None:
        meta["eval_loss"] = round(eval_val, 6)
    if cfg.loraExport == "adapter":
        alpha = cfg.loraAlpha or 2.0 * cfg.loraRank
        save_lora_adapter(cfg.out, model, alpha=alpha, name=cfg.name, metadata={**meta, "lora_export": "adapter"})
    else:
        save_model(
            cfg.out,
            model,
            name=cfg.name,
            metadata=meta,
            source=reader,
            chat_template=cfg.chatTemplate or None,
            state=state if state is not None else export_state(model),
        )


def train(cfg: TrainConfig) -> int:
    procs = _setup_processes(cfg)
    model, reader, _ = load_base(cfg.base)
    data = _load_data(cfg, model.config.vocab_size)
    plan = _plan(cfg, len(data.train_p), procs.world)
    setup_meta = prepare_student(model, cfg, plan.micro, procs.device, procs.world if procs.fsdp else 1)
    model.train()
    if procs.fsdp:  # shard first (fully_shard moves each rank's shards to the device), then the optimizer
        wrapped = wrap(model, procs)
        opt = _optimizer(model, cfg)
        start_step = resume(cfg, model, opt, data.ds, plan.rows_per_step, procs)
        if start_step == 0 and cfg.optimizerIn:
            raise WorkerError(
                "E_BAD_CONFIG", "on-policy rounds carry a whole optimizer state", "drop --fsdp for --kd on-policy"
            )
    else:  # DDP: every rank loads the same checkpoint, then DDP wraps the model
        model.to(procs.device)
        opt = _optimizer(model, cfg)
        start_step = resume(cfg, model, opt, data.ds, plan.rows_per_step, procs)
        if start_step == 0:
            load_carried(cfg, opt)
        wrapped = wrap(model, procs)
    params = _emit_start(model, data, plan, procs, start_step)
    progress = _Progress(start_step=start_step, parent=os.getppid())
    _run_steps(cfg, model, wrapped, opt, data, plan, procs, progress)
    if procs.rank == 0 and not procs.fsdp:
        save_carried(cfg, opt, plan.total)
    _finish(cfg, model, reader, opt, data, plan, progress, params, procs, setup_meta)
    leave(procs)
    return 0


def _run_steps(
    cfg: TrainConfig,
    model: LlamaModel,
    wrapped: torch.nn.Module,
    opt: torch.optim.Optimizer,
    data: _Data,
    plan: _Plan,
    procs: Procs,
    progress: _Progress,
) -> None:
    """Steps ``start_step+1 … total``: log, evaluate, checkpoint when due, and stop cleanly when asked."""
    total, start_step = plan.total, progress.start_step
    step = start_step
    while step < total:
        step += 1
        lr, progress.loss_val, grad_norm, ntok = _step(
            step, cfg, model, wrapped, opt, data.train_p, plan, procs, data.kd
        )
        progress.tokens_seen += ntok
        now = time.time()
        elapsed = now - progress.t0
        done_here = step - start_step
        if step == total or step == start_step + 1 or now - progress.last_log >= cfg.logSeconds:
            progress.last_log = now
            protocol.emit(
                "step",
                step=step,
                totalSteps=total,
                loss=round(progress.loss_val, 6),
                lr=lr,
                gradNorm=round(grad_norm, 4),
                tokensPerS=round(progress.tokens_seen / max(elapsed, 1e-9), 1),
                etaS=round(elapsed / done_here * (total - step), 1),
                epoch=round(step * plan.rows_per_step / plan.n_rows, 3),
            )
        # FSDP: every rank takes part in the forward (the shards are gathered); DDP: the writer's replica.
        evaluates = procs.fsdp or procs.rank == procs.writer
        if evaluates and data.eval_p is not None and (step % plan.eval_every == 0 or step == total):
            progress.eval_val = eval_loss(model, data.eval_p, cfg.evalRows, plan.micro, procs.device, procs.autocast)
            protocol.emit("eval", step=step, evalLoss=round(progress.eval_val or 0.0, 6))
        due = (cfg.checkpointEvery > 0 and step % cfg.checkpointEvery == 0) or (
            cfg.checkpointEvery <= 0 and now - progress.last_ckpt >= cfg.checkpointSeconds
        )
        stop, due = _stop_or_save(progress.parent, due, procs)
        if (due or stop) and step < total:
            path = save(cfg, model, opt, data.ds, plan.rows_per_step, procs, step)
            protocol.emit("checkpoint", step=step, path=str(path))
            progress.last_ckpt = now
        if stop:
            protocol.emit("interrupted", step=step, totalSteps=total)
            raise WorkerError("E_INTERRUPTED", f"training stopped at step {step}/{total}", "re-run with --resume", 130)
