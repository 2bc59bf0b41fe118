"""One place that makes a training run repeatable: seeds every generator and asks torch for deterministic kernels.

On CPU, torch's kernels are deterministic for a fixed thread count; the thread count itself changes the order of
floating-point reductions, so it is recorded in the output's metadata (``distill.threads``) to compare runs.
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch


def make_deterministic(seed: int, threads: int) -> int:
    """Seed Python, NumPy and torch; deterministic algorithms (warn-only where none exists). Returns the threads."""
    if threads > 0:
        torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    # cuBLAS needs this to be deterministic; harmless on CPU.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)
    return torch.get_num_threads()
