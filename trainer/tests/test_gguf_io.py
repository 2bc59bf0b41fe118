from pathlib import Path

import gguf
import numpy as np
import torch

from distill_trainer.gguf_io import load_model, save_model, state_to_gguf
from distill_trainer.model import Block, LlamaModel
from distill_trainer.presets import ModelConfig
from distill_trainer.vocab import USER_DEFINED, build_char_vocab


def test_fresh_model_has_vocab_template_and_provenance(nano_gguf: Path, template: str) -> None:
    r = gguf.GGUFReader(nano_gguf)
    tokens = r.fields["tokenizer.ggml.tokens"].contents()
    types = r.fields["tokenizer.ggml.token_type"].contents()
    assert tokens[:3] == ["<unk>", "<s>", "</s>"]
    assert tokens[3] == "<0x00>" and tokens[258] == "<0xFF>"
    for special in ("<think>", "</think>"):
        assert types[tokens.index(special)] == USER_DEFINED
    assert r.fields["tokenizer.chat_template"].contents() == template
    assert "{% if add_generation_prompt %}Assistant: <think>" in template
    assert r.fields["distill.preset"].contents() == "nano"
    assert r.fields["general.architecture"].contents() == "llama"


def test_save_load_roundtrip_is_exact_and_keeps_metadata(nano_gguf: Path, tmp_path: Path) -> None:
    model, reader = load_model(nano_gguf)
    out = tmp_path / "copy.gguf"
    save_model(out, model, name="copy", metadata={"trained_steps": 3}, source=reader)
    again, r2 = load_model(out)
    for (n1, p1), (_, p2) in zip(model.state_dict().items(), again.state_dict().items(), strict=True):
        assert torch.equal(p1, p2), n1
    assert r2.fields["tokenizer.ggml.tokens"].contents() == reader.fields["tokenizer.ggml.tokens"].contents()
    assert r2.fields["tokenizer.chat_template"].contents() == reader.fields["tokenizer.chat_template"].contents()
    assert r2.fields["general.name"].contents() == "copy"
    assert r2.fields["distill.trained_steps"].contents() == 3
    assert not (tmp_path / "copy.gguf.partial").exists()


def _write_half(path: Path, model: LlamaModel, src: gguf.GGUFReader, kind: str) -> None:
    w = gguf.GGUFWriter(path, model.config.arch)
    for name, f in src.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        vt = f.types[0]
        w.add_key_value(name, f.contents(), vt, f.types[-1] if vt == gguf.GGUFValueType.ARRAY else None)
    for g, t in state_to_gguf(model).items():
        if kind == "f16":
            w.add_tensor(g, t.numpy().astype(np.float16))
        else:
            raw = (t.contiguous().view(torch.int32) >> 16).to(torch.int16).numpy().view(np.uint16)
            w.add_tensor(g, raw, raw_dtype=gguf.GGMLQuantizationType.BF16)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def test_loads_f16_and_bf16_bases(nano_gguf: Path, tmp_path: Path) -> None:
    model, reader = load_model(nano_gguf)
    for kind, tol in (("f16", 1e-3), ("bf16", 1e-2)):
        path = tmp_path / f"{kind}.gguf"
        _write_half(path, model, reader, kind)
        half, _ = load_model(path)
        for (n, a), (_, b) in zip(model.state_dict().items(), half.state_dict().items(), strict=True):
            assert torch.allclose(a, b, atol=tol, rtol=tol), (kind, n)


def test_qwen2_style_model_roundtrips_with_bias_and_tied_embeddings(tmp_path: Path, template: str) -> None:
    v = build_char_vocab()
    c = ModelConfig(
        vocab_size=len(v),
        dim=32,
        n_layers=2,
        n_heads=4,
        n_kv_heads=2,
        ffn_dim=64,
        arch="qwen2",
        tie_embeddings=True,
        qkv_bias=True,
    )
    m = LlamaModel(c)
    m.init_weights(1)
    block = m.layers[0]
    assert isinstance(block, Block)
    with torch.no_grad():
        block.attn.wqkv.bias.normal_()
    out = tmp_path / "q.gguf"
    save_model(out, m, name="q", metadata={}, vocab=v, chat_template=template)
    m2, r = load_model(out)
    assert m2.config.arch == "qwen2" and m2.config.tie_embeddings and m2.config.qkv_bias
    x = torch.randint(0, len(v), (1, 12))
    assert torch.allclose(m(x), m2(x))
    assert "output.weight" not in {t.name for t in r.tensors}
