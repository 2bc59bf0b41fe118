"""The one GGUF ↔ PyTorch state mapping table for every supported architecture.

PyTorch fuses Q/K/V (``attn.wqkv``) and gate/up (``ffn.w_gate_up``) into one matmul each; the table says which
GGUF tensors a state entry is made of, in order, and how to split it back.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..presets import ModelConfig


@dataclass(frozen=True)
class Entry:
    state: str
    gguf: tuple[str, ...]  # one name, or the parts concatenated along dim 0
    sizes: tuple[int, ...] = ()  # row counts of the parts (empty for one part)


def tensor_table(c: ModelConfig) -> list[Entry]:
    """Every tensor of a model with this config, in llama.cpp's order."""
    hd = c.head_dim
    qkv = (c.n_heads * hd, c.n_kv_heads * hd, c.n_kv_heads * hd)
    out = [Entry("tok_embeddings.weight", ("token_embd.weight",))]
    if c.rope_freq_factors:
        out.append(Entry("rope_freqs", ("rope_freqs.weight",)))
    out.append(Entry("norm.weight", ("output_norm.weight",)))
    if not c.tie_embeddings:
        out.append(Entry("output.weight", ("output.weight",)))
    for i in range(c.n_layers):
        p, b = f"layers.{i}.", f"blk.{i}."
        out.append(Entry(p + "attn_norm.weight", (b + "attn_norm.weight",)))
        out.append(Entry(p + "attn.wqkv.weight", tuple(b + f"attn_{x}.weight" for x in "qkv"), qkv))
        if c.qkv_bias:
            out.append(Entry(p + "attn.wqkv.bias", tuple(b + f"attn_{x}.bias" for x in "qkv"), qkv))
        if c.qk_norm:
            out.append(Entry(p + "attn.q_norm.weight", (b + "attn_q_norm.weight",)))
            out.append(Entry(p + "attn.k_norm.weight", (b + "attn_k_norm.weight",)))
        out.append(Entry(p + "attn.wo.weight", (b + "attn_output.weight",)))
        if c.post_norms:
            out.append(Entry(p + "post_attn_norm.weight", (b + "post_attention_norm.weight",)))
        out.append(Entry(p + "ffn_norm.weight", (b + "ffn_norm.weight",)))
        out.append(
            Entry(p + "ffn.w_gate_up.weight", (b + "ffn_gate.weight", b + "ffn_up.weight"), (c.ffn_dim, c.ffn_dim))
        )
        out.append(Entry(p + "ffn.w_down.weight", (b + "ffn_down.weight",)))
        if c.post_norms:
            out.append(Entry(p + "post_ffn_norm.weight", (b + "post_ffw_norm.weight",)))
    return out


def gguf_tensor_names(c: ModelConfig) -> list[str]:
    return [name for e in tensor_table(c) for name in e.gguf]


def state_to_gguf(c: ModelConfig, sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """PyTorch state → GGUF tensors (F32, contiguous, fused tensors split back)."""
    out: dict[str, torch.Tensor] = {}
    for e in tensor_table(c):
        t = sd[e.state].detach().to("cpu", torch.float32)
        parts = torch.split(t, list(e.sizes), dim=0) if e.sizes else (t,)
        for name, part in zip(e.gguf, parts, strict=False):
            out[name] = part.contiguous()
    return out


def gguf_to_state(c: ModelConfig, t: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """GGUF tensors → PyTorch state (Q/K/V and gate/up fused)."""
    return {
        e.state: t[e.gguf[0]] if len(e.gguf) == 1 else torch.cat([t[n] for n in e.gguf], dim=0) for e in tensor_table(c)
    }
