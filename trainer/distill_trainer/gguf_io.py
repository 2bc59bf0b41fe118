"""GGUF in and out: a ``LlamaModel`` from a GGUF file, and a GGUF file from a ``LlamaModel``.

Tensors are written as F32 with llama.cpp's names. When saving a model that came from a GGUF, every metadata
key of that file (tokenizer, chat template, architecture) is copied, so the output tokenises and chats exactly
like the input; only ``general.name``, ``general.file_type`` and the ``distill.*`` provenance keys change.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import gguf
import numpy as np
import torch

from .errors import WorkerError
from .model import LlamaModel
from .presets import ModelConfig
from .vocab import Vocab

SUPPORTED_ARCHS = ("llama", "qwen2")


def gguf_tensor_names(config: ModelConfig) -> list[str]:
    """The GGUF tensors of a model with this config, in llama.cpp's order."""
    names = ["token_embd.weight", "output_norm.weight"] + ([] if config.tie_embeddings else ["output.weight"])
    for i in range(config.n_layers):
        b = f"blk.{i}."
        names += [b + "attn_norm.weight", b + "attn_q.weight", b + "attn_k.weight", b + "attn_v.weight"]
        if config.qkv_bias:
            names += [b + "attn_q.bias", b + "attn_k.bias", b + "attn_v.bias"]
        names += [b + "attn_output.weight", b + "ffn_norm.weight", b + "ffn_gate.weight", b + "ffn_up.weight"]
        names += [b + "ffn_down.weight"]
    return names


def _qkv_sizes(c: ModelConfig) -> list[int]:
    return [c.n_heads * c.head_dim, c.n_kv_heads * c.head_dim, c.n_kv_heads * c.head_dim]


def state_to_gguf(model: LlamaModel) -> dict[str, torch.Tensor]:
    """PyTorch state → GGUF tensors (fused Q/K/V and gate/up split back into llama.cpp's tensors)."""
    c = model.config
    sd = {k: v.detach().to("cpu", torch.float32) for k, v in model.state_dict().items()}
    out = {"token_embd.weight": sd["tok_embeddings.weight"], "output_norm.weight": sd["norm.weight"]}
    if not c.tie_embeddings:
        out["output.weight"] = sd["output.weight"]
    for i in range(c.n_layers):
        p, b = f"layers.{i}.", f"blk.{i}."
        for kind in ("weight", "bias") if c.qkv_bias else ("weight",):
            q, k, v = torch.split(sd[p + f"attn.wqkv.{kind}"], _qkv_sizes(c), dim=0)
            out[b + f"attn_q.{kind}"], out[b + f"attn_k.{kind}"], out[b + f"attn_v.{kind}"] = q, k, v
        gate, up = sd[p + "ffn.w_gate_up.weight"].chunk(2, dim=0)
        out[b + "attn_norm.weight"] = sd[p + "attn_norm.weight"]
        out[b + "attn_output.weight"] = sd[p + "attn.wo.weight"]
        out[b + "ffn_norm.weight"] = sd[p + "ffn_norm.weight"]
        out[b + "ffn_gate.weight"], out[b + "ffn_up.weight"] = gate, up
        out[b + "ffn_down.weight"] = sd[p + "ffn.w_down.weight"]
    return {k: out[k].contiguous() for k in gguf_tensor_names(c)}


