"""gemma3 (text decoder): as llama.cpp's ``llm_build_gemma3`` computes it.

- embeddings x sqrt(dim); GELU-tanh gated FFN; per-head Q/K RMSNorm; RMSNorm on the attention and FFN outputs
  (``post_attention_norm``, ``post_ffw_norm``) before each residual add;
- queries scaled by 1/sqrt(head_dim) (1/sqrt(dim/heads) for the 62-layer 27B), no further softmax scale;
- sliding-window layers (``attention.sliding_window``; every ``sliding_window_pattern``-th layer, default 6, is
  global) use RoPE base ``rope.freq_base_swa`` (default 10,000) without scaling; global layers use
  ``rope.freq_base`` and ``rope.scaling.factor``;
- optional final logit soft-capping;
- norm weights as stored: llama.cpp's converter already wrote gemma's ``1 + w`` into the GGUF.
"""

from __future__ import annotations

import math
from typing import Any

import gguf

from ..presets import ModelConfig
from .common import Get

NAME = "gemma3"


def read(get: Get, fields: dict[str, Any]) -> dict[str, Any]:
    window = int(get("attention.sliding_window", 0) or 0)
    pattern = get("attention.sliding_window_pattern", 6)
    if isinstance(pattern, list):  # newer files may list a flag per layer; gemma3 alternates with a period
        pattern = next((i + 1 for i, swa in enumerate(pattern) if not swa), 0)
    n_layers, hd = fields["n_layers"], fields["key_length"] or fields["dim"] // fields["n_heads"]
    scale_dim = fields["dim"] / fields["n_heads"] if n_layers == 62 else hd
    return {
        **fields,
        "norm_eps": float(get("attention.layer_norm_rms_epsilon", 1e-6)),
        "qk_norm": True,
        "post_norms": True,
        "embed_scale": True,
        "ffn_act": "gelu_tanh",
        "attn_scale": 1.0 / math.sqrt(scale_dim),
        "sliding_window": window,
        "swa_pattern": int(pattern) if window > 0 else 0,
        "rope_theta_swa": float(get("rope.freq_base_swa", 10000.0)),
        "logit_softcap": float(get("final_logit_softcapping", 0.0) or 0.0),
    }


def write(w: gguf.GGUFWriter, c: ModelConfig) -> None:
    if c.sliding_window > 0:
        w.add_sliding_window(c.sliding_window)
        w.add_sliding_window_pattern(c.swa_pattern)
        w.add_rope_freq_base_swa(c.rope_theta_swa)
    if c.logit_softcap > 0:
        w.add_final_logit_softcapping(c.logit_softcap)


def fresh(c: ModelConfig) -> dict[str, Any]:
    """A tiny gemma3 whose features all matter: 2 of 3 layers slide over 8 positions with their own RoPE base."""
    hd = 2 * c.head_dim
    return {
        "qk_norm": True,
        "post_norms": True,
        "embed_scale": True,
        "ffn_act": "gelu_tanh",
        "tie_embeddings": True,
        "key_length": hd,
        "attn_scale": 1.0 / math.sqrt(hd),
        "sliding_window": 8,
        "swa_pattern": 3,
        "rope_theta": 1000000.0,
        "rope_theta_swa": 10000.0,
        "norm_eps": 1e-6,
    }
