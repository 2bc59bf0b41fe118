"""qwen3 (dense Qwen3): qwen2 without biases, plus a per-head RMSNorm on Q and K before RoPE; the head size comes
from ``attention.key_length`` (Qwen3-0.6B: 16 heads x 128 on a 1024-wide model)."""

from __future__ import annotations

from typing import Any

import gguf

from ..presets import ModelConfig
from .common import Get

NAME = "qwen3"


def read(get: Get, fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "qk_norm": True}


def write(w: gguf.GGUFWriter, c: ModelConfig) -> None:
    return None


def fresh(c: ModelConfig) -> dict[str, Any]:
    return {"qk_norm": True, "tie_embeddings": True, "rope_theta": 1000000.0, "key_length": 2 * c.head_dim}
