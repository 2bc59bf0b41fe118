from pathlib import Path
from typing import cast

import gguf
import numpy as np
import pytest
import torch

from distill_trainer.arch import SUPPORTED_ARCHS, fresh_config
from distill_trainer.dequant import LoadSummary, supported_types
from distill_trainer.errors import WorkerError
from distill_trainer.gguf_io import load_model, save_model, state_to_gguf
from distill_trainer.init_model import init_model
from distill_trainer.model import LlamaModel
from distill_trainer.presets import count_params, preset_config


def _rewrite(
    src: Path,
    dst: Path,
    *,
    arch: str | None = None,
    kind: gguf.GGMLQuantizationType | None = None,
    only: set[str] | None = None,
) -> None:
    """Copy a GGUF, optionally changing general.architecture or quantizing (some) 2-D tensors with gguf.quants."""
    r = gguf.GGUFReader(src)
    a = arch or r.fields["general.architecture"].contents()
    w = gguf.GGUFWriter(dst, a)
    old = r.fields["general.architecture"].contents()
    for name, f in r.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        vt = f.types[0]
        w.add_key_value(
            name.replace(f"{old}.", f"{a}.", 1),
            f.contents(),
            vt,
            f.types[-1] if vt == gguf.GGUFValueType.ARRAY else None,
        )
    for t in r.tensors:
        data = np.asarray(t.data, dtype=np.float32).reshape(tuple(reversed(t.shape.tolist())))
        if kind is not None and data.ndim == 2 and (only is None or t.name in only):
            w.add_tensor(t.name, gguf.quants.quantize(data, kind), raw_dtype=kind)
        else:
            w.add_tensor(t.name, data)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


@pytest.mark.parametrize("arch", SUPPORTED_ARCHS)
def test_every_architecture_roundtrips_exactly(arch: str, tmp_path: Path, template: str) -> None:
    out = tmp_path / f"{arch}.gguf"
    init_model("pico", str(out), seed=3, chat_template=template, arch=arch)
    m, r = load_model(out)
    assert m.config.arch == arch
    assert sum(p.numel() for p in m.parameters()) == count_params(m.config)
    again = tmp_path / "again.gguf"
    save_model(again, m, name="again", metadata={}, source=r)
    m2, _ = load_model(again)
    assert m2.config == m.config
    for (n, a), (_, b) in zip(m.state_dict().items(), m2.state_dict().items(), strict=False):
        assert torch.equal(a, b), n


def test_gemma3_sliding_window_and_its_rope_base_change_the_logits(tmp_path: Path, template: str) -> None:
    out = tmp_path / "g.gguf"
    init_model("nano", str(out), seed=3, chat_template=template, arch="gemma3", init_scale=3)
    m, _ = load_model(out)
    c = m.config
    assert [c.is_swa(i) for i in range(3)] == [True, True, False]
    x = torch.randint(0, c.vocab_size, (1, 30))
    m.eval()
    with torch.no_grad():
        ref = m(x)
        assert torch.allclose(ref[0, :8], ref[0, :8])  # the first 8 positions see the same keys either way
        for change in ({"sliding_window": 0}, {"rope_theta_swa": c.rope_theta}):
            from dataclasses import replace

            other = LlamaModel(replace(c, **change))
            other.load_state_dict(m.state_dict())
            other.eval()
            assert (other(x) - ref)[0, 10:].abs().max() > 1e-3, change


def test_unsupported_architecture_is_refused_before_loading(tmp_path: Path, nano_gguf: Path) -> None:
    bad = tmp_path / "phi.gguf"
    _rewrite(nano_gguf, bad, arch="phi3")
    with pytest.raises(WorkerError) as e:
        load_model(bad)
    assert e.value.code == "E_UNSUPPORTED_ARCH" and e.value.exit_code == 2
    assert all(a in (e.value.hint or "") for a in SUPPORTED_ARCHS)


