"""LoRA: low-rank adapters on the projection weights; only the adapters train, and export merges them.

``LoRALinear`` keeps the wrapped layer's ``weight``/``bias`` under the same state names (frozen) and adds
``lora_a`` (r x in) and ``lora_b`` (out x r, zero at start), so y = x·Wᵀ + b + (alpha/r)·dropout(x)·Aᵀ·Bᵀ. The
fused PyTorch projections (Q/K/V, gate/up) get one adapter each: a rank-r update of the fused matrix, whose row
blocks are the per-tensor updates sharing one A. ``merged_state`` folds W + (alpha/r)·B·A for the GGUF.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .errors import WorkerError
from .model import LlamaModel

TARGETS = {"attn": ("attn.wqkv", "attn.wo"), "mlp": ("ffn.w_gate_up", "ffn.w_down")}


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float, seed: int) -> None:
        super().__init__()
        self.in_features, self.out_features = base.in_features, base.out_features
        self.weight = nn.Parameter(base.weight.detach(), requires_grad=False)
        self.bias = None if base.bias is None else nn.Parameter(base.bias.detach(), requires_grad=False)
        g = torch.Generator().manual_seed(seed)
        bound = 1.0 / math.sqrt(self.in_features)  # kaiming-uniform(a=sqrt(5)), as nn.Linear and PEFT
        a = (torch.rand(rank, self.in_features, generator=g) * 2 - 1) * bound
        self.lora_a = nn.Parameter(a.to(base.weight.dtype))
        self.lora_b = nn.Parameter(torch.zeros(self.out_features, rank, dtype=base.weight.dtype))
        self.scale = alpha / rank
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight, self.bias) + F.linear(F.linear(self.dropout(x), self.lora_a), self.lora_b) * (
            self.scale
        )

    def merged_weight(self) -> torch.Tensor:
        return self.weight + (self.lora_b @ self.lora_a) * self.scale


def parse_targets(spec: str) -> list[str]:
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    bad = [p for p in parts if p not in TARGETS]
    if bad or not parts:
        raise WorkerError(
            "E_BAD_CONFIG",
            f"unknown --lora-targets {','.join(bad) or spec!r}",
            "use attn, mlp or attn,mlp",
            exit_code=2,
        )
    return parts


def apply_lora(model: LlamaModel, rank: int, alpha: float, dropout: float, targets: str, seed: int = 0) -> int:
    """Freeze every weight, wrap the target projections; returns the number of trainable (adapter) parameters."""
    if rank <= 0:
        raise WorkerError("E_BAD_CONFIG", "--lora-rank must be a positive integer", exit_code=2)
    suffixes = [s for t in parse_targets(targets) for s in TARGETS[t]]
    for p in model.parameters():
        p.requires_grad_(False)
    n = 0
    for i, layer in enumerate(model.layers):
        for j, path in enumerate(suffixes):
            parent_name, attr = path.split(".")
            parent = getattr(layer, parent_name)
            wrapped = LoRALinear(getattr(parent, attr), rank, alpha, dropout, seed * 100_003 + i * 31 + j)
            setattr(parent, attr, wrapped)
            n += wrapped.lora_a.numel() + wrapped.lora_b.numel()
    return n


def merged_state(model: LlamaModel) -> dict[str, torch.Tensor]:
    """The model's state with every adapter folded into its weight (and the adapter entries dropped)."""
    sd = {k: v for k, v in model.state_dict().items() if ".lora_" not in k}
    for name, module in model.named_modules():
        if isinstance(module, LoRALinear):
            sd[f"{name}.weight"] = module.merged_weight().detach()
    return sd


def has_lora(model: nn.Module) -> bool:
    return any(isinstance(m, LoRALinear) for m in model.modules())
