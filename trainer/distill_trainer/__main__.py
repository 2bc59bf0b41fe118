"""``python -m distill_trainer <command>``: init | train | logits | presets.

Every command prints JSON lines on stdout; a failure prints one ``{"type":"error",…}`` line and exits non-zero.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from . import protocol
from .errors import WorkerError


def _template(args: argparse.Namespace) -> str:
    if getattr(args, "chat_template_file", None):
        return Path(args.chat_template_file).read_text(encoding="utf-8")
    from .template import template_from_ts

    return template_from_ts()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="distill_trainer")
    sub = p.add_subparsers(dest="cmd", required=True)
    pi = sub.add_parser("init", help="write a fresh preset model as F32 GGUF")
    pi.add_argument("--preset", required=True)
    pi.add_argument("--out", required=True)
    pi.add_argument("--seed", type=int, default=0)
    pi.add_argument("--name")
    pi.add_argument("--context-length", type=int, default=1024)
    pi.add_argument("--chat-template-file")
    pi.add_argument("--init-scale", type=float, default=1.0, help="multiply the init std (parity tests)")
    pi.add_argument("--rope-freqs", action="store_true", help="Llama-3-style rope_freqs + linear scaling (tests)")
    pi.add_argument(
        "--arch",
        default="llama",
        help="llama (default), qwen2, qwen3 or gemma3: a tiny model with that architecture's features",
    )
    pt = sub.add_parser("train", help="SFT from a worker config JSON")
    pt.add_argument("--config", required=True)
    pl = sub.add_parser("logits", help="next-token logits of a GGUF for token ids (parity checks)")
    pl.add_argument("--model", required=True)
    pl.add_argument("--tokens", required=True, help="comma-separated token ids")
    pl.add_argument("--argmax", action="store_true", help="print only the argmax token per position")
    pc = sub.add_parser("convert", help="write a GGUF (any supported type) back as F32: the dequantized model")
    pc.add_argument("--model", required=True)
    pc.add_argument("--out", required=True)
    sub.add_parser("presets", help="list presets with parameter counts")
    pb = sub.add_parser("bench", help="training throughput of a preset vs measured matmul GFLOPS")
    pb.add_argument("--preset", default="")
    pb.add_argument("--base", default="", help="a base GGUF instead of a preset")
    pb.add_argument("--lora-rank", type=int, default=0)
    pb.add_argument("--steps", type=int, default=5)
    pb.add_argument("--seq-len", type=int, default=256)
    pb.add_argument("--batch-tokens", type=int, default=4096)
    pb.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    try:
        if args.cmd == "init":
            from .init_model import init_model

            res = init_model(
                args.preset,
                args.out,
                seed=args.seed,
                chat_template=_template(args),
                name=args.name,
                context_length=args.context_length,
                arch=args.arch,
                init_scale=args.init_scale,
                rope_freqs=args.rope_freqs,
            )
            protocol.emit("done", **res)
        elif args.cmd == "train":
            from .train import run_from_config

            return run_from_config(args.config)
        elif args.cmd == "logits":
            from .inspect_model import logits_command

            logits_command(args.model, [int(x) for x in args.tokens.split(",") if x], argmax=args.argmax)
        elif args.cmd == "convert":
            from .inspect_model import convert_command

            convert_command(args.model, args.out)
        elif args.cmd == "bench":
            from .bench import bench

            protocol.emit(
                "done",
                **bench(
                    args.preset or args.base,
                    args.steps,
                    args.seq_len,
                    args.batch_tokens,
                    args.threads,
                    base=args.base,
                    lora_rank=args.lora_rank,
                ),
            )
        elif args.cmd == "presets":
            from .presets import PRESETS, count_params, preset_config
            from .vocab import build_char_vocab

            n = len(build_char_vocab())
            for name in PRESETS:
                c = preset_config(name, n)
                protocol.emit("preset", name=name, params=count_params(c), config=c.to_dict())
        return 0
    except WorkerError as e:
        protocol.emit_error(e.to_json())
        return e.exit_code
    except KeyboardInterrupt:
        protocol.emit_error({"type": "error", "code": "E_ABORTED", "message": "interrupted"})
        return 130
    except Exception as e:  # last line of defence: report, do not crash silently
        protocol.emit_error(
            {
                "type": "error",
                "code": "E_WORKER",
                "message": f"{type(e).__name__}: {e}",
                "hint": "this is a bug in the training worker; the traceback is on stderr",
            }
        )
        traceback.print_exc(file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
