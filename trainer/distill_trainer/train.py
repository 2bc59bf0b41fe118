"""``train``: supervised fine-tuning of a GGUF model on a tokenised dataset; writes a GGUF back.

AdamW, linear warmup + cosine decay, gradient clipping and accumulation, packed rows with per-document
attention, held-out eval loss, checkpoints every N steps / minutes and on SIGTERM/SIGINT, ``resume``,
NaN/inf guard. Runs as one process or under ``torchrun`` (DDP; gloo on CPU, nccl on CUDA).
"""

from __future__ import annotations

import math
import os
import signal
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

from . import __version__, protocol
from .checkpoint import latest_checkpoint, load_checkpoint, save_checkpoint, upgrade_model_state
from .config import TrainConfig, load_config
from .data import Packed, load_dataset, pack, split_docs
from .errors import WorkerError
from .base_model import load_base
from .gguf_io import save_model
from .model import LlamaModel
from .presets import count_params
from .student import export_state, prepare_student


class _Stop:
    requested = False

    @classmethod
    def install(cls) -> None:
        def handler(signum: int, _frame: object) -> None:
            cls.requested = True

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)


def lr_at(step: int, total: int, warmup: int, lr: float, min_ratio: float) -> float:
    """Learning rate for 1-based ``step``: linear warmup, then cosine down to ``lr·min_ratio``."""
    if warmup > 0 and step <= warmup:
        return lr * step / warmup
    span = max(1, total - warmup)
    progress = min(1.0, (step - warmup) / span)
    return lr * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def _batch(p: Packed, rows: np.ndarray, device: torch.device) -> dict[str, torch.Tensor]:
    t = torch.from_numpy(p.tokens[rows]).to(device)
    seg = torch.from_numpy(p.segments[rows]).to(device)
    return {
        "inputs": t[:, :-1],
        "targets": t[:, 1:],
        "mask": torch.from_numpy(p.mask[rows][:, 1:]).to(device),
        "segments": seg[:, :-1],
        "positions": torch.from_numpy(p.positions[rows][:, :-1]).to(device),
    }


def _loss_sum(model: torch.nn.Module, b: dict[str, torch.Tensor], autocast: bool) -> torch.Tensor:
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=autocast):
        logits = model(b["inputs"], b["positions"], b["segments"])
    ce = F.cross_entropy(logits.float().flatten(0, 1), b["targets"].flatten(), reduction="none")
    return (ce * b["mask"].flatten()).sum()


def _eval_loss(model: LlamaModel, p: Packed | None, rows: int, micro: int, device: torch.device, autocast: bool) -> float | None:
    if p is None or len(p) == 0:
        return None
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        idx = np.arange(min(rows, len(p)))
        for i in range(0, len(idx), micro):
            b = _batch(p, idx[i : i + micro], device)
            total += float(_loss_sum(model, b, autocast))
            count += int(b["mask"].sum())
    model.train()
    return total / max(1, count)


def _stream_rows(step: int, rows_per_step: int, n_rows: int, seed: int) -> np.ndarray:
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


def run_from_config(path: str) -> int:
    return train(load_config(path))


