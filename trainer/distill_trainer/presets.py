"""Named model presets: llama-architecture configs (RMSNorm, RoPE, SwiGLU, GQA) from ~0.1M to ~30M params.

The two smallest use full multi-head attention with 32-dim heads (pico also ties its embeddings to stay under
1/8 of the built-in teacher): with 12-16-dim heads shared by GQA they never formed the copy ("induction") heads
every built-in family needs within thousands of steps; see docs/adr/0006-tiny-presets-full-attention.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters of a llama-style decoder. ``arch`` is the GGUF architecture name."""

    vocab_size: int
    dim: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    ffn_dim: int
    context_length: int = 1024
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    arch: str = "llama"
    tie_embeddings: bool = False
    qkv_bias: bool = False

    @property
    def head_dim(self) -> int:
        return self.dim // self.n_heads

    def to_dict(self) -> dict:
        return asdict(self)


# vocab_size is filled in from the tokenizer when the model is built.
PRESETS: dict[str, dict] = {
    "pico": dict(dim=64, n_layers=2, n_heads=2, n_kv_heads=2, ffn_dim=128, tie_embeddings=True),
    "nano": dict(dim=64, n_layers=3, n_heads=2, n_kv_heads=2, ffn_dim=192),
    "micro": dict(dim=128, n_layers=4, n_heads=4, n_kv_heads=2, ffn_dim=384),
    "tiny": dict(dim=192, n_layers=6, n_heads=6, n_kv_heads=2, ffn_dim=512),
    "small": dict(dim=256, n_layers=8, n_heads=8, n_kv_heads=4, ffn_dim=704),
    "base": dict(dim=512, n_layers=10, n_heads=8, n_kv_heads=4, ffn_dim=1408),
}


def preset_config(name: str, vocab_size: int, context_length: int = 1024) -> ModelConfig:
    if name not in PRESETS:
        raise KeyError(name)
    return ModelConfig(vocab_size=vocab_size, context_length=context_length, **PRESETS[name])


def with_overrides(config: ModelConfig, **kw) -> ModelConfig:
    return replace(config, **{k: v for k, v in kw.items() if v is not None})


def count_params(config: ModelConfig) -> int:
    d, hd = config.dim, config.head_dim
    attn = d * d * 2 + d * config.n_kv_heads * hd * 2
    if config.qkv_bias:
        attn += d + 2 * config.n_kv_heads * hd
    ffn = 3 * d * config.ffn_dim
    per_layer = attn + ffn + 2 * d
    emb = config.vocab_size * d * (1 if config.tie_embeddings else 2)
    return config.n_layers * per_layer + emb + d
