"""``logits``: PyTorch next-token logits of a GGUF model, for parity checks against llama.cpp."""

from __future__ import annotations

import torch

from . import protocol
from .gguf_io import load_model


def logits_command(path: str, tokens: list[int]) -> None:
    model, _ = load_model(path)
    model.eval()
    with torch.no_grad():
        out = model(torch.tensor([tokens], dtype=torch.long))[0]
    protocol.emit("done", tokens=tokens, logits=[row.tolist() for row in out])
