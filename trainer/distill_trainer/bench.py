"""``bench``: training throughput of a preset (or a base GGUF, full or LoRA) on random tokens vs the machine's
matmul limit on its shapes.

Prints one ``done`` line: tokens/s, model FLOPs per token (6·N + 6·layers·T·d), measured GFLOPS of torch.mm on
the model's own linear-layer shapes, the achieved/limit ratio and peak RSS. Runs under torchrun too (DDP).
With LoRA the FLOPs stay 6·N per token (the usual MFU convention; the frozen weights need no weight gradient, so
the work done is nearer 4·N).
"""

from __future__ import annotations

import os
import resource
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

from . import protocol
from .model import LlamaModel
from .presets import preset_config
from .vocab import build_char_vocab


def flops_per_token(model: LlamaModel, seq_len: int) -> float:
    c = model.config
    n = sum(p.numel() for name, p in model.named_parameters() if p.dim() >= 2 and "tok_embeddings" not in name)
    if c.tie_embeddings:
        n += c.vocab_size * c.dim
    return 6.0 * n + 6.0 * c.n_layers * seq_len * c.dim


def matmul_gflops(model: LlamaModel, rows: int, repeats: int = 3) -> float:
    """Time-weighted GFLOPS of forward-shaped torch.mm calls for every linear layer of one block + output."""
    c = model.config
    shapes = [
        (c.dim, (c.n_heads + 2 * c.n_kv_heads) * c.head_dim),
        (c.n_heads * c.head_dim, c.dim),
        (c.dim, 2 * c.ffn_dim),
        (c.ffn_dim, c.dim),
        (c.dim, c.vocab_size),
    ]
    total_flops, total_s = 0.0, 0.0
    for k, n in shapes:
        a, b = torch.randn(rows, k), torch.randn(k, n)
        torch.mm(a, b)
        t = time.perf_counter()
        for _ in range(repeats):
            torch.mm(a, b)
        total_s += time.perf_counter() - t
        total_flops += 2.0 * rows * k * n * repeats
    return total_flops / total_s / 1e9


def bench(
    preset: str, steps: int, seq_len: int, batch_tokens: int, threads: int, base: str = "", lora_rank: int = 0
) -> dict:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        dist.init_process_group("gloo")
    protocol.set_enabled(int(os.environ.get("RANK", "0")) == 0)
    if threads > 0:
        torch.set_num_threads(threads)
    torch.manual_seed(0)
    if base:
        from .gguf_io import load_model
        from .lora import apply_lora

        model, _ = load_model(base)
        vocab = model.config.vocab_size
        if lora_rank > 0:
            apply_lora(model, lora_rank, 2.0 * lora_rank, 0.0, "attn,mlp")
    else:
        vocab = len(build_char_vocab())
        model = LlamaModel(preset_config(preset, vocab))
        model.init_weights(0)
    rows = max(1, batch_tokens // seq_len // world)
    net: torch.nn.Module = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3, fused=True)
    x = torch.randint(0, vocab, (rows, seq_len + 1))
    seg = torch.zeros(rows, seq_len, dtype=torch.long)
    seg[:, seq_len // 2 :] = 1  # two packed documents per row, as in real training
    pos = torch.arange(seq_len).expand(rows, seq_len)

    def step() -> None:
        logits = net(x[:, :-1], pos, seg)
        F.cross_entropy(logits.flatten(0, 1), x[:, 1:].flatten()).backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    step()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - t
    tps = steps * rows * seq_len * world / seconds
    fpt = flops_per_token(model, seq_len)
    limit = matmul_gflops(model, rows * seq_len)
    achieved = tps * fpt / 1e9 / world  # per process: each rank has its own cores' worth of threads
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return {
        "preset": preset,
        "loraRank": lora_rank,
        "params": sum(p.numel() for p in model.parameters()),
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "world": world,
        "threads": torch.get_num_threads(),
        "seqLen": seq_len,
        "tokensPerS": round(tps, 1),
        "flopsPerToken": fpt,
        "achievedGflops": round(achieved, 2),
        "matmulGflops": round(limit, 2),
        "ratio": round(achieved / limit, 3),
        "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
