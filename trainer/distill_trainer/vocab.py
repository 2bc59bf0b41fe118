"""The character-level SentencePiece-style vocab that Distill stores in every fresh GGUF (REFERENCE.md §5).

Layout: ``<unk>``, ``<s>``, ``</s>``, 256 byte tokens ``<0x00>``..``<0xFF>``, printable ASCII as normal tokens
(space is ``▁`` as in SentencePiece), then ``<think>`` and ``</think>`` as user-defined single tokens.
llama.cpp's SPM tokenizer then encodes any text: ASCII per character, everything else through byte fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

# llama.cpp token types (llama_token_type)
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

SPACE = "\u2581"


@dataclass(frozen=True)
class Vocab:
    tokens: list[str]
    scores: list[float]
    types: list[int]
    unk_id: int = 0
    bos_id: int = 1
    eos_id: int = 2

    def __len__(self) -> int:
        return len(self.tokens)


def build_char_vocab() -> Vocab:
    tokens: list[str] = ["<unk>", "<s>", "</s>"]
    types: list[int] = [UNKNOWN, CONTROL, CONTROL]
    for b in range(256):
        tokens.append(f"<0x{b:02X}>")
        types.append(BYTE)
    for c in range(0x20, 0x7F):
        tokens.append(SPACE if c == 0x20 else chr(c))
        types.append(NORMAL)
    for special in ("<think>", "</think>"):
        tokens.append(special)
        types.append(USER_DEFINED)
    # SPM merges by score; with single characters only, scores just need to be distinct and finite.
    scores = [0.0 if t != NORMAL else -float(i) for i, t in enumerate(types)]
    return Vocab(tokens=tokens, scores=scores, types=types)
