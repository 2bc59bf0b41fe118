"""On-policy rounds keep AdamW's moments and the LR schedule: round 2 continues round 1, it does not restart."""

from pathlib import Path
from typing import Any

import pytest
import torch

from distill_trainer.config import TrainConfig
from distill_trainer.train import train
from helpers import addition_examples, tiny_cfg, worker_events, write_dataset


def test_two_rounds_follow_one_schedule_and_carry_adamw_state(tmp_path: Path, nano_gguf: Path, capsys) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(60, seed=4))
    train(_cfg(tmp_path, nano_gguf, data, "whole", maxSteps=6))
    whole = [e["lr"] for e in worker_events(capsys.readouterr().out) if e["type"] == "step"]

    state = tmp_path / "round-1" / "optimizer.pt"
    train(_cfg(tmp_path, nano_gguf, data, "r1", maxSteps=3, optimizerOut=str(state), scheduleTotal=6))
    r1 = worker_events(capsys.readouterr().out)
    saved = torch.load(state, weights_only=False)
    assert saved["steps"] == 3

    out2 = tmp_path / "round-2" / "optimizer.pt"
    train(
        _cfg(
            tmp_path,
            tmp_path / "r1.gguf",
            data,
            "r2",
            maxSteps=3,
            optimizerIn=str(state),
            optimizerOut=str(out2),
            scheduleOffset=3,
            scheduleTotal=6,
        )
    )
    r2 = worker_events(capsys.readouterr().out)
    # One warmup + cosine over the six steps of both rounds, not two restarts.
    lrs = [e["lr"] for e in r1 + r2 if e["type"] == "step"]
    assert lrs == pytest.approx(whole, rel=1e-9)
    assert [e["steps"] for e in r2 if e["type"] == "optimizer-carried"] == [3]
    # AdamW's step counts (bias correction) and moments continue: six steps in all.
    after = torch.load(out2, weights_only=False)
    assert after["steps"] == 6
    steps = {float(s["step"]) for s in after["optimizer"]["state"].values()}
    assert steps == {6.0}
    before = saved["optimizer"]["state"]
    moved = [not torch.equal(before[k]["exp_avg_sq"], v["exp_avg_sq"]) for k, v in after["optimizer"]["state"].items()]
    assert all(moved)


def test_without_carry_a_round_starts_fresh(tmp_path: Path, nano_gguf: Path, capsys) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(60, seed=4))
    out = tmp_path / "opt.pt"
    train(_cfg(tmp_path, nano_gguf, data, "fresh", maxSteps=2, optimizerOut=str(out)))
    ev = worker_events(capsys.readouterr().out)
    assert not any(e["type"] == "optimizer-carried" for e in ev)
    assert {float(s["step"]) for s in torch.load(out, weights_only=False)["optimizer"]["state"].values()} == {2.0}


def _cfg(tmp: Path, base: Path, data: Path, name: str, **kw: Any) -> TrainConfig:
    return tiny_cfg(tmp, base, data, name, **{"batchTokens": 512, "warmupSteps": 2, "logSeconds": 0.0, **kw})
