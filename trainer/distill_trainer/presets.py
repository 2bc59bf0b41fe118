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
    # Second-wave architecture features (arch/*.py reads them from GGUF keys); the defaults are plain llama.
    key_length: int = 0  # per-head Q/K/V size; 0 = dim // n_heads
    qk_norm: bool = False  # per-head RMSNorm on Q and K before RoPE (qwen3, gemma3)
    post_norms: bool = False  # RMSNorm on the attention and FFN outputs before the residual add (gemma3)
    embed_scale: bool = False  # token embeddings x sqrt(dim) (gemma3)
    ffn_act: str = "silu"  # silu | gelu_tanh (gated either way)
    attn_scale: float = 0.0  # softmax scale; 0 = 1/sqrt(head_dim)
    rope_scale: float = 1.0  # linear RoPE scaling factor (positions ÷ factor); global layers only
    rope_freq_factors: bool = False  # Llama-3 `rope_freqs` tensor divides each frequency
    sliding_window: int = 0  # 0 = every layer attends globally
    swa_pattern: int = 0  # every swa_pattern-th layer is global, the rest slide (llama.cpp's pattern rule)
    rope_theta_swa: float = 10000.0  # RoPE base of sliding-window layers
    logit_softcap: float = 0.0

    @property
    def head_dim(self) -> int:
        return self.key_length or self.dim // self.n_heads

    @property
    def rope_neox(self) -> bool:
        """llama rotates adjacent pairs (GGUF stores Q/K permuted for it); qwen2/qwen3/gemma3 rotate halves."""
        return self.arch != "llama"

    def is_swa(self, layer: int) -> bool:
        if self.sliding_window <= 0:
            return False
        p = self.swa_pattern
        return p == 0 or layer % p < p - 1

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
    q = config.n_heads * hd
    attn = d * q * 2 + d * config.n_kv_heads * hd * 2
    if config.qkv_bias:
        attn += q + 2 * config.n_kv_heads * hd
    if config.qk_norm:
        attn += 2 * hd
    ffn = 3 * d * config.ffn_dim
    per_layer = attn + ffn + (4 if config.post_norms else 2) * d
    emb = config.vocab_size * d * (1 if config.tie_embeddings else 2)
    return config.n_layers * per_layer + emb + d
