import json
from pathlib import Path

import pytest
import torch

from distill_trainer.checkpoint import latest_checkpoint, load_checkpoint
from distill_trainer.config import TrainConfig
from distill_trainer.errors import WorkerError
from distill_trainer.gguf_io import load_model
from distill_trainer.memory import activation_bytes
from distill_trainer.train import train
from helpers import addition_examples, write_dataset


def _cfg(tmp: Path, base: Path, data: Path, name: str, **kw) -> TrainConfig:
    opts = {"seqLen": 64, "batchTokens": 256, "lr": 1e-2, "threads": 1, "evalFraction": 0.0, **kw}
    return TrainConfig(
        base=str(base), data=str(data), out=str(tmp / f"{name}.gguf"), runDir=str(tmp / f"{name}.run"), **opts
    )


def _events(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def test_lora_training_changes_only_adapters_and_exports_them_merged(tmp_path: Path, nano_gguf: Path, capsys) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(40, seed=2))
    train(_cfg(tmp_path, nano_gguf, data, "lora", maxSteps=3, loraRank=4, loraTargets="attn,mlp", checkpointEvery=1))
    ev = _events(capsys)
    mem = next(e for e in ev if e["type"] == "memory")
    assert 0 < mem["trainable"] < mem["params"] / 5
    base, _ = load_model(nano_gguf)
    last = latest_checkpoint(str(tmp_path / "lora.run"))
    assert last is not None
    ck = load_checkpoint(last)
    for k, v in base.state_dict().items():  # before merging, every base weight is as loaded
        assert torch.equal(ck["model"][k], v), k
    assert any(k.endswith("lora_b") and v.abs().sum() > 0 for k, v in ck["model"].items())
    out, reader = load_model(tmp_path / "lora.gguf")
    assert reader.fields["distill.lora_rank"].contents() == 4
    assert reader.fields["distill.lora_targets"].contents() == "attn,mlp"
    assert reader.fields["distill.trainable_params"].contents() == mem["trainable"]
    changed = [k for k, v in out.state_dict().items() if not torch.equal(v, base.state_dict()[k])]
    assert changed and all(("attn.w" in k or "ffn.w" in k) for k in changed)


def test_grad_checkpoint_gives_the_same_gradients(nano_gguf: Path) -> None:
    grads = []
    x = torch.randint(0, 300, (2, 32))
    for ckpt in (False, True):
        model, _ = load_model(nano_gguf)
        model.grad_checkpoint = ckpt
        model.train()
        model(x).logsumexp(-1).mean().backward()
        grads.append(torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None]))
    assert torch.allclose(grads[0], grads[1], atol=1e-6)
    model, _ = load_model(nano_gguf)
    assert activation_bytes(model.config, 8, 512, True) < activation_bytes(model.config, 8, 512, False) / 2


def test_training_that_cannot_fit_is_refused_with_the_flag_that_fits(tmp_path: Path, nano_gguf: Path, capsys) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(40, seed=2))
    model, _ = load_model(nano_gguf)
    rows, seq = 4, 1024
    fixed = 16 * sum(p.numel() for p in model.parameters())  # weights + gradients + AdamW moments
    fits_with_ckpt = fixed + activation_bytes(model.config, rows, seq, True)
    assert fixed + activation_bytes(model.config, rows, seq, False) > fits_with_ckpt + 4 * 2**20
    limit_mb = int(fits_with_ckpt / 0.9 / 2**20) + 2
    cfg = _cfg(tmp_path, nano_gguf, data, "oom", maxSteps=2, memoryLimitMb=limit_mb, seqLen=seq, batchTokens=rows * seq)
    with pytest.raises(WorkerError) as e:
        train(cfg)
    assert e.value.code == "E_OUT_OF_MEMORY" and e.value.exit_code == 2
    assert "--grad-checkpoint" in (e.value.hint or "") and "MB" in e.value.message
    assert not (tmp_path / "oom.gguf").exists()
    mem = next(x for x in _events(capsys) if x["type"] == "memory")
    assert mem["totalMb"] > mem["availableMb"] == limit_mb
    cfg.gradCheckpoint = True  # …and with the flag it names, the same run trains
    train(cfg)
    assert (tmp_path / "oom.gguf").exists()
