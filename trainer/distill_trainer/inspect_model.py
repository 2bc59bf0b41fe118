"""``logits``: PyTorch next-token logits of a GGUF model, for parity checks against llama.cpp."""

from __future__ import annotations

from pathlib import Path

import torch

from . import protocol
from .gguf_io import load_model, save_model


def logits_command(path: str, tokens: list[int], argmax: bool = False) -> None:
    model, _ = load_model(path)
    model.eval()
    with torch.no_grad():
        out = model(torch.tensor([tokens], dtype=torch.long))[0]
    if argmax:
        protocol.emit("done", tokens=tokens, argmax=out.argmax(-1).tolist())
    else:
        protocol.emit("done", tokens=tokens, logits=[row.tolist() for row in out])


def convert_command(path: str, out: str) -> None:
    """The dequantized model as an F32 GGUF (metadata kept): what PyTorch trains from, runnable by llama.cpp."""
    model, reader = load_model(path)
    save_model(
        out,
        model,
        name=str(reader.fields["general.name"].contents()) if "general.name" in reader.fields else "dequantized",
        metadata={"dequantized_from": Path(path).name},
        source=reader,
    )
    protocol.emit("done", out=out, params=sum(p.numel() for p in model.parameters()))
