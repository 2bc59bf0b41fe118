from pathlib import Path

import pytest
import torch

from distill_trainer.errors import WorkerError
from distill_trainer.gguf_io import load_model, save_model
from distill_trainer.lora import apply_lora, merged_state


def test_lora_starts_as_the_base_and_trains_only_adapters(nano_gguf: Path) -> None:
    model, _ = load_model(nano_gguf)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.randint(0, model.config.vocab_size, (2, 16))
    ref = model(x).detach()
    n = apply_lora(model, rank=4, alpha=8, dropout=0.0, targets="attn,mlp")
    trainable = [p for p in model.parameters() if p.requires_grad]
    assert n == sum(p.numel() for p in trainable) and 0 < n < sum(p.numel() for p in model.parameters()) // 5
    assert torch.allclose(model(x), ref)  # B = 0: the adapted model starts where the base is
    opt = torch.optim.AdamW(trainable, lr=1e-2)
    for _ in range(3):
        loss = model(x).logsumexp(-1).mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
    after = model.state_dict()
    for k, v in before.items():
        assert torch.equal(after[k], v), k  # every base weight is untouched
    assert any(not torch.equal(v, torch.zeros_like(v)) for k, v in after.items() if k.endswith("lora_b"))


def test_merged_export_gives_the_lora_models_logits(nano_gguf: Path, tmp_path: Path) -> None:
    model, reader = load_model(nano_gguf)
    apply_lora(model, rank=2, alpha=4, dropout=0.1, targets="attn")
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "lora_" in n:
                p.normal_(0, 0.2)
    model.eval()
    x = torch.randint(0, model.config.vocab_size, (1, 20))
    want = model(x)
    out = tmp_path / "merged.gguf"
    save_model(out, model, name="m", metadata={}, source=reader, state=merged_state(model))
    merged, _ = load_model(out)
    got = merged(x)
    assert torch.allclose(got, want, atol=1e-4)
    base, _ = load_model(nano_gguf)
    assert (base(x) - want).abs().max() > 1e-2  # the adapters mattered


def test_unknown_target_is_a_clear_error(nano_gguf: Path) -> None:
    model, _ = load_model(nano_gguf)
    with pytest.raises(WorkerError) as e:
        apply_lora(model, rank=2, alpha=4, dropout=0.0, targets="attn,embeddings")
    assert e.value.exit_code == 2 and "embeddings" in e.value.message
