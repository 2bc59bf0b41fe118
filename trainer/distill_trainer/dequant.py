"""GGUF tensors → float32 arrays: F32/F16/BF16 directly, quantized types through ``gguf.quants.dequantize``.

The dequantized numbers are exactly the ones llama.cpp multiplies with (same block formulas), so a model loaded
from a Q4_1 file starts from the weights the runtime runs. A type ``gguf`` cannot dequantize is refused with one
error line (exit 2) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gguf
import numpy as np

from .errors import WorkerError

_PLAIN = {gguf.GGMLQuantizationType.F32, gguf.GGMLQuantizationType.F16, gguf.GGMLQuantizationType.BF16}


def supported_types() -> list[str]:
    """Every tensor type the loader accepts (plain floats plus what ``gguf.quants`` can dequantize)."""
    from gguf.quants import _type_traits  # the package's own registry of dequantizers

    return sorted({t.name for t in _PLAIN} | {t.name for t in _type_traits})


def tensor_kind(t: Any) -> gguf.GGMLQuantizationType:
    return gguf.GGMLQuantizationType(int(t.tensor_type))


def check_types(tensors: list[Any], path: str) -> None:
    """Refuse before any work when a tensor's type cannot be dequantized."""
    ok = set(supported_types())
    for t in tensors:
        kind = tensor_kind(t)
        if kind.name not in ok:
            raise WorkerError(
                "E_UNSUPPORTED_TYPE",
                f"tensor {t.name} of {path} is {kind.name}, which the trainer cannot dequantize",
                f"use a GGUF whose tensors are one of: {', '.join(supported_types())}",
                exit_code=2,
            )


def to_float32(t: Any) -> np.ndarray:
    """A GGUF reader tensor as a float32 array in PyTorch's (rows, cols) order."""
    shape = tuple(int(x) for x in reversed(t.shape.tolist()))
    kind = tensor_kind(t)
    if kind == gguf.GGMLQuantizationType.F32:
        return np.asarray(t.data, dtype=np.float32).reshape(shape)
    if kind == gguf.GGMLQuantizationType.F16:
        return np.asarray(t.data, dtype=np.float16).astype(np.float32).reshape(shape)
    if kind == gguf.GGMLQuantizationType.BF16:
        raw = np.frombuffer(np.ascontiguousarray(t.data).tobytes(), dtype=np.uint16).astype(np.uint32) << 16
        return raw.view(np.float32).reshape(shape)
    try:
        out = gguf.quants.dequantize(np.asarray(t.data), kind)
    except NotImplementedError as e:
        raise WorkerError(
            "E_UNSUPPORTED_TYPE",
            f"tensor {t.name} is {kind.name}, which the trainer cannot dequantize",
            f"use a GGUF whose tensors are one of: {', '.join(supported_types())}",
            exit_code=2,
        ) from e
    return np.asarray(out, dtype=np.float32).reshape(shape)


@dataclass
class LoadSummary:
    """What loading cost: file bytes per tensor type, and the bytes of the dequantized weights."""

    file_bytes: dict[str, int] = field(default_factory=dict)
    tensors: dict[str, int] = field(default_factory=dict)
    float_bytes: int = 0

    def add(self, t: Any, elements: int, dtype_bytes: int) -> None:
        name = tensor_kind(t).name
        self.file_bytes[name] = self.file_bytes.get(name, 0) + int(t.n_bytes)
        self.tensors[name] = self.tensors.get(name, 0) + 1
        self.float_bytes += elements * dtype_bytes

    @property
    def quantized(self) -> bool:
        return any(k not in ("F32", "F16", "BF16") for k in self.tensors)

    def to_dict(self) -> dict:
        return {
            "types": dict(sorted(self.tensors.items())),
            "fileBytes": sum(self.file_bytes.values()),
            "dequantizedBytes": self.float_bytes,
            "quantized": self.quantized,
        }
