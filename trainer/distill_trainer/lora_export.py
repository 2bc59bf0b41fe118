"""The LoRA adapters as a llama.cpp LoRA adapter GGUF (``--lora-export adapter``).

The layout is llama.cpp's ``convert_lora_to_gguf.py``: ``general.type = adapter``, ``adapter.type = lora``,
``adapter.lora.alpha``, the base's ``general.architecture``, and per adapted base tensor ``<name>.lora_a``
(rank x in, GGUF ne = [in, rank]) and ``<name>.lora_b`` (out x rank, ne = [rank, out]). llama.cpp adds
``(alpha / rank) · B·A`` to the base weight, exactly what ``merged_state`` folds in. A fused PyTorch projection
(Q/K/V, gate/up) shares one A; its B is split back into the parts' rows, so each GGUF tensor gets its own pair.
"""

from __future__ import annotations

import os

import gguf
import torch

from .arch.mapping import tensor_table
from .gguf_io import add_distill_metadata, write_gguf_atomically
from .lora import LoRALinear
from .model import LlamaModel


def adapter_tensors(model: LlamaModel) -> dict[str, torch.Tensor]:
    """``<gguf name>.lora_a`` / ``.lora_b`` for every adapted projection (F32, contiguous)."""
    entries = {e.state: e for e in tensor_table(model.config)}
    out: dict[str, torch.Tensor] = {}
    for name, module in model.named_modules():
        if not isinstance(module, LoRALinear):
            continue
        e = entries[f"{name}.weight"]
        a = module.lora_a.detach().to("cpu", torch.float32)
        b = module.lora_b.detach().to("cpu", torch.float32)
        parts = torch.split(b, list(e.sizes), dim=0) if e.sizes else (b,)
        for gname, part in zip(e.gguf, parts, strict=True):
            out[f"{gname}.lora_a"] = a.contiguous()
            out[f"{gname}.lora_b"] = part.contiguous()
    return out


def save_lora_adapter(
    path: str | os.PathLike[str],
    model: LlamaModel,
    *,
    alpha: float,
    name: str,
    metadata: dict[str, str | int | float],
) -> int:
    """Write the adapters as a llama.cpp LoRA GGUF, atomically; returns the number of tensors written."""
    tensors = adapter_tensors(model)
    if not tensors:
        raise ValueError("the model has no LoRA adapters")

    def write_keys(writer: gguf.GGUFWriter) -> None:
        writer.add_type(gguf.GGUFType.ADAPTER)
        writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
        writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(alpha))
        writer.add_name(name)
        writer.add_file_type(gguf.LlamaFileType.ALL_F32)
        add_distill_metadata(writer, metadata)

    write_gguf_atomically(path, model.config.arch, write_keys, tensors)
    return len(tensors)
