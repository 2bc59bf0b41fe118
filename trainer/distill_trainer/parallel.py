"""Where the ranks run and how they talk: the process group (gloo on CPU, nccl on CUDA), DDP or FSDP2 around the
model, the device the reduction tensors live on, and which rank writes the output GGUF.

Under ``torchrun`` every process reads ``WORLD_SIZE``/``RANK``/``LOCAL_RANK``; ``DISTILL_NODE_RANK`` is the
``--node-rank`` the user gave ``distill train`` (the c10d rendezvous numbers the nodes in its own order, so the
node the user called 0 is found here, and its local rank 0 writes the GGUF). ``--fsdp`` on one process still
joins a one-rank process group, so the same sharded code and checkpoints serve every rank count.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import cast

import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.fsdp import FSDPModule, MixedPrecisionPolicy, fully_shard
from torch.distributed.tensor import DTensor
from torch.nn.parallel import DistributedDataParallel

from .errors import WorkerError
from .model import LlamaModel


@dataclass
class Procs:
    """This process among ``world``: ranks, device, backend, FSDP or not, and the rank that writes the GGUF."""

    world: int
    rank: int
    local_rank: int
    node_rank: int
    distributed: bool
    use_cuda: bool
    device: torch.device
    autocast: bool
    threads: int
    backend: str = ""  # "" (one plain process), "gloo" or "nccl"
    fsdp: bool = False
    writer: int = 0

    @property
    def leader(self) -> bool:
        """Local rank 0: the process whose events reach this node's ``distill train``."""
        return self.local_rank == 0


def backend_for(use_cuda: bool) -> str:
    return "nccl" if use_cuda else "gloo"


def collective_device(backend: str, device: torch.device) -> torch.device:
    """The device a reduction tensor must live on: NCCL reduces CUDA tensors only, gloo (and no group) CPU ones."""
    if backend == "nccl":
        if device.type != "cuda":
            raise ValueError(f"nccl reduces CUDA tensors; the training device is {device}")
        return device
    return torch.device("cpu")


def all_reduce(values: list[float], procs: Procs, op: dist.ReduceOp.RedOpType = dist.ReduceOp.SUM) -> list[float]:
    """``values`` reduced over every rank (unchanged without a process group), on the backend's device."""
    if not procs.distributed:
        return list(values)
    t = torch.tensor(values, dtype=torch.float64, device=collective_device(procs.backend, procs.device))
    dist.all_reduce(t, op=op)
    return [float(v) for v in t.tolist()]


def join_group(use_cuda: bool, fsdp: bool, device: torch.device) -> tuple[int, int, int, bool, str]:
    """Join the process group (under torchrun, or a one-rank group for ``--fsdp`` alone).

    Returns world, rank, local rank, distributed and the backend.
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if world <= 1 and not fsdp:
        return 1, 0, 0, False, ""
    backend = backend_for(use_cuda)
    if world > 1:
        dist.init_process_group(backend, device_id=device if use_cuda else None)
    else:
        store = dist.HashStore()  # pyright: ignore[reportPrivateImportUsage]  (exported at runtime)
        dist.init_process_group(backend, store=store, rank=0, world_size=1)
    return world, rank, local, True, backend


def find_writer(procs: Procs) -> int:
    """The global rank of local rank 0 on the node started with ``--node-rank 0`` (exactly one must claim it)."""
    if not procs.distributed:
        return 0
    claims = procs.node_rank == 0 and procs.local_rank == 0
    lowest = all_reduce([float(procs.rank if claims else procs.world)], procs, dist.ReduceOp.MIN)[0]
    count = all_reduce([1.0 if claims else 0.0], procs)[0]
    if int(count) != 1:
        raise WorkerError(
            "E_BAD_CONFIG",
            f"{int(count)} nodes were started with --node-rank 0",
            "start exactly one node with --node-rank 0 and number the others 1 … nnodes-1",
        )
    return int(lowest)


def wrap(model: LlamaModel, procs: Procs) -> nn.Module:
    """DDP (replicated weights) or FSDP2 (``fully_shard`` per block, then the root) around ``model``.

    FSDP shards parameters, gradients and — since the optimizer is built on the sharded parameters — optimizer
    state. On CUDA with bf16 it computes in bf16 and reduces gradients in fp32 (``MixedPrecisionPolicy``).
    """
    if procs.fsdp:
        from torch.distributed.device_mesh import init_device_mesh

        mesh = init_device_mesh(procs.device.type, (procs.world,))
        mp = (
            MixedPrecisionPolicy(param_dtype=torch.bfloat16, reduce_dtype=torch.float32)
            if procs.autocast
            else MixedPrecisionPolicy()
        )
        for layer in model.layers:
            fully_shard(layer, mesh=mesh, mp_policy=mp)
        fully_shard(model, mesh=mesh, mp_policy=mp)
        return model
    if procs.distributed:
        return DistributedDataParallel(model, device_ids=[procs.device.index] if procs.use_cuda else None)
    return model


def grad_sync(wrapped: nn.Module, procs: Procs, sync: bool) -> AbstractContextManager[None]:
    """Skip the gradient reduction on all but the last micro-batch of a step (gradient accumulation)."""
    if procs.fsdp:
        cast(FSDPModule, wrapped).set_requires_gradient_sync(sync)
        return nullcontext()
    if procs.distributed and not sync:
        return cast(DistributedDataParallel, wrapped).no_sync()
    return nullcontext()


def to_local_float(t: torch.Tensor) -> float:
    """A scalar that may be a DTensor (FSDP's grad norm) as a Python float."""
    return float(t.full_tensor() if isinstance(t, DTensor) else t)


def full_state(model: nn.Module, procs: Procs) -> dict[str, torch.Tensor] | None:
    """The whole (unsharded) state on the writer, one tensor at a time; every rank must call it. None elsewhere."""
    out: dict[str, torch.Tensor] = {}
    mine = procs.rank == procs.writer
    for name, t in model.state_dict().items():
        full = t.full_tensor() if isinstance(t, DTensor) else t
        if mine:
            out[name] = full.detach().to("cpu", torch.float32).clone()
    return out if mine else None


def barrier(procs: Procs) -> None:
    if procs.distributed:
        dist.barrier()


def leave(procs: Procs) -> None:
    if procs.distributed and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
