"""The worker config JSON the TypeScript side writes (camelCase keys, validated with zod there too)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from .errors import WorkerError


@dataclass
class TrainConfig:
    base: str  # GGUF to start from (a fresh preset is written by `init` first)
    data: str  # tokenised dataset folder (see data.py)
    out: str  # output GGUF
    runDir: str  # checkpoints live in runDir/checkpoints
    seqLen: int = 512
    batchTokens: int = 8192  # tokens per optimizer step, all ranks together
    microBatchTokens: int = 0  # tokens per forward pass per rank; 0 = batchTokens / ranks
    epochs: float = 1.0
    maxSteps: int = 0  # 0 = from epochs
    lr: float = 1e-3
    minLrRatio: float = 0.1
    warmupSteps: int = -1  # -1 = 5% of steps, at most 100
    weightDecay: float = 0.1
    beta1: float = 0.9
    beta2: float = 0.95
    gradClip: float = 1.0
    evalFraction: float = 0.05
    evalEvery: int = 0  # 0 = ~10 evals per run
    evalRows: int = 64
    checkpointEvery: int = 0  # 0 = every ~5 minutes of training
    checkpointSeconds: float = 300.0
    seed: int = 0
    threads: int = 0  # 0 = torch default
    device: str = "auto"  # auto | cpu | cuda
    resume: bool = False
    name: str = "distill-student"
    chatTemplate: str = ""  # written as tokenizer.chat_template (the template the data was rendered with)
    metadata: dict = field(default_factory=dict)
    logSeconds: float = 1.0
    kd: str = "sft"  # sft | forward-kl | on-policy (kd_loss.py)
    kdScores: str = ""  # the teacher's top-K scores folder (kd_data.py); logit-level modes only
    kdAlpha: float = 0.5  # KD weight; 1 - alpha goes to token cross-entropy
    kdTemperature: float = 1.0
    kdBeta: float = 1.0  # generalized JSD: 0 = forward KL, 1 = reverse KL (on-policy)
    kdLambda: float = 1.0  # share of on-policy batches
    optimizerIn: str = ""  # on-policy rounds: AdamW state left by the previous round (optimizer_carry.py)
    optimizerOut: str = ""  # on-policy rounds: where this round leaves its AdamW state
    scheduleOffset: int = 0  # on-policy rounds: steps of the earlier rounds (LR schedule position)
    scheduleTotal: int = 0  # on-policy rounds: steps of all rounds; 0 = this run's own total
    loraRank: int = 0  # 0 = full fine-tuning
    loraAlpha: float = 0.0  # 0 = 2 x rank
    loraDropout: float = 0.0
    loraTargets: str = "attn,mlp"
    loraExport: str = "merged"  # merged (adapters folded into the output) | adapter (a llama.cpp LoRA GGUF)
    gradCheckpoint: bool = False
    memoryLimitMb: int = 0  # 0 = free RAM (CPU) / VRAM (CUDA); tests set it
    fsdp: bool = False  # shard parameters, gradients and optimizer state with FSDP2 (parallel.py)
    checkpointDir: str = ""  # "" = runDir/checkpoints; other nodes of a multi-node run share node 0's


def load_config(path: str) -> TrainConfig:
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.loads(f.read())
    except (OSError, ValueError) as e:
        raise WorkerError("E_BAD_CONFIG", f"cannot read worker config {path}: {e}") from e
    known = {f.name for f in fields(TrainConfig)}
    unknown = set(raw) - known
    if unknown:
        raise WorkerError("E_BAD_CONFIG", f"unknown worker config keys: {sorted(unknown)}")
    try:
        cfg = TrainConfig(**raw)
    except TypeError as e:
        raise WorkerError("E_BAD_CONFIG", f"bad worker config: {e}") from e
    if cfg.kd not in ("sft", "forward-kl", "on-policy") or (cfg.kd != "sft" and not cfg.kdScores):
        raise WorkerError("E_BAD_CONFIG", f"kd must be sft, forward-kl or on-policy (with kdScores), got {cfg.kd!r}")
    if cfg.seqLen < 8 or cfg.batchTokens < cfg.seqLen or cfg.lr <= 0:
        raise WorkerError("E_BAD_CONFIG", "need seqLen ≥ 8, batchTokens ≥ seqLen and lr > 0")
    if cfg.loraRank < 0 or cfg.loraDropout < 0 or cfg.loraDropout >= 1:
        raise WorkerError("E_BAD_CONFIG", "need loraRank ≥ 0 and 0 ≤ loraDropout < 1")
    if cfg.fsdp and cfg.loraRank > 0:
        raise WorkerError("E_BAD_CONFIG", "fsdp shards full fine-tuning; LoRA runs replicate (drop fsdp)")
    if cfg.loraExport not in ("merged", "adapter") or (cfg.loraExport == "adapter" and cfg.loraRank == 0):
        raise WorkerError(
            "E_BAD_CONFIG", f"loraExport must be merged, or adapter with loraRank > 0, got {cfg.loraExport!r}"
        )
    return cfg
