"""llama (Llama 1-3, SmolLM, TinyLlama…): SwiGLU, RMSNorm, adjacent-pair RoPE, optional tied embeddings,
linear RoPE scaling and Llama-3 ``rope_freqs`` frequency factors."""

from __future__ import annotations

from typing import Any

import gguf

from ..presets import ModelConfig
from .common import Get

NAME = "llama"


def read(get: Get, fields: dict[str, Any]) -> dict[str, Any]:
    return fields


def write(w: gguf.GGUFWriter, c: ModelConfig) -> None:
    return None


def fresh(c: ModelConfig) -> dict[str, Any]:
    """Overrides that make a preset config a tiny model of this architecture (init --arch)."""
    return {}
