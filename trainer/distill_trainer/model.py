"""The decoder in PyTorch whose weights map 1:1 onto llama.cpp's GGUF tensors (llama, qwen2, qwen3, gemma3).

One block serves every supported architecture; ``ModelConfig`` switches its features on as the GGUF keys say
(arch/*.py): Q/K/V biases (qwen2), per-head Q/K RMSNorm (qwen3, gemma3), post-norms, sqrt(d) embedding scaling,
GELU-tanh gating, query scaling and sliding-window layers with their own RoPE base (gemma3), linear RoPE scaling
and Llama-3 ``rope_freqs`` (llama). RoPE follows llama.cpp per architecture: ``llama`` rotates adjacent pairs (GGUF
stores Q/K already permuted for that), the others rotate halves (NEOX). Packed rows carry per-token positions and
segment ids, so documents in one row never attend to each other and each starts at position 0.

Norm weights are used as stored in GGUF (``x·w``): llama.cpp's converter already folded gemma's ``1 + w``.
"""

from __future__ import annotations

import math
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from .presets import ModelConfig


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.rms_norm(x, (x.shape[-1],), self.weight, self.eps)


def rope_tables(
    head_dim: int,
    positions: torch.Tensor,
    theta: float,
    scale: float = 1.0,
    freq_factors: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """cos/sin of shape (B, T, head_dim/2) for integer positions (B, T), as ggml_rope_ext computes them."""
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, device=positions.device, dtype=torch.float32) / head_dim))
    if freq_factors is not None:
        inv = inv / freq_factors.to(positions.device, torch.float32)
    ang = positions.to(torch.float32)[..., None] * (inv / scale)
    return ang.cos(), ang.sin()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, neox: bool) -> torch.Tensor:
    """x: (B, H, T, D); cos/sin: (B, T, D/2)."""
    cos = cos[:, None].to(x.dtype)
    sin = sin[:, None].to(x.dtype)
    if neox:
        half = x.shape[-1] // 2
        x1, x2 = x[..., :half], x[..., half:]
        return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1).flatten(-2)


class Attention(nn.Module):
    def __init__(self, c: ModelConfig) -> None:
        super().__init__()
        self.c = c
        hd = c.head_dim
        # Q, K and V in one matmul; gguf_io splits it into attn_q/attn_k/attn_v.
        self.wqkv = nn.Linear(c.dim, (c.n_heads + 2 * c.n_kv_heads) * hd, bias=c.qkv_bias)
        self.wo = nn.Linear(c.n_heads * hd, c.dim, bias=False)
        self.q_norm = RMSNorm(hd, c.norm_eps) if c.qk_norm else None
        self.k_norm = RMSNorm(hd, c.norm_eps) if c.qk_norm else None

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        b, t, _ = x.shape
        c, hd = self.c, self.c.head_dim
        qkv = self.wqkv(x).view(b, t, c.n_heads + 2 * c.n_kv_heads, hd).transpose(1, 2)
        q, k = qkv[:, : c.n_heads], qkv[:, c.n_heads : c.n_heads + c.n_kv_heads]
        v = qkv[:, c.n_heads + c.n_kv_heads :]
        if self.q_norm is not None and self.k_norm is not None:
            q, k = self.q_norm(q), self.k_norm(k)
        q = apply_rope(q, cos, sin, c.rope_neox)
        k = apply_rope(k, cos, sin, c.rope_neox)
        if c.n_kv_heads != c.n_heads:
            rep = c.n_heads // c.n_kv_heads
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        scale = c.attn_scale or None
        if mask is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale)
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
        return self.wo(y.transpose(1, 2).reshape(b, t, c.n_heads * hd))


class FeedForward(nn.Module):
    def __init__(self, c: ModelConfig) -> None:
        super().__init__()
        # gate and up in one matmul (rows [0, ffn) = gate, [ffn, 2·ffn) = up).
        self.w_gate_up = nn.Linear(c.dim, 2 * c.ffn_dim, bias=False)
        self.w_down = nn.Linear(c.ffn_dim, c.dim, bias=False)
        self.act = c.ffn_act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate, up = self.w_gate_up(x).chunk(2, dim=-1)
        g = F.gelu(gate, approximate="tanh") if self.act == "gelu_tanh" else F.silu(gate)
        return self.w_down(g * up)


