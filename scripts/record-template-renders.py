"""Record what Python jinja2 renders for each stored chat template, the way transformers' apply_chat_template
compiles it (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, raise_exception,
strftime_now, tojson with ensure_ascii=False). `tools` and `documents` are left undefined (Distill sends no tools;
transformers passes `tools=None`, which only the llama.cpp rewrite of Phi-4-mini's template tells apart).
strftime_now is frozen at 2026-01-15 so the renders are reproducible.

Run once after adding a fixture: python3 scripts/record-template-renders.py  (needs jinja2 >= 3.1)
Writes src/runtime/fixtures/templates/expected.json.
"""

import json
from datetime import datetime
from pathlib import Path

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = Path(__file__).resolve().parent.parent / "src" / "runtime" / "fixtures" / "templates"
NOW = datetime(2026, 1, 15, 9, 30, 0)

TOKENS = {
    "deepseek-r1-distill-qwen-2501": ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"),
    "deepseek-r1-distill-qwen": ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"),
    "qwen3-hybrid": ("", "<|im_end|>"),
    "qwen3-4b-thinking-2507": ("", "<|im_end|>"),
    "smollm2-135m-instruct": ("<|im_start|>", "<|im_end|>"),
    "llama-3.2-instruct": ("<|begin_of_text|>", "<|eot_id|>"),
    "gemma-3-it": ("<bos>", "<eos>"),
    "phi-4-mini-instruct": ("<|endoftext|>", "<|endoftext|>"),
    "gpt-oss-20b": ("<|startoftext|>", "<|return|>"),
    "distill-student-v1": ("<s>", "</s>"),
}

CASES = {
    "one-user": [{"role": "user", "content": "What is 2+2?"}],
    "system-user": [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Name a prime above 10."},
    ],
    "history-with-thinking": [
        {"role": "user", "content": "a"},
        {"role": "assistant", "content": "<think>\nold thoughts\n</think>\n\nold answer"},
        {"role": "user", "content": "b  "},
    ],
    "unicode": [{"role": "user", "content": "Ünïcödé ✓ — 数学 \"quotes\" {braces}"}],
}


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def env():
    e = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    e.filters["tojson"] = tojson
    e.globals["raise_exception"] = raise_exception
    e.globals["strftime_now"] = lambda fmt: NOW.strftime(fmt)
    return e


def main():
    out = []
    e = env()
    for name, (bos, eos) in TOKENS.items():
        tmpl = e.from_string((HERE / f"{name}.jinja").read_text())
        for case, messages in CASES.items():
            for add_gen in (True, False):
                for thinking in (None, False):
                    if thinking is not None and not add_gen:
                        continue
                    kwargs = dict(messages=messages, add_generation_prompt=add_gen, bos_token=bos, eos_token=eos)
                    if thinking is not None:
                        kwargs["enable_thinking"] = thinking
                    try:
                        text, error = tmpl.render(**kwargs), None
                    except jinja2.exceptions.TemplateError as err:
                        text, error = None, str(err)
                    out.append(
                        {
                            "template": name,
                            "case": case,
                            "addGenerationPrompt": add_gen,
                            "enableThinking": thinking,
                            "bos": bos,
                            "eos": eos,
                            "text": text,
                            "error": error,
                        }
                    )
    (HERE / "expected.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(out)} renders from jinja2 {jinja2.__version__}")


if __name__ == "__main__":
    main()