def train(cfg: TrainConfig) -> int:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    distributed = world > 1
    use_cuda = cfg.device == "cuda" or (cfg.device == "auto" and torch.cuda.is_available())
    if distributed:
        dist.init_process_group("nccl" if use_cuda else "gloo")
    protocol.set_enabled(rank == 0)
    if use_cuda:
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        device = torch.device("cuda", local)
    else:
        device = torch.device("cpu")
    autocast = use_cuda and torch.cuda.is_bf16_supported()
    if cfg.threads > 0:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    _Stop.install()

    model, reader, _ = load_base(cfg.base)
    mc = model.config
    ds = load_dataset(cfg.data, mc.vocab_size)
    train_ids, eval_ids = split_docs(ds.n_docs, cfg.evalFraction, cfg.seed)
    if len(train_ids) == 0:
        raise WorkerError("E_BAD_DATA", "the dataset has no training documents", "pass a non-empty --data file")
    rng = np.random.default_rng(cfg.seed)
    train_p = pack(ds, rng.permutation(train_ids), cfg.seqLen)
    eval_p = pack(ds, eval_ids, cfg.seqLen) if len(eval_ids) else None

    rows_per_step = max(1, cfg.batchTokens // cfg.seqLen)
    rows_per_step = max(world, (rows_per_step + world - 1) // world * world)
    rows_per_rank = rows_per_step // world
    micro = cfg.microBatchTokens // cfg.seqLen if cfg.microBatchTokens > 0 else rows_per_rank
    micro = max(1, min(micro, rows_per_rank))
    n_rows = len(train_p)
    total = cfg.maxSteps if cfg.maxSteps > 0 else max(1, math.ceil(cfg.epochs * n_rows / rows_per_step))
    warmup = cfg.warmupSteps if cfg.warmupSteps >= 0 else min(100, max(1, total // 20))
    eval_every = cfg.evalEvery if cfg.evalEvery > 0 else max(1, total // 10)

    setup_meta = prepare_student(model, cfg, micro, device)
    model.to(device)
    model.train()
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and p.requires_grad]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2 and p.requires_grad]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weightDecay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=cfg.lr,
        betas=(cfg.beta1, cfg.beta2),
        fused=True,
    )
    start_step = 0
    last = latest_checkpoint(cfg.runDir) if cfg.resume else None
    if cfg.resume and last is None:
        protocol.emit("warning", message="--resume: no checkpoint found, starting from the beginning")
    if last is not None:
        ck = load_checkpoint(last)
        if ck.get("dataSha256") != ds.sha256 or ck.get("rowsPerStep") != rows_per_step or ck.get("seqLen") != cfg.seqLen:
            raise WorkerError(
                "E_RESUME_MISMATCH",
                f"checkpoint {last} was made with different data or batch settings",
                "resume with the same --data, --batch-tokens and --seq-len, or start over without --resume",
            )
        state_dict, upgraded = upgrade_model_state(ck["model"])
        model.load_state_dict(state_dict)
        if upgraded:
            protocol.emit("warning", message="checkpoint from an older trainer layout: weights kept, optimizer moments reset")
        else:
            opt.load_state_dict(ck["optimizer"])
        start_step = int(ck["step"])
        protocol.emit("resumed", step=start_step, checkpoint=str(last))
    ddp_model: torch.nn.Module = model
    if distributed:
        ddp_model = torch.nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if use_cuda else None)

    params = count_params(mc)
    protocol.emit(
        "start",
        params=params,
        config=mc.to_dict(),
        docs=ds.n_docs,
        trainDocs=int(len(train_ids)),
        evalDocs=int(len(eval_ids)),
        rows=n_rows,
        truncated=train_p.truncated,
        rowsPerStep=rows_per_step,
        microRows=micro,
        totalSteps=total,
        startStep=start_step,
        warmupSteps=warmup,
        world=world,
        device=str(device),
        bf16=autocast,
        threads=torch.get_num_threads(),
        pid=os.getpid(),
    )
    parent = os.getppid()

    def state(step: int) -> dict:
        return {
            "model": model.state_dict(),
            "optimizer": opt.state_dict(),
            "step": step,
            "dataSha256": ds.sha256,
            "rowsPerStep": rows_per_step,
            "seqLen": cfg.seqLen,
            "version": __version__,
        }

    t0 = time.time()
    last_log = 0.0
    last_ckpt = time.time()
    tokens_seen = 0
    loss_val = float("nan")
    eval_val: float | None = None
    step = start_step
    while step < total:
        step += 1
        lr = lr_at(step, total, warmup, cfg.lr, cfg.minLrRatio)
        for g in opt.param_groups:
            g["lr"] = lr
        rows = _stream_rows(step, rows_per_step, n_rows, cfg.seed)[rank * rows_per_rank : (rank + 1) * rows_per_rank]
        chunks = [rows[i : i + micro] for i in range(0, len(rows), micro)]
        count = torch.tensor([float(train_p.mask[rows][:, 1:].sum())])
        ntok = torch.tensor([float((train_p.segments[rows][:, 1:] >= 0).sum())])
        if distributed:
            dist.all_reduce(count)
            dist.all_reduce(ntok)
        denom = max(1.0, float(count)) / world
        loss_acc = 0.0
        for ci, chunk in enumerate(chunks):
            b = _batch(train_p, chunk, device)
            sync = (not distributed) or ci == len(chunks) - 1
            ctx = ddp_model.no_sync() if not sync else _nullctx()
            with ctx:
                loss = _loss_sum(ddp_model, b, autocast) / denom
                loss.backward()
            loss_acc += float(loss.detach())
        grad_norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.gradClip))
        if not math.isfinite(loss_acc) or not math.isfinite(grad_norm):
            last_good = latest_checkpoint(cfg.runDir)
            raise WorkerError(
                "E_NAN",
                f"loss or gradient became {'NaN/inf'} at step {step} (lr {lr:.2e})",
                f"lower --lr{f', then --resume from {last_good.name}' if last_good else ''}",
                exit_code=4,
            )
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss_val = loss_acc / world if not distributed else loss_acc
        if distributed:
            lt = torch.tensor([loss_acc])
            dist.all_reduce(lt)
            loss_val = float(lt) / world
        tokens_seen += int(ntok)
        now = time.time()
        elapsed = now - t0
        done_here = step - start_step
        if step == total or step == start_step + 1 or now - last_log >= cfg.logSeconds:
            last_log = now
            protocol.emit(
                "step",
                step=step,
                totalSteps=total,
                loss=round(loss_val, 6),
                lr=lr,
                gradNorm=round(grad_norm, 4),
                tokensPerS=round(tokens_seen / max(elapsed, 1e-9), 1),
                etaS=round(elapsed / done_here * (total - step), 1),
                epoch=round(step * rows_per_step / n_rows, 3),
            )
        if rank == 0 and eval_p is not None and (step % eval_every == 0 or step == total):
            eval_val = _eval_loss(model, eval_p, cfg.evalRows, micro, device, autocast)
            protocol.emit("eval", step=step, evalLoss=round(eval_val or 0.0, 6))
        stop = _Stop.requested or os.getppid() != parent  # parent gone (killed hard): checkpoint and leave
        if distributed:
            flag = torch.tensor([1.0 if stop else 0.0])
            dist.all_reduce(flag)
            stop = float(flag) > 0
        due = (cfg.checkpointEvery > 0 and step % cfg.checkpointEvery == 0) or (
            cfg.checkpointEvery <= 0 and now - last_ckpt >= cfg.checkpointSeconds
        )
        if (due or stop) and step < total:
            if rank == 0:
                path = save_checkpoint(cfg.runDir, step, state(step))
                protocol.emit("checkpoint", step=step, path=str(path))
            last_ckpt = now
            if distributed:
                dist.barrier()
        if stop:
            protocol.emit("interrupted", step=step, totalSteps=total)
            raise WorkerError("E_INTERRUPTED", f"training stopped at step {step}/{total}", "re-run with --resume", 130)

    if rank == 0:
        if start_step < total:
            save_checkpoint(cfg.runDir, total, state(total))
        meta = {
            **{k: v for k, v in cfg.metadata.items() if isinstance(v, (str, int, float))},
            "trainer_version": __version__,
            "trained_steps": total,
            "train_loss": round(loss_val, 6) if math.isfinite(loss_val) else -1.0,
            "seed": cfg.seed,
            "lr": cfg.lr,
            "seq_len": cfg.seqLen,
            "batch_tokens": rows_per_step * cfg.seqLen,
            "data_sha256": ds.sha256,
            "params": params,
            **setup_meta,
        }
        if eval_val is not None:
            meta["eval_loss"] = round(eval_val, 6)
        save_model(
            cfg.out, model, name=cfg.name, metadata=meta, source=reader, chat_template=cfg.chatTemplate or None,
            state=export_state(model),
        )
        protocol.emit(
            "done",
            out=cfg.out,
            steps=total,
            loss=loss_val if math.isfinite(loss_val) else None,
            evalLoss=eval_val,
            tokens=tokens_seen,
            seconds=round(time.time() - t0, 2),
            params=params,
        )
    if distributed:
        dist.barrier()
        dist.destroy_process_group()
    return 0


class _nullctx:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *a: object) -> None:
        return None