class Block(nn.Module):
    def __init__(self, c: ModelConfig) -> None:
        super().__init__()
        self.attn_norm = RMSNorm(c.dim, c.norm_eps)
        self.attn = Attention(c)
        self.ffn_norm = RMSNorm(c.dim, c.norm_eps)
        self.ffn = FeedForward(c)
        self.post_attn_norm = RMSNorm(c.dim, c.norm_eps) if c.post_norms else None
        self.post_ffn_norm = RMSNorm(c.dim, c.norm_eps) if c.post_norms else None

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        a = self.attn(self.attn_norm(x), cos, sin, mask)
        if self.post_attn_norm is not None:
            a = self.post_attn_norm(a)
        x = x + a
        f = self.ffn(self.ffn_norm(x))
        if self.post_ffn_norm is not None:
            f = self.post_ffn_norm(f)
        return x + f


class LlamaModel(nn.Module):
    def __init__(self, c: ModelConfig) -> None:
        super().__init__()
        self.config = c
        self.tok_embeddings = nn.Embedding(c.vocab_size, c.dim)
        self.layers = nn.ModuleList(Block(c) for _ in range(c.n_layers))
        self.norm = RMSNorm(c.dim, c.norm_eps)
        self.output = None if c.tie_embeddings else nn.Linear(c.dim, c.vocab_size, bias=False)
        if c.rope_freq_factors:  # Llama-3 rope scaling: GGUF `rope_freqs.weight`, kept (not trained) and written back
            self.register_buffer("rope_freqs", torch.ones(c.head_dim // 2))
        self.grad_checkpoint = False

    def init_weights(self, seed: int, scale: float = 1.0) -> None:
        """GPT-2/llama-style init: N(0, 0.02·scale), residual projections scaled by 1/sqrt(2·layers).

        ``scale`` > 1 gives parity tests logits that spread over several nats (errors show).
        """
        g = torch.Generator().manual_seed(seed)
        std = 0.02 * scale
        resid = std / math.sqrt(2 * self.config.n_layers)
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name.endswith("norm.weight"):
                    p.fill_(1.0)
                elif name.endswith(".bias"):
                    p.zero_()
                elif name.endswith("wo.weight") or name.endswith("w_down.weight"):
                    p.copy_(torch.randn(p.shape, generator=g) * resid)
                else:
                    p.copy_(torch.randn(p.shape, generator=g) * std)

    def forward(
        self,
        tokens: torch.Tensor,
        positions: torch.Tensor | None = None,
        segments: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Logits (B, T, V). With ``segments`` (B, T), attention stays inside each segment (packing)."""
        c = self.config
        b, t = tokens.shape
        if positions is None:
            positions = torch.arange(t, device=tokens.device).expand(b, t)
        factors = cast(torch.Tensor, self.rope_freqs) if c.rope_freq_factors else None
        rope_global = rope_tables(c.head_dim, positions, c.rope_theta, c.rope_scale, factors)
        any_swa = any(c.is_swa(i) for i in range(c.n_layers))
        rope_local = rope_tables(c.head_dim, positions, c.rope_theta_swa) if any_swa else rope_global
        mask_global = self._mask(tokens, positions, segments, 0)
        mask_local = self._mask(tokens, positions, segments, c.sliding_window) if any_swa else mask_global
        x = self.tok_embeddings(tokens)
        if c.embed_scale:
            x = x * math.sqrt(c.dim)
        for i, layer in enumerate(self.layers):
            swa = c.is_swa(i)
            cos, sin = rope_local if swa else rope_global
            mask = mask_local if swa else mask_global
            if self.grad_checkpoint and self.training:
                x = checkpoint(layer, x, cos, sin, mask, use_reentrant=False)
            else:
                x = layer(x, cos, sin, mask)
        x = self.norm(x)
        logits = x @ self.tok_embeddings.weight.t() if self.output is None else self.output(x)
        if c.logit_softcap > 0:
            logits = torch.tanh(logits / c.logit_softcap) * c.logit_softcap
        return logits

    def _mask(
        self, tokens: torch.Tensor, positions: torch.Tensor, segments: torch.Tensor | None, window: int
    ) -> torch.Tensor | None:
        """None (plain causal) or the attention mask: causal, inside each segment, within ``window`` positions."""
        if segments is None and window <= 0:
            return None
        t = tokens.shape[1]
        allowed = torch.ones(t, t, dtype=torch.bool, device=tokens.device).tril()[None]
        if segments is not None:
            allowed = allowed & (segments[:, :, None] == segments[:, None, :])
        if window > 0:  # llama.cpp masks a key when query position - key position ≥ window
            allowed = allowed & ((positions[:, :, None] - positions[:, None, :]) < window)
        allowed = allowed[:, None]
        if tokens.is_cuda:
            return allowed
        # an additive float mask, built once and shared by every layer, is faster on CPU
        mask = torch.zeros(allowed.shape, dtype=self.tok_embeddings.weight.dtype, device=tokens.device)
        return mask.masked_fill_(~allowed, float("-inf"))