@pytest.mark.parametrize("kind", ["Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"])
def test_quantized_bases_dequantize_close_to_the_f32_weights(kind: str, tmp_path: Path, nano_gguf: Path) -> None:
    q = tmp_path / f"{kind}.gguf"
    _rewrite(nano_gguf, q, kind=gguf.GGMLQuantizationType[kind])
    ref, _ = load_model(nano_gguf)
    s = LoadSummary()
    got, _ = load_model(q, s)
    assert s.quantized and kind in s.to_dict()["types"]
    assert s.float_bytes == 4 * sum(v.numel() for v in ref.state_dict().values())
    tol = {"Q8_0": 0.002, "Q5_0": 0.01, "Q5_1": 0.01}.get(kind, 0.02)
    for (n, a), (_, b) in zip(ref.state_dict().items(), got.state_dict().items(), strict=False):
        assert (a - b).abs().max() < tol, n
        if a.dim() == 2:
            assert not torch.equal(a, b), n  # really went through the quantizer


def test_a_type_gguf_cannot_dequantize_is_one_clear_error(tmp_path: Path, nano_gguf: Path) -> None:
    q81 = gguf.GGMLQuantizationType.Q8_1  # llama.cpp's activation format: gguf has no dequantizer for it
    assert q81.name not in supported_types()
    src = tmp_path / "src.gguf"
    _rewrite(nano_gguf, src)
    r = gguf.GGUFReader(src)
    bad = tmp_path / "bad.gguf"
    w = gguf.GGUFWriter(bad, "llama")
    for name, f in r.fields.items():
        if not name.startswith("GGUF.") and name != "general.architecture":
            vt = f.types[0]
            w.add_key_value(name, f.contents(), vt, f.types[-1] if vt == gguf.GGUFValueType.ARRAY else None)
    for t in r.tensors:
        data = np.asarray(t.data, dtype=np.float32).reshape(tuple(reversed(t.shape.tolist())))
        if t.name == "blk.1.ffn_down.weight":  # 40 bytes per block of 32 values
            rows, cols = (int(n) for n in data.shape)
            w.add_tensor(t.name, np.zeros((rows, cols // 32 * 40), dtype=np.uint8), raw_dtype=q81)
        else:
            w.add_tensor(t.name, data)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with pytest.raises(WorkerError) as e:
        load_model(bad)
    assert e.value.code == "E_UNSUPPORTED_TYPE" and e.value.exit_code == 2
    assert "blk.1.ffn_down.weight" in e.value.message and "Q8_1" in e.value.message
    assert "Q4_K" in (e.value.hint or "") and "IQ4_NL" in (e.value.hint or "")


def test_fresh_configs_turn_on_each_architectures_features() -> None:
    base = preset_config("nano", 356)
    q3, g3 = fresh_config(base, "qwen3"), fresh_config(base, "gemma3")
    assert q3.qk_norm and not q3.qkv_bias and q3.head_dim == 64
    assert g3.post_norms and g3.embed_scale and g3.ffn_act == "gelu_tanh" and g3.sliding_window == 8
    assert fresh_config(base, "qwen2").qkv_bias
    sd = state_to_gguf(LlamaModel(g3))
    assert "blk.0.post_ffw_norm.weight" in sd and "blk.2.attn_k_norm.weight" in sd and "output.weight" not in sd


def test_llama3_rope_freqs_and_linear_scaling_roundtrip_and_matter(tmp_path: Path, template: str) -> None:
    from dataclasses import replace

    out = tmp_path / "l3.gguf"
    init_model("nano", str(out), seed=3, chat_template=template, init_scale=3, rope_freqs=True)
    m, r = load_model(out)
    assert m.config.rope_freq_factors and m.config.rope_scale == 2.0
    assert "rope_freqs.weight" in {t.name for t in r.tensors}
    assert cast(torch.Tensor, m.rope_freqs)[-1] == 8.0
    x = torch.randint(0, m.config.vocab_size, (1, 30))
    m.eval()
    with torch.no_grad():
        ref = m(x)
        for change in ({"rope_freq_factors": False}, {"rope_scale": 1.0}):
            other = LlamaModel(replace(m.config, **change))
            other.load_state_dict({k: v for k, v in m.state_dict().items() if k in other.state_dict()})
            other.eval()
            assert (other(x) - ref).abs().max() > 1e-3, change
