"""qwen2 (Qwen2, Qwen2.5): llama layout with Q/K/V biases and NEOX (half-split) RoPE."""

from __future__ import annotations

from typing import Any

import gguf

from ..presets import ModelConfig
from .common import Get

NAME = "qwen2"


def read(get: Get, fields: dict[str, Any]) -> dict[str, Any]:
    return fields


def write(w: gguf.GGUFWriter, c: ModelConfig) -> None:
    return None


def fresh(c: ModelConfig) -> dict[str, Any]:
    return {"qkv_bias": True, "tie_embeddings": True, "rope_theta": 1000000.0}
