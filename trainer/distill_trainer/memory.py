"""Memory estimate before training: weights, trainable parameters, gradients + AdamW state, activations at the
chosen micro-batch; refused with the flag that would make it fit when it exceeds free RAM (CPU) or VRAM (CUDA).

Activations are an upper-bound rule of thumb for eager PyTorch (fp32; the CPU attention path materialises the
TxT scores): per layer ≈ tokens·(12·dim + 4·qkv + 5·ffn) floats + 3·rows·heads·T² floats, plus 3 copies of the
logits. With ``--grad-checkpoint`` only each layer's input is kept, plus one layer's worth while it is recomputed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch

from .errors import WorkerError
from .presets import ModelConfig

MB = 1024 * 1024


@dataclass
class MemoryEstimate:
    params: int
    trainable: int
    weights_bytes: int
    optimizer_bytes: int  # gradients + two AdamW moments of the trainable parameters
    activation_bytes: int
    total_bytes: int
    available_bytes: int
    device: str

    def to_event(self) -> dict:
        d = asdict(self)
        return {
            "params": d["params"],
            "trainable": d["trainable"],
            "weightsMb": round(self.weights_bytes / MB, 1),
            "optimizerMb": round(self.optimizer_bytes / MB, 1),
            "activationsMb": round(self.activation_bytes / MB, 1),
            "totalMb": round(self.total_bytes / MB, 1),
            "availableMb": round(self.available_bytes / MB, 1),
            "device": self.device,
        }


def activation_bytes(c: ModelConfig, rows: int, seq_len: int, grad_checkpoint: bool) -> int:
    n = rows * seq_len
    qkv = (c.n_heads + 2 * c.n_kv_heads) * c.head_dim
    per_layer = n * (12 * c.dim + 4 * qkv + 5 * c.ffn_dim) + 3 * rows * c.n_heads * seq_len * seq_len
    logits = 3 * n * c.vocab_size
    layers = c.n_layers * n * c.dim + per_layer if grad_checkpoint else c.n_layers * per_layer
    return 4 * (layers + logits + rows * seq_len * seq_len)


def available_bytes(device: torch.device) -> int:
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free)
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 1 << 62  # unknown: do not refuse


def estimate(
    c: ModelConfig,
    params: int,
    trainable: int,
    rows: int,
    seq_len: int,
    grad_checkpoint: bool,
    available: int,
    device: str,
) -> MemoryEstimate:
    weights = 4 * params
    optimizer = 12 * trainable
    acts = activation_bytes(c, rows, seq_len, grad_checkpoint)
    return MemoryEstimate(params, trainable, weights, optimizer, acts, weights + optimizer + acts, available, device)


def check_fits(est: MemoryEstimate, c: ModelConfig, rows: int, seq_len: int, grad_checkpoint: bool, lora: bool) -> None:
    """Refuse (exit 2) when the estimate passes 90% of what is free, naming the flag that would make it fit."""
    budget = int(est.available_bytes * 0.9)
    if est.total_bytes <= budget:
        return
    base = est.weights_bytes + est.optimizer_bytes
    fix = ""
    if not grad_checkpoint and base + activation_bytes(c, rows, seq_len, True) <= budget:
        fix = "add --grad-checkpoint (keeps one activation per layer and recomputes the rest)"
    elif not lora and est.weights_bytes + activation_bytes(c, rows, seq_len, True) + 12 * est.params // 50 <= budget:
        fix = "train LoRA adapters instead of every weight: --lora-rank 16 (with --grad-checkpoint)"
    else:
        for r in (rows // 2, rows // 4, 1):
            if r >= 1 and base + activation_bytes(c, r, seq_len, True) <= budget:
                fix = f"lower --micro-batch-tokens to {r * seq_len} (gradient accumulation) with --grad-checkpoint"
                break
        else:
            fix = "use a smaller --seq-len, --lora-rank, or a machine with more memory"
    raise WorkerError(
        "E_OUT_OF_MEMORY",
        f"training needs about {est.total_bytes / MB:,.0f} MB but only {est.available_bytes / MB:,.0f} MB is free on "
        f"{est.device} (weights {est.weights_bytes / MB:,.0f} MB, gradients + optimizer {est.optimizer_bytes / MB:,.0f}"
        f" MB, activations {est.activation_bytes / MB:,.0f} MB)",
        fix,
        exit_code=2,
    )