def gguf_to_state(c: ModelConfig, t: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """GGUF tensors → PyTorch state (Q/K/V and gate/up fused)."""
    sd = {"tok_embeddings.weight": t["token_embd.weight"], "norm.weight": t["output_norm.weight"]}
    if not c.tie_embeddings:
        sd["output.weight"] = t["output.weight"]
    for i in range(c.n_layers):
        p, b = f"layers.{i}.", f"blk.{i}."
        for kind in ("weight", "bias") if c.qkv_bias else ("weight",):
            sd[p + f"attn.wqkv.{kind}"] = torch.cat([t[b + f"attn_{x}.{kind}"] for x in "qkv"], dim=0)
        sd[p + "attn_norm.weight"] = t[b + "attn_norm.weight"]
        sd[p + "attn.wo.weight"] = t[b + "attn_output.weight"]
        sd[p + "ffn_norm.weight"] = t[b + "ffn_norm.weight"]
        sd[p + "ffn.w_gate_up.weight"] = torch.cat([t[b + "ffn_gate.weight"], t[b + "ffn_up.weight"]], dim=0)
        sd[p + "ffn.w_down.weight"] = t[b + "ffn_down.weight"]
    return sd


# ---------------------------------------------------------------- reading


def _field(reader: gguf.GGUFReader, key: str, default: Any = None) -> Any:
    f = reader.fields.get(key)
    if f is None:
        return default
    v = f.contents()
    return v


def _to_float32(t: Any) -> np.ndarray:
    shape = tuple(int(x) for x in reversed(t.shape.tolist()))
    kind = gguf.GGMLQuantizationType(int(t.tensor_type))
    if kind == gguf.GGMLQuantizationType.F32:
        return np.asarray(t.data, dtype=np.float32).reshape(shape)
    if kind == gguf.GGMLQuantizationType.F16:
        return np.asarray(t.data, dtype=np.float16).astype(np.float32).reshape(shape)
    if kind == gguf.GGMLQuantizationType.BF16:
        raw = np.frombuffer(np.ascontiguousarray(t.data).tobytes(), dtype=np.uint16).astype(np.uint32) << 16
        return raw.view(np.float32).reshape(shape)
    raise WorkerError(
        "E_UNSUPPORTED_TYPE",
        f"tensor {t.name} is {kind.name}; training needs F32, F16 or BF16 weights",
        "convert the base model to F16 or F32 first (quantized GGUFs cannot be trained)",
    )


def read_config(reader: gguf.GGUFReader) -> ModelConfig:
    arch = _field(reader, "general.architecture")
    if arch not in SUPPORTED_ARCHS:
        raise WorkerError(
            "E_UNSUPPORTED_ARCH",
            f"GGUF architecture '{arch}' is not supported",
            f"use a base model with one of: {', '.join(SUPPORTED_ARCHS)}",
        )
    names = {t.name for t in reader.tensors}
    n_heads = int(_field(reader, f"{arch}.attention.head_count"))
    tokens = reader.fields.get("tokenizer.ggml.tokens")
    emb = next(t for t in reader.tensors if t.name == "token_embd.weight")
    vocab_size = int(emb.shape.tolist()[1]) if tokens is None else len(tokens.data)
    return ModelConfig(
        vocab_size=vocab_size,
        dim=int(_field(reader, f"{arch}.embedding_length")),
        n_layers=int(_field(reader, f"{arch}.block_count")),
        n_heads=n_heads,
        n_kv_heads=int(_field(reader, f"{arch}.attention.head_count_kv", n_heads)),
        ffn_dim=int(_field(reader, f"{arch}.feed_forward_length")),
        context_length=int(_field(reader, f"{arch}.context_length", 2048)),
        rope_theta=float(_field(reader, f"{arch}.rope.freq_base", 10000.0)),
        norm_eps=float(_field(reader, f"{arch}.attention.layer_norm_rms_epsilon", 1e-5)),
        arch=arch,
        tie_embeddings="output.weight" not in names,
        qkv_bias="blk.0.attn_q.bias" in names,
    )


def load_model(path: str | os.PathLike[str]) -> tuple[LlamaModel, gguf.GGUFReader]:
    """Build a ``LlamaModel`` with the weights of a GGUF file (F32/F16/BF16)."""
    try:
        reader = gguf.GGUFReader(path)
    except (OSError, ValueError) as e:
        raise WorkerError(
            "E_BAD_GGUF", f"cannot read GGUF {path}: {e}", "check the file is a complete GGUF model"
        ) from e
    config = read_config(reader)
    model = LlamaModel(config)
    wanted = set(gguf_tensor_names(config))
    tensors: dict[str, torch.Tensor] = {}
    for t in reader.tensors:
        if t.name not in wanted:
            if t.name.startswith("rope_freqs"):
                continue
            raise WorkerError(
                "E_BAD_GGUF", f"unexpected tensor {t.name} in {path}", "only llama/qwen2 decoders are supported"
            )
        tensors[t.name] = torch.from_numpy(_to_float32(t).copy())
    missing = wanted - set(tensors)
    if missing:
        raise WorkerError("E_BAD_GGUF", f"{path} lacks tensors {sorted(missing)[:3]}")
    state = gguf_to_state(config, tensors)
    expected = model.state_dict()
    for k, v in state.items():
        if tuple(v.shape) != tuple(expected[k].shape):
            raise WorkerError("E_BAD_GGUF", f"{k} has shape {tuple(v.shape)}, expected {tuple(expected[k].shape)}")
    model.load_state_dict(state)
    return model, reader


# ---------------------------------------------------------------- writing

_SKIP_COPY = {"general.architecture", "general.name", "general.file_type"}


def _copy_fields(writer: gguf.GGUFWriter, reader: gguf.GGUFReader, skip: set[str]) -> None:
    for name, f in reader.fields.items():
        if name.startswith("GGUF.") or name in _SKIP_COPY or name in skip or name.startswith("distill."):
            continue
        vtype = f.types[0]
        sub = f.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(name, f.contents(), vtype, sub)


def _add_arch(writer: gguf.GGUFWriter, c: ModelConfig) -> None:
    writer.add_context_length(c.context_length)
    writer.add_embedding_length(c.dim)
    writer.add_block_count(c.n_layers)
    writer.add_feed_forward_length(c.ffn_dim)
    writer.add_head_count(c.n_heads)
    writer.add_head_count_kv(c.n_kv_heads)
    writer.add_rope_dimension_count(c.head_dim)
    writer.add_rope_freq_base(c.rope_theta)
    writer.add_layer_norm_rms_eps(c.norm_eps)
    writer.add_vocab_size(c.vocab_size)


def _add_vocab(writer: gguf.GGUFWriter, vocab: Vocab, chat_template: str) -> None:
    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(vocab.tokens)
    writer.add_token_scores(vocab.scores)
    writer.add_token_types(vocab.types)
    writer.add_unk_token_id(vocab.unk_id)
    writer.add_bos_token_id(vocab.bos_id)
    writer.add_eos_token_id(vocab.eos_id)
    # The student template writes `<s>` itself; the tokenizer must not add a second one.
    writer.add_add_bos_token(False)
    writer.add_add_eos_token(False)
    writer.add_add_space_prefix(False)
    writer.add_chat_template(chat_template)


def save_model(
    path: str | os.PathLike[str],
    model: LlamaModel,
    *,
    name: str,
    metadata: dict[str, str | int | float],
    source: gguf.GGUFReader | None = None,
    vocab: Vocab | None = None,
    chat_template: str | None = None,
) -> None:
    """Write ``model`` as an F32 GGUF, atomically (``path.partial`` then rename).

    Metadata comes from ``source`` (a base GGUF) or, for a fresh model, from ``vocab`` + ``chat_template``.
    With a ``source``, a given ``chat_template`` replaces the source's (the template the data was rendered with).
    ``metadata`` keys are written under ``distill.``.
    """
    c = model.config
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    writer = gguf.GGUFWriter(tmp, c.arch)
    writer.add_name(name)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    if source is not None:
        _copy_fields(writer, source, {"tokenizer.chat_template"} if chat_template else set())
        if chat_template:
            writer.add_chat_template(chat_template)
    else:
        if vocab is None or chat_template is None:
            raise ValueError("a fresh model needs vocab and chat_template")
        _add_arch(writer, c)
        _add_vocab(writer, vocab, chat_template)
    for k, v in sorted(metadata.items()):
        key = f"distill.{k}"
        if isinstance(v, (bool, str)):
            writer.add_string(key, str(v))
        elif isinstance(v, int):
            writer.add_uint64(key, v) if v >= 0 else writer.add_int64(key, v)
        else:
            writer.add_float64(key, float(v))
    for gname, tensor in state_to_gguf(model).items():
        writer.add_tensor(gname, tensor.numpy())
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(tmp, out)
