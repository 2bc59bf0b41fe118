"""Supported GGUF architectures: one module each (keys → ``ModelConfig``), one GGUF ↔ state mapping table.

Every architecture runs on the same ``model.LlamaModel`` block with the features its config switches on; a
module here says which GGUF keys mean what (``read``), which keys a fresh model of it writes (``write``) and what a
tiny test model of it looks like (``fresh``). Anything else is refused before any work starts.
"""

from __future__ import annotations

from types import ModuleType

import gguf

from ..errors import WorkerError
from ..presets import ModelConfig, with_overrides
from . import gemma3, llama, qwen2, qwen3
from .common import common_fields, key_getter, write_common
from .mapping import gguf_tensor_names, gguf_to_state, state_to_gguf

ARCHS: dict[str, ModuleType] = {m.NAME: m for m in (llama, qwen2, qwen3, gemma3)}
SUPPORTED_ARCHS = tuple(ARCHS)

__all__ = [
    "ARCHS",
    "SUPPORTED_ARCHS",
    "check_arch",
    "fresh_config",
    "gguf_tensor_names",
    "gguf_to_state",
    "read_config",
    "state_to_gguf",
    "write_arch_keys",
]


def check_arch(arch: object) -> ModuleType:
    module = ARCHS.get(str(arch)) if arch is not None else None
    if module is None:
        raise WorkerError(
            "E_UNSUPPORTED_ARCH",
            f"GGUF architecture '{arch}' is not supported",
            f"use a base model with one of: {', '.join(SUPPORTED_ARCHS)}",
            exit_code=2,
        )
    return module


def read_config(reader: gguf.GGUFReader) -> ModelConfig:
    f = reader.fields.get("general.architecture")
    arch = f.contents() if f is not None else None
    module = check_arch(arch)
    get = key_getter(reader, str(arch))
    return ModelConfig(**module.read(get, common_fields(reader, str(arch), get)))


def write_arch_keys(writer: gguf.GGUFWriter, c: ModelConfig) -> None:
    write_common(writer, c)
    check_arch(c.arch).write(writer, c)


def fresh_config(base: ModelConfig, arch: str) -> ModelConfig:
    """A preset config turned into a tiny model of ``arch`` (for ``init --arch`` and the parity tests)."""
    return with_overrides(base, arch=arch, **check_arch(arch).fresh(base))
