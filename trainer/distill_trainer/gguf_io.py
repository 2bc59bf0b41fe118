"""GGUF in and out: a ``LlamaModel`` from a GGUF file, and a GGUF file from a ``LlamaModel``.

Tensors are written as F32 with llama.cpp's names. When saving a model that came from a GGUF, every metadata
key of that file (tokenizer, chat template, architecture) is copied, so the output tokenises and chats exactly
like the input; only ``general.name``, ``general.file_type`` and the ``distill.*`` provenance keys change.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import gguf
import torch

from . import arch
from .arch import SUPPORTED_ARCHS, read_config
from .dequant import LoadSummary, check_types, to_float32
from .errors import WorkerError
from .model import LlamaModel
from .presets import ModelConfig
from .vocab import Vocab

__all__ = ["SUPPORTED_ARCHS", "gguf_tensor_names", "load_model", "read_config", "save_model", "state_to_gguf"]


def gguf_tensor_names(config: ModelConfig) -> list[str]:
    """The GGUF tensors of a model with this config, in llama.cpp's order."""
    return arch.gguf_tensor_names(config)


def state_to_gguf(model: LlamaModel, state: dict[str, torch.Tensor] | None = None) -> dict[str, torch.Tensor]:
    """PyTorch state (``model``'s own, or ``state``: e.g. LoRA-merged) → GGUF tensors."""
    return arch.state_to_gguf(model.config, state if state is not None else model.state_dict())


def gguf_to_state(c: ModelConfig, t: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return arch.gguf_to_state(c, t)


# ---------------------------------------------------------------- reading


def open_gguf(path: str | os.PathLike[str]) -> gguf.GGUFReader:
    try:
        return gguf.GGUFReader(path)
    except (OSError, ValueError, IndexError, KeyError) as e:
        raise WorkerError(
            "E_BAD_GGUF", f"cannot read GGUF {path}: {e}", "check the file is a complete GGUF model", exit_code=2
        ) from e


def load_model(path: str | os.PathLike[str], summary: LoadSummary | None = None) -> tuple[LlamaModel, gguf.GGUFReader]:
    """Build a ``LlamaModel`` with the weights of a GGUF file (F32/F16/BF16 or any type gguf can dequantize).

    Architecture and tensor types are checked before any tensor is read; ``summary`` collects what the file held
    and what the float32 weights take.
    """
    reader = open_gguf(path)
    config = read_config(reader)
    check_types(list(reader.tensors), str(path))
    model = LlamaModel(config)
    wanted = set(gguf_tensor_names(config))
    for t in reader.tensors:
        if t.name not in wanted:
            raise WorkerError(
                "E_BAD_GGUF",
                f"unexpected tensor {t.name} in {path} for a {config.arch} model",
                f"supported architectures: {', '.join(SUPPORTED_ARCHS)}",
                exit_code=2,
            )
    tensors: dict[str, torch.Tensor] = {}
    for t in reader.tensors:
        arr = to_float32(t)
        if summary is not None:
            summary.add(t, arr.size, 4)
        tensors[t.name] = torch.from_numpy(arr.copy())
    missing = wanted - set(tensors)
    if missing:
        raise WorkerError("E_BAD_GGUF", f"{path} lacks tensors {sorted(missing)[:3]}", exit_code=2)
    state = gguf_to_state(config, tensors)
    expected = model.state_dict()
    for k, v in state.items():
        if tuple(v.shape) != tuple(expected[k].shape):
            raise WorkerError(
                "E_BAD_GGUF", f"{k} has shape {tuple(v.shape)}, expected {tuple(expected[k].shape)}", exit_code=2
            )
    model.load_state_dict(state)
    return model, reader


# ---------------------------------------------------------------- writing

_SKIP_COPY = {"general.architecture", "general.name", "general.file_type"}


def _copy_fields(writer: gguf.GGUFWriter, reader: gguf.GGUFReader, skip: set[str]) -> None:
    for name, f in reader.fields.items():
        if name.startswith("GGUF.") or name in _SKIP_COPY or name in skip or name.startswith("distill."):
            continue
        vtype = f.types[0]
        sub = f.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(name, f.contents(), vtype, sub)


def _add_vocab(writer: gguf.GGUFWriter, vocab: Vocab, chat_template: str) -> None:
    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(vocab.tokens)
    writer.add_token_scores(vocab.scores)
    writer.add_token_types(vocab.types)
    writer.add_unk_token_id(vocab.unk_id)
    writer.add_bos_token_id(vocab.bos_id)
    writer.add_eos_token_id(vocab.eos_id)
    # The student template writes `<s>` itself; the tokenizer must not add a second one.
    writer.add_add_bos_token(False)
    writer.add_add_eos_token(False)
    writer.add_add_space_prefix(False)
    writer.add_chat_template(chat_template)


def save_model(
    path: str | os.PathLike[str],
    model: LlamaModel,
    *,
    name: str,
    metadata: dict[str, str | int | float],
    source: gguf.GGUFReader | None = None,
    vocab: Vocab | None = None,
    chat_template: str | None = None,
    state: dict[str, torch.Tensor] | None = None,
) -> None:
    """Write ``model`` as an F32 GGUF, atomically (``path.partial`` then rename).

    Metadata comes from ``source`` (a base GGUF) or, for a fresh model, from ``vocab`` + ``chat_template``.
    With a ``source``, a given ``chat_template`` replaces the source's (the template the data was rendered with).
    ``metadata`` keys are written under ``distill.``. ``state`` replaces the model's own (LoRA-merged weights).
    """
    c = model.config

    def write_keys(writer: gguf.GGUFWriter) -> None:
        writer.add_name(name)
        writer.add_file_type(gguf.LlamaFileType.ALL_F32)
        if source is not None:
            _copy_fields(writer, source, {"tokenizer.chat_template"} if chat_template else set())
            if chat_template:
                writer.add_chat_template(chat_template)
        else:
            if vocab is None or chat_template is None:
                raise ValueError("a fresh model needs vocab and chat_template")
            arch.write_arch_keys(writer, c)
            _add_vocab(writer, vocab, chat_template)
        add_distill_metadata(writer, metadata)

    write_gguf_atomically(path, c.arch, write_keys, state_to_gguf(model, state))


def write_gguf_atomically(
    path: str | os.PathLike[str],
    arch_name: str,
    write_keys: Callable[[gguf.GGUFWriter], None],
    tensors: dict[str, torch.Tensor],
) -> None:
    """Write a GGUF to ``<path>.partial`` (keys from ``write_keys``, then ``tensors``) and rename it into place, so a
    crash never leaves a half-written file at ``path``."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    writer = gguf.GGUFWriter(tmp, arch_name)
    write_keys(writer)
    for tname, tensor in tensors.items():
        writer.add_tensor(tname, tensor.numpy())
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(tmp, out)


def add_distill_metadata(writer: gguf.GGUFWriter, metadata: dict) -> None:
    """Write ``metadata`` as ``distill.*`` keys (strings, unsigned/signed integers, floats), sorted by key."""
    for k, v in sorted(metadata.items()):
        key = f"distill.{k}"
        if isinstance(v, (bool, str)):
            writer.add_string(key, str(v))
        elif isinstance(v, int):
            writer.add_uint64(key, v) if v >= 0 else writer.add_int64(key, v)
        else:
            writer.add_float64(key, float(v))
