"""GGUF keys every supported decoder shares, read into ``ModelConfig`` fields, and written back for fresh models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gguf

from ..errors import WorkerError
from ..presets import ModelConfig

Get = Callable[[str, Any], Any]


def key_getter(reader: gguf.GGUFReader, arch: str) -> Get:
    """``get("attention.head_count", default)`` reads ``<arch>.attention.head_count``."""

    def get(key: str, default: Any = None) -> Any:
        f = reader.fields.get(f"{arch}.{key}")
        return default if f is None else f.contents()

    return get


def common_fields(reader: gguf.GGUFReader, arch: str, get: Get) -> dict[str, Any]:
    names = {t.name for t in reader.tensors}
    n_heads = get("attention.head_count", None)
    if isinstance(n_heads, list) or isinstance(get("attention.head_count_kv", 0), list):
        raise WorkerError(
            "E_UNSUPPORTED_ARCH", "per-layer head counts are not supported", "use a model with one head count", 2
        )
    tokens = reader.fields.get("tokenizer.ggml.tokens")
    emb = next((t for t in reader.tensors if t.name == "token_embd.weight"), None)
    if emb is None or n_heads is None:
        raise WorkerError("E_BAD_GGUF", "the GGUF lacks token_embd.weight or attention.head_count", exit_code=2)
    vocab_size = int(emb.shape.tolist()[1]) if tokens is None else len(tokens.data)
    n_heads = int(n_heads)
    dim = int(get("embedding_length", 0))
    key_length = int(get("attention.key_length", 0))
    value_length = int(get("attention.value_length", key_length))
    if key_length and value_length != key_length:
        raise WorkerError("E_UNSUPPORTED_ARCH", "different key and value head sizes are not supported", exit_code=2)
    head_dim = key_length or dim // n_heads
    rot = int(get("rope.dimension_count", head_dim))
    if rot != head_dim:
        raise WorkerError(
            "E_UNSUPPORTED_ARCH", f"partial RoPE ({rot} of {head_dim} dims) is not supported", exit_code=2
        )
    scaling = str(get("rope.scaling.type", "none") or "none")
    factor = float(get("rope.scaling.factor", 0.0) or get("rope.scale_linear", 0.0) or 0.0)
    if scaling not in ("none", "linear") and factor not in (0.0, 1.0):
        raise WorkerError(
            "E_UNSUPPORTED_ARCH",
            f"RoPE scaling '{scaling}' is not supported (linear and Llama-3 rope_freqs are)",
            "use a base model without YaRN/LongRoPE scaling",
            exit_code=2,
        )
    return {
        "vocab_size": vocab_size,
        "dim": dim,
        "n_layers": int(get("block_count", 0)),
        "n_heads": n_heads,
        "n_kv_heads": int(get("attention.head_count_kv", n_heads)),
        "ffn_dim": int(get("feed_forward_length", 0)),
        "context_length": int(get("context_length", 2048)),
        "rope_theta": float(get("rope.freq_base", 10000.0)),
        "norm_eps": float(get("attention.layer_norm_rms_epsilon", 1e-5)),
        "arch": arch,
        "tie_embeddings": "output.weight" not in names,
        "qkv_bias": "blk.0.attn_q.bias" in names,
        "key_length": key_length if key_length and key_length != dim // n_heads else 0,
        "rope_scale": factor if factor > 0 else 1.0,
        "rope_freq_factors": "rope_freqs.weight" in names,
    }


def write_common(w: gguf.GGUFWriter, c: ModelConfig) -> None:
    w.add_context_length(c.context_length)
    w.add_embedding_length(c.dim)
    w.add_block_count(c.n_layers)
    w.add_feed_forward_length(c.ffn_dim)
    w.add_head_count(c.n_heads)
    w.add_head_count_kv(c.n_kv_heads)
    if c.key_length:
        w.add_key_length(c.key_length)
        w.add_value_length(c.key_length)
    w.add_rope_dimension_count(c.head_dim)
    w.add_rope_freq_base(c.rope_theta)
    w.add_layer_norm_rms_eps(c.norm_eps)
    w.add_vocab_size(c.vocab_size)
    if c.rope_scale != 1.0:
        w.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        w.add_rope_scaling_factor(c.rope_scale)
