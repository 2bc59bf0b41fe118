from pathlib import Path

import torch

from distill_trainer.config import TrainConfig
from distill_trainer.gguf_io import load_model
from distill_trainer.train import train
from helpers import addition_examples, write_dataset


def _run(tmp: Path, base: Path, data: Path, name: str) -> dict[str, torch.Tensor]:
    cfg = TrainConfig(
        base=str(base),
        data=str(data),
        out=str(tmp / f"{name}.gguf"),
        runDir=str(tmp / f"{name}.run"),
        seqLen=64,
        batchTokens=256,
        lr=3e-3,
        threads=1,
        evalFraction=0.1,
        maxSteps=4,
        seed=5,
    )
    train(cfg)
    model, reader = load_model(tmp / f"{name}.gguf")
    assert reader.fields["distill.threads"].contents() == 1
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_the_same_data_and_seed_give_identical_weights(tmp_path: Path, nano_gguf: Path, capsys) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(60, seed=3))
    a = _run(tmp_path, nano_gguf, data, "a")
    b = _run(tmp_path, nano_gguf, data, "b")
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
