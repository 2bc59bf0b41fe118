import math

import numpy as np
import torch

from distill_trainer.data import pack, split_docs
from distill_trainer.model import LlamaModel
from distill_trainer.presets import PRESETS, count_params, preset_config
from distill_trainer.train import lr_at
from helpers import addition_examples, write_dataset


def test_presets_span_the_promised_sizes() -> None:
    sizes = {n: count_params(preset_config(n, 356)) for n in PRESETS}
    assert 150_000 < sizes["nano"] < 250_000
    assert 25_000_000 < sizes["base"] < 35_000_000
    assert list(sizes.values()) == sorted(sizes.values())
    m = LlamaModel(preset_config("nano", 356))
    assert sum(p.numel() for p in m.parameters()) == sizes["nano"]


def test_packed_rows_give_the_same_logits_as_separate_documents(tmp_path) -> None:
    ds = write_dataset(tmp_path / "d", addition_examples(3, seed=1))
    from distill_trainer.data import load_dataset

    data = load_dataset(str(ds), 356)
    p = pack(data, np.arange(3), seq_len=200)
    assert len(p) == 1  # all three documents share one row
    torch.manual_seed(0)
    m = LlamaModel(preset_config("nano", 356))
    m.init_weights(0)
    m.eval()
    row = torch.from_numpy(p.tokens[:1])
    packed = m(row, torch.from_numpy(p.positions[:1]), torch.from_numpy(p.segments[:1].astype(np.int64)))[0]
    at = 0
    for i in range(3):
        toks, _ = data.doc(i)
        alone = m(torch.from_numpy(toks.astype(np.int64))[None])[0]
        assert torch.allclose(packed[at : at + len(toks)], alone, atol=1e-5)
        at += len(toks)
    # loss never lands on the first token of a document, nor on padding
    starts = np.flatnonzero(np.diff(p.segments[0], prepend=-2) != 0)
    assert not p.mask[0, starts].any()
    assert not p.mask[0, p.segments[0] < 0].any()


def test_split_is_deterministic_and_disjoint() -> None:
    a_train, a_eval = split_docs(100, 0.1, seed=3)
    _, b_eval = split_docs(100, 0.1, seed=3)
    assert np.array_equal(a_eval, b_eval) and len(a_eval) == 10
    assert not set(a_train) & set(a_eval)


def test_lr_schedule_warms_up_then_decays_to_the_floor() -> None:
    assert lr_at(1, 100, 10, 1.0, 0.1) == 0.1
    assert lr_at(10, 100, 10, 1.0, 0.1) == 1.0
    assert math.isclose(lr_at(100, 100, 10, 1.0, 0.1), 0.1)
    assert lr_at(50, 100, 10, 1.0, 0.1) < lr_at(30, 100, 10, 1.0, 0.1)
