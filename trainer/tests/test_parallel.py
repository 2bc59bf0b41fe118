import json
from pathlib import Path

import pytest
import torch

from distill_trainer.errors import WorkerError
from distill_trainer.parallel import Procs, all_reduce, collective_device
from distill_trainer.train import train
from helpers import addition_examples, tiny_cfg, worker_events, write_dataset


def test_reduction_tensors_live_where_the_backend_reduces() -> None:
    # NCCL all_reduce refuses CPU tensors: the step/stop/loss reductions must sit on the training GPU.
    assert collective_device("nccl", torch.device("cuda", 3)) == torch.device("cuda", 3)
    # gloo reduces CPU tensors (the CPU path), and one plain process needs no group at all.
    assert collective_device("gloo", torch.device("cpu")) == torch.device("cpu")
    assert collective_device("gloo", torch.device("cuda", 1)) == torch.device("cpu")
    assert collective_device("", torch.device("cpu")) == torch.device("cpu")
    with pytest.raises(ValueError, match="nccl reduces CUDA tensors"):
        collective_device("nccl", torch.device("cpu"))


def test_all_reduce_builds_its_tensor_on_the_collective_device(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[torch.device] = []

    def fake_all_reduce(t: torch.Tensor, op: object = None) -> None:
        seen.append(t.device)
        t.mul_(2)  # as if a second rank held the same values

    monkeypatch.setattr("distill_trainer.parallel.dist.all_reduce", fake_all_reduce)
    procs = Procs(2, 0, 0, 0, True, False, torch.device("cpu"), False, 1, backend="gloo")
    assert all_reduce([1.5, 2.0], procs) == [3.0, 4.0]
    assert seen == [torch.device("cpu")]
    if torch.cuda.is_available():
        cuda = Procs(2, 0, 0, 0, True, True, torch.device("cuda", 0), True, 1, backend="nccl")
        all_reduce([1.0], cuda)
        assert seen[-1] == torch.device("cuda", 0)
    single = Procs(1, 0, 0, 0, False, False, torch.device("cpu"), False, 1)
    assert all_reduce([5.0], single) == [5.0]
    assert len(seen) == (2 if torch.cuda.is_available() else 1)


def test_stop_and_checkpoint_decisions_are_the_same_on_every_rank(monkeypatch: pytest.MonkeyPatch) -> None:
    # A time-based checkpoint can fall due on one rank and not on another; a collective save must start everywhere.
    import os

    from distill_trainer import train as train_mod

    other_rank = [0.0, 1.0]  # the other rank: no stop, checkpoint due

    def fake_all_reduce(values: list[float], procs: Procs, op: object = None) -> list[float]:
        return [max(a, b) for a, b in zip(values, other_rank, strict=True)]

    monkeypatch.setattr(train_mod, "all_reduce", fake_all_reduce)
    procs = Procs(2, 0, 0, 0, True, False, torch.device("cpu"), False, 1, backend="gloo")
    assert train_mod._stop_or_save(os.getppid(), False, procs) == (False, True)
    other_rank[:] = [1.0, 0.0]  # the other rank got SIGTERM
    assert train_mod._stop_or_save(os.getppid(), False, procs) == (True, False)


def test_fsdp_on_one_rank_matches_plain_training_and_resumes_from_a_sharded_checkpoint(
    tmp_path: Path, nano_gguf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(60, seed=3))
    train(tiny_cfg(tmp_path, nano_gguf, data, "plain", maxSteps=4))
    plain = worker_events(capsys.readouterr().out)[-1]
    train(tiny_cfg(tmp_path, nano_gguf, data, "fsdp", maxSteps=4, fsdp=True, checkpointEvery=2))
    ev = worker_events(capsys.readouterr().out)
    done = ev[-1]
    assert done["type"] == "done" and done["out"].endswith("fsdp.gguf")
    assert abs(done["loss"] - plain["loss"]) < 1e-4
    ckpts = sorted(p.name for p in (tmp_path / "fsdp.run" / "checkpoints").iterdir())
    assert ckpts == ["step-00000002.dcp", "step-00000004.dcp"]
    assert json.loads((tmp_path / "fsdp.run/checkpoints/step-00000004.dcp/meta.json").read_text())["step"] == 4
    # Cut after step 2 and resume: the same final loss as the uninterrupted run.
    import shutil

    shutil.rmtree(tmp_path / "fsdp.run/checkpoints/step-00000004.dcp")
    train(tiny_cfg(tmp_path, nano_gguf, data, "fsdp", maxSteps=4, fsdp=True, checkpointEvery=2, resume=True))
    ev = worker_events(capsys.readouterr().out)
    assert [e["step"] for e in ev if e["type"] == "resumed"] == [2]
    assert abs(ev[-1]["loss"] - done["loss"]) < 1e-5
    # A sharded checkpoint is not silently read as a plain one.
    with pytest.raises(WorkerError, match="sharded"):
        train(tiny_cfg(tmp_path, nano_gguf, data, "fsdp", maxSteps=4, resume=True))
