from pathlib import Path
from typing import Any

import pytest
import torch

from distill_trainer.checkpoint import latest_checkpoint
from distill_trainer.config import TrainConfig
from distill_trainer.errors import WorkerError
from distill_trainer.gguf_io import load_model
from distill_trainer.train import train
from helpers import addition_examples, tiny_cfg, worker_events, write_dataset


def test_training_lowers_loss_and_writes_a_gguf(tmp_path: Path, nano_gguf: Path, capsys) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(120, seed=2))
    train(_cfg(tmp_path, nano_gguf, data, "a", maxSteps=12))
    ev = worker_events(capsys.readouterr().out)
    steps = [e for e in ev if e["type"] == "step"]
    assert steps[-1]["loss"] < steps[0]["loss"] * 0.8
    assert ev[-1]["type"] == "done"
    assert any(e["type"] == "eval" for e in ev)
    _, reader = load_model(tmp_path / "a.gguf")
    assert reader.fields["distill.trained_steps"].contents() == 12
    assert "tokenizer.chat_template" in reader.fields


def test_resume_continues_exactly_where_it_stopped(tmp_path: Path, nano_gguf: Path, capsys) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(120, seed=2))
    train(_cfg(tmp_path, nano_gguf, data, "full", maxSteps=6, checkpointEvery=3))
    # Same run, cut after step 3: drop the later checkpoint and resume.
    train(_cfg(tmp_path, nano_gguf, data, "cut", maxSteps=6, checkpointEvery=3))
    run = tmp_path / "cut.run"
    last = latest_checkpoint(str(run))
    assert last is not None and last.name.endswith("00000006.pt")
    last.unlink()
    (tmp_path / "cut.gguf").unlink()
    capsys.readouterr()
    train(_cfg(tmp_path, nano_gguf, data, "cut", maxSteps=6, checkpointEvery=3, resume=True))
    ev = worker_events(capsys.readouterr().out)
    assert [e["step"] for e in ev if e["type"] == "resumed"] == [3]
    assert min(e["step"] for e in ev if e["type"] == "step") == 4
    a, _ = load_model(tmp_path / "full.gguf")
    b, _ = load_model(tmp_path / "cut.gguf")
    for (n, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        assert torch.allclose(x, y, atol=1e-6), n


def test_resume_refuses_different_data(tmp_path: Path, nano_gguf: Path, capsys) -> None:
    d1 = write_dataset(tmp_path / "d1", addition_examples(60, seed=2))
    d2 = write_dataset(tmp_path / "d2", addition_examples(60, seed=3))
    train(_cfg(tmp_path, nano_gguf, d1, "r", maxSteps=4, checkpointEvery=2))
    with pytest.raises(WorkerError) as e:
        train(_cfg(tmp_path, nano_gguf, d2, "r", maxSteps=6, resume=True))
    assert e.value.code == "E_RESUME_MISMATCH"


def test_resume_refuses_other_training_settings_and_names_them(tmp_path: Path, nano_gguf: Path) -> None:
    # A finished 6-step run's checkpoint is not a 4-step run's (it would "resume" past its end and write the longer
    # run's weights), nor one with another learning rate or seed.
    data = write_dataset(tmp_path / "data", addition_examples(60, seed=2))
    train(_cfg(tmp_path, nano_gguf, data, "s", maxSteps=6, checkpointEvery=3))
    with pytest.raises(WorkerError) as e:
        train(_cfg(tmp_path, nano_gguf, data, "s", maxSteps=4, lr=2e-3, resume=True))
    assert e.value.code == "E_RESUME_MISMATCH"
    assert "--max-steps 6 (now 4)" in e.value.message
    assert "--lr" in e.value.message
    assert "without --resume" in (e.value.hint or "")
    # The same settings still resume (here: at the end, nothing left to do).
    train(_cfg(tmp_path, nano_gguf, data, "s", maxSteps=6, checkpointEvery=3, resume=True))


def test_nan_guard_stops_with_a_clear_error(tmp_path: Path, nano_gguf: Path) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(60, seed=2))
    cfg = _cfg(tmp_path, nano_gguf, data, "nan", maxSteps=20, warmupSteps=0)
    cfg.lr = 1e30
    cfg.gradClip = 1e30
    with pytest.raises(WorkerError) as e:
        train(cfg)
    assert e.value.code == "E_NAN" and "--lr" in (e.value.hint or "")


def test_checkpoints_with_unfused_projections_still_resume(tmp_path: Path, nano_gguf: Path) -> None:
    from distill_trainer.checkpoint import upgrade_model_state

    model, _ = load_model(nano_gguf)
    sd = model.state_dict()
    old = {}
    c = model.config
    sizes = [c.n_heads * c.head_dim, c.n_kv_heads * c.head_dim, c.n_kv_heads * c.head_dim]
    for k, v in sd.items():
        if "attn.wqkv." in k:
            for name, part in zip("qkv", torch.split(v, sizes), strict=True):
                old[k.replace("wqkv", f"w{name}")] = part
        elif "w_gate_up" in k:
            g, u = v.chunk(2)
            old[k.replace("w_gate_up", "w_gate")], old[k.replace("w_gate_up", "w_up")] = g, u
        else:
            old[k] = v
    new, changed = upgrade_model_state(old)
    assert changed and set(new) == set(sd)
    assert all(torch.equal(new[k], sd[k]) for k in sd)


def _cfg(tmp: Path, base: Path, data: Path, name: str, **kw: Any) -> TrainConfig:
    return tiny_cfg(tmp, base, data, name, **{"batchTokens": 512, **kw})
