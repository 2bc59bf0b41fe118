"""Training-time set-up of the student around the loaded base: LoRA adapters, activation checkpointing, and the
memory estimate (printed, and refused when it does not fit) — the hooks ``train()`` calls."""

from __future__ import annotations

import torch

from . import protocol
from .config import TrainConfig
from .lora import apply_lora, has_lora, merged_state
from .memory import available_bytes, check_fits, estimate
from .model import LlamaModel


def prepare_student(
    model: LlamaModel, cfg: TrainConfig, micro_rows: int, device: torch.device, shards: int = 1
) -> dict:
    """Apply ``--lora-*`` and ``--grad-checkpoint``, estimate memory, refuse if it cannot fit. Returns the
    provenance keys (``distill.*``) that describe the set-up. With FSDP over ``shards`` ranks, each rank holds
    1/shards of the weights, gradients and optimizer state (the estimate is per rank)."""
    lora = cfg.loraRank > 0
    alpha = cfg.loraAlpha if cfg.loraAlpha > 0 else 2.0 * cfg.loraRank
    if lora:
        apply_lora(model, cfg.loraRank, alpha, cfg.loraDropout, cfg.loraTargets, cfg.seed)
    model.grad_checkpoint = cfg.gradCheckpoint
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    est = estimate(
        model.config,
        -(-params // shards),
        -(-trainable // shards),
        micro_rows,
        cfg.seqLen,
        cfg.gradCheckpoint,
        cfg.memoryLimitMb * 1024 * 1024 if cfg.memoryLimitMb > 0 else available_bytes(device),
        str(device),
    )
    protocol.emit(
        "memory", **est.to_event(), microRows=micro_rows, seqLen=cfg.seqLen, gradCheckpoint=cfg.gradCheckpoint
    )
    check_fits(est, model.config, micro_rows, cfg.seqLen, cfg.gradCheckpoint, lora)
    meta: dict = {"trainable_params": trainable, "grad_checkpoint": "yes" if cfg.gradCheckpoint else "no"}
    if lora:
        meta.update(
            lora_rank=cfg.loraRank,
            lora_alpha=alpha,
            lora_dropout=cfg.loraDropout,
            lora_targets=cfg.loraTargets,
            lora_export="merged",
        )
    return meta


def export_state(model: LlamaModel) -> dict[str, torch.Tensor] | None:
    """The weights the output GGUF gets: LoRA adapters merged, or None for the model's own state."""
    return merged_state(model) if has_lora(model) else None
