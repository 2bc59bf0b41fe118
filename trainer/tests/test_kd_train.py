import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from distill_trainer.config import TrainConfig
from distill_trainer.data import load_dataset, pack, split_docs
from distill_trainer.errors import WorkerError
from distill_trainer.gguf_io import load_model
from distill_trainer.kd_data import load_kd
from distill_trainer.train import train
from helpers import addition_examples, tiny_cfg, write_dataset


def _scores(data: Path, out: Path, vocab: int, k: int = 3) -> Path:
    """A stand-in teacher that puts 0.9 on the true next token and 0.03 on two others, in the TS on-disk format."""
    meta = json.loads((data / "meta.json").read_text())
    tokens = np.fromfile(data / "tokens.bin", dtype="<i4")
    offsets = np.fromfile(data / "offsets.bin", dtype="<i8")
    ids = np.stack([tokens, (tokens + 1) % vocab, (tokens + 2) % vocab], axis=1).astype("<i4")
    lps = np.log(np.tile(np.array([0.9, 0.03, 0.03], dtype="<f4"), (len(tokens), 1))).astype("<f4")
    ids[offsets[:-1]] = -1  # a document's first token has no prefix
    out.mkdir(parents=True)
    ids.tofile(out / "ids.bin")
    lps.tofile(out / "logprobs.bin")
    (out / "meta.json").write_text(
        json.dumps(
            {
                "version": 1,
                "teacherSha256": "t" * 64,
                "dataSha256": meta["sha256"],
                "topK": k,
                "nTokens": len(tokens),
            }
        )
    )
    return out


def test_scores_line_up_with_each_target_token(tmp_path: Path, nano_gguf: Path) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(30, seed=4))
    model, _ = load_model(nano_gguf)
    vocab = model.config.vocab_size
    cfg = _cfg(tmp_path, nano_gguf, data, "x", kd="forward-kl", kdScores=str(_scores(data, tmp_path / "s", vocab)))
    ds = load_dataset(str(data), vocab)
    kd = load_kd(cfg, ds, vocab)
    assert kd is not None and kd.top_k == 3
    train_ids, _ = split_docs(ds.n_docs, 0.0, 1)
    p = pack(ds, train_ids, 64)
    rows = np.arange(len(p))
    b = kd.batch(p, rows, torch.device("cpu"))
    targets = torch.from_numpy(p.tokens[rows][:, 1:])
    live = torch.from_numpy(p.mask[rows][:, 1:])
    assert live.any()
    assert torch.equal(b["top_ids"][..., 0][live], targets[live])  # the scores describe the token being predicted
    pad = torch.from_numpy(p.segments[rows][:, 1:] < 0)
    assert (b["top_ids"][pad] == -1).all()


def test_forward_kl_training_lowers_the_loss_and_refuses_foreign_scores(
    tmp_path: Path, nano_gguf: Path, capsys
) -> None:
    data = write_dataset(tmp_path / "data", addition_examples(80, seed=2))
    model, _ = load_model(nano_gguf)
    scores = _scores(data, tmp_path / "scores", model.config.vocab_size)
    train(_cfg(tmp_path, nano_gguf, data, "kd", maxSteps=10, kd="forward-kl", kdScores=str(scores), kdAlpha=1.0))
    ev = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    steps = [e for e in ev if e["type"] == "step"]
    assert steps[-1]["loss"] < steps[0]["loss"] * 0.8
    assert ev[-1]["type"] == "done"

    other = write_dataset(tmp_path / "other", addition_examples(20, seed=9))
    with pytest.raises(WorkerError, match="other data"):
        train(_cfg(tmp_path, nano_gguf, other, "bad", maxSteps=1, kd="forward-kl", kdScores=str(scores)))


def _cfg(tmp: Path, base: Path, data: Path, name: str, **kw: Any) -> TrainConfig:
    return tiny_cfg(tmp, base, data, name, **{"seed": 1, **kw})
