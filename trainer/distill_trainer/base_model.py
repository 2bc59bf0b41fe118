"""Loading the base model for training: architecture and tensor types checked first, then dequantized once into
float32, with one ``loaded`` progress event saying what the file held and what the weights now take."""

from __future__ import annotations

import os

import gguf

from . import protocol
from .dequant import LoadSummary
from .gguf_io import load_model
from .model import LlamaModel


def load_base(path: str | os.PathLike[str]) -> tuple[LlamaModel, gguf.GGUFReader, LoadSummary]:
    summary = LoadSummary()
    model, reader = load_model(path, summary)
    protocol.emit("loaded", path=str(path), arch=model.config.arch, **summary.to_dict())
    return model, reader, summary
