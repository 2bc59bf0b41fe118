"""Distill's PyTorch training worker: llama-architecture models, SFT, GGUF in and out.

Run as ``python -m distill_trainer <command>``; see ``__main__.py``. Progress and errors are JSON lines on
stdout (``protocol.py``), which the TypeScript side (``src/train/``) reads.
"""

__version__ = "0.1.0"
