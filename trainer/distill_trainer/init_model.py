"""``init``: a fresh, randomly initialised model from a preset, written as an F32 GGUF with Distill's vocab."""

from __future__ import annotations

from typing import cast

from . import __version__
from .errors import WorkerError
from .presets import PRESETS, count_params, preset_config, with_overrides
from .vocab import build_char_vocab


def init_model(
    preset: str,
    out: str,
    *,
    seed: int = 0,
    chat_template: str,
    name: str | None = None,
    context_length: int = 1024,
    arch: str = "llama",
    init_scale: float = 1.0,
    rope_freqs: bool = False,
) -> dict:
    if preset not in PRESETS:
        raise WorkerError(
            "E_UNKNOWN_PRESET", f"unknown preset '{preset}'", f"use one of: {', '.join(PRESETS)}", exit_code=2
        )
    import torch  # imported late: a bad preset fails in milliseconds, not after torch's import

    from .arch import SUPPORTED_ARCHS, fresh_config
    from .gguf_io import save_model
    from .model import LlamaModel

    vocab = build_char_vocab()
    if arch not in SUPPORTED_ARCHS:
        raise WorkerError(
            "E_BAD_CONFIG", f"unknown architecture '{arch}'", f"use one of: {', '.join(SUPPORTED_ARCHS)}", exit_code=2
        )
    config = fresh_config(preset_config(preset, len(vocab), context_length), arch)
    if rope_freqs:  # Llama-3-style: per-frequency factors (a `rope_freqs` tensor) plus linear scaling x2
        config = with_overrides(config, rope_freq_factors=True, rope_scale=2.0)
    torch.manual_seed(seed)
    model = LlamaModel(config)
    model.init_weights(seed, init_scale)
    if rope_freqs:
        with torch.no_grad():  # low frequencies slowed down up to 8x, as Llama-3.1's factors do
            cast(torch.Tensor, model.rope_freqs).copy_(torch.logspace(0, 3, config.head_dim // 2, base=2.0))
    # non-zero biases and non-unit norms, so parity checks exercise them (presets keep the plain llama init)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for n, p in model.named_parameters():
            if n.endswith(".bias"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)
            elif arch != "llama" and n.endswith("norm.weight"):
                p.copy_(1.0 + torch.randn(p.shape, generator=g) * 0.1)
    params = count_params(config)
    save_model(
        out,
        model,
        name=name or f"distill-{preset}",
        vocab=vocab,
        chat_template=chat_template,
        metadata={
            "preset": preset,
            "seed": seed,
            "params": params,
            "trainer_version": __version__,
            "template_id": "distill-student-v1",
            "trained_steps": 0,
        },
    )
    return {"out": out, "preset": preset, "params": params, "config": config.to_dict()}
