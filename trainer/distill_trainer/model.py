"""A llama-architecture decoder in PyTorch whose weights map 1:1 onto llama.cpp's GGUF tensors.

RoPE follows llama.cpp per architecture: ``llama`` rotates adjacent pairs (GGUF stores Q/K already permuted
for that), ``qwen2`` rotates halves (NEOX). Packed rows carry per-token positions and segment ids, so
documents in one row never attend to each other and each starts at position 0.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .presets import ModelConfig


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.rms_norm(x, (x.shape[-1],), self.weight, self.eps)


def rope_tables(head_dim: int, positions: torch.Tensor, theta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """cos/sin of shape (B, T, head_dim/2) for integer positions (B, T)."""
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, device=positions.device, dtype=torch.float32) / head_dim))
    ang = positions.to(torch.float32)[..., None] * inv
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

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        b, t, _ = x.shape
        c, hd = self.c, self.c.head_dim
        qkv = self.wqkv(x).view(b, t, c.n_heads + 2 * c.n_kv_heads, hd).transpose(1, 2)
        qk = apply_rope(qkv[:, : c.n_heads + c.n_kv_heads], cos, sin, c.arch != "llama")
        q, k = qk[:, : c.n_heads], qk[:, c.n_heads :]
        v = qkv[:, c.n_heads + c.n_kv_heads :]
        if c.n_kv_heads != c.n_heads:
            rep = c.n_heads // c.n_kv_heads
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        if mask is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        return self.wo(y.transpose(1, 2).reshape(b, t, c.n_heads * hd))


class FeedForward(nn.Module):
    def __init__(self, c: ModelConfig) -> None:
        super().__init__()
        # gate and up in one matmul (rows [0, ffn) = gate, [ffn, 2·ffn) = up).
        self.w_gate_up = nn.Linear(c.dim, 2 * c.ffn_dim, bias=False)
        self.w_down = nn.Linear(c.ffn_dim, c.dim, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate, up = self.w_gate_up(x).chunk(2, dim=-1)
        return self.w_down(F.silu(gate) * up)


class Block(nn.Module):
    def __init__(self, c: ModelConfig) -> None:
        super().__init__()
        self.attn_norm = RMSNorm(c.dim, c.norm_eps)
        self.attn = Attention(c)
        self.ffn_norm = RMSNorm(c.dim, c.norm_eps)
        self.ffn = FeedForward(c)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        x = x + self.attn(self.attn_norm(x), cos, sin, mask)
        return x + self.ffn(self.ffn_norm(x))


class LlamaModel(nn.Module):
    def __init__(self, c: ModelConfig) -> None:
        super().__init__()
        self.config = c
        self.tok_embeddings = nn.Embedding(c.vocab_size, c.dim)
        self.layers = nn.ModuleList(Block(c) for _ in range(c.n_layers))
        self.norm = RMSNorm(c.dim, c.norm_eps)
        self.output = None if c.tie_embeddings else nn.Linear(c.dim, c.vocab_size, bias=False)

    def init_weights(self, seed: int) -> None:
        """GPT-2/llama-style init: N(0, 0.02), residual projections scaled by 1/sqrt(2·layers)."""
        g = torch.Generator().manual_seed(seed)
        std = 0.02
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
        b, t = tokens.shape
        if positions is None:
            positions = torch.arange(t, device=tokens.device).expand(b, t)
        cos, sin = rope_tables(self.config.head_dim, positions, self.config.rope_theta)
        mask = None
        if segments is not None:
            causal = torch.ones(t, t, dtype=torch.bool, device=tokens.device).tril()
            same = segments[:, :, None] == segments[:, None, :]
            allowed = (same & causal)[:, None]
            if tokens.is_cuda:
                mask = allowed
            else:  # an additive float mask, built once and shared by every layer, is faster on CPU
                mask = torch.zeros(b, 1, t, t, dtype=self.tok_embeddings.weight.dtype)
                mask.masked_fill_(~allowed, float("-inf"))
        x = self.tok_embeddings(tokens)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        x = self.norm(x)
        if self.output is None:
            return x @ self.tok_embeddings.weight.t()
        return self.output(x)
