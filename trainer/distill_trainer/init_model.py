"""``init``: a fresh, randomly initialised model from a preset, written as an F32 GGUF with Distill's vocab."""

from __future__ import annotations

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
) -> dict:
    if preset not in PRESETS:
        raise WorkerError(
            "E_UNKNOWN_PRESET", f"unknown preset '{preset}'", f"use one of: {', '.join(PRESETS)}", exit_code=2
        )
    import torch  # imported late: a bad preset fails in milliseconds, not after torch's import

    from .gguf_io import save_model
    from .model import LlamaModel

    vocab = build_char_vocab()
    if arch not in ("llama", "qwen2"):
        raise WorkerError("E_BAD_CONFIG", f"unknown architecture '{arch}'", "use llama or qwen2", exit_code=2)
    config = preset_config(preset, len(vocab), context_length)
    if arch == "qwen2":  # Qwen2 layout: NEOX RoPE, Q/K/V biases, tied embeddings
        config = with_overrides(config, arch="qwen2", qkv_bias=True, tie_embeddings=True, rope_theta=1000000.0)
    torch.manual_seed(seed)
    model = LlamaModel(config)
    model.init_weights(seed)
    if config.qkv_bias:  # non-zero biases, so parity checks exercise them
        g = torch.Generator().manual_seed(seed + 1)
        with torch.no_grad():
            for n, p in model.named_parameters():
                if n.endswith(".bias"):
                    p.copy_(torch.randn(p.shape, generator=g) * 0.02)
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
