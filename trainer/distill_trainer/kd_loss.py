"""Logit-level distillation losses on a teacher's top-K next-token distribution.

The teacher gives, per target position, its K most likely token ids and their log-probabilities (at temperature 1,
full-vocabulary softmax). The rest of its probability mass, ``1 - sum(top-K)``, is kept as one explicit "rest"
bucket, so both distributions are proper distributions over the same K + 1 buckets:

- teacher: the K probabilities, plus the rest (floored at ``REST_FLOOR`` and renormalised, because rounding can make
  the top-K sum to just over 1);
- student: its probabilities of the same K ids (log-softmax over the whole vocabulary), plus the exact sum of all
  its other tokens (a masked logsumexp).

Temperature ``T`` (Hinton): the student's logits are divided by ``T`` before the softmax; the teacher's bucket
log-probabilities are divided by ``T`` and renormalised (its tail is one bucket, so this tempers the rest as a whole).
Losses are multiplied by ``T²`` so gradients keep their scale.

Generalized JSD (GKD, TRL's convention): ``beta = 0`` is forward KL(teacher‖student), ``beta = 1`` reverse
KL(student‖teacher), in between ``beta·KL(teacher‖M) + (1-beta)·KL(student‖M)`` with ``M = beta·teacher +
(1-beta)·student``.

Padding: a top-K id below 0 marks an unused slot (its log-probability is ignored); the student's mass on that id
stays in the rest bucket.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

REST_FLOOR = 1e-6
# Log-probability of an unused slot: exp() is exactly 0 in float32, yet every difference and gradient stays finite
# (-inf would turn 0·(-inf - -inf) into NaN gradients).
EMPTY = -1e4
KD_MODES = ("sft", "forward-kl", "on-policy")


def bucket_logprobs(
    student_logits: torch.Tensor, top_ids: torch.Tensor, teacher_logprobs: torch.Tensor, temperature: float = 1.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """(student, teacher) log-probabilities over K + 1 buckets, shape ``(N, K+1)``; the last bucket is the rest.

    ``student_logits``: (N, V); ``top_ids``: (N, K) int (-1 = unused slot); ``teacher_logprobs``: (N, K).
    """
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    valid = top_ids >= 0
    ids = top_ids.clamp(min=0).long()
    s_lp = F.log_softmax(student_logits.float() / temperature, dim=-1)
    s_top = s_lp.gather(-1, ids).masked_fill(~valid, EMPTY)
    in_top = torch.zeros_like(s_lp, dtype=torch.bool).scatter(-1, ids, valid)
    s_rest = s_lp.masked_fill(in_top, EMPTY).logsumexp(-1, keepdim=True)
    student = torch.cat([s_top, s_rest], dim=-1)

    t_top = teacher_logprobs.float().masked_fill(~valid, EMPTY)
    top_mass = t_top.exp().sum(-1, keepdim=True)
    t_rest = torch.log((1.0 - top_mass).clamp(min=REST_FLOOR))
    teacher = torch.cat([t_top, t_rest], dim=-1)
    teacher = F.log_softmax(teacher / temperature, dim=-1)  # renormalises (T = 1) and tempers (T ≠ 1)
    teacher = teacher.masked_fill(torch.cat([~valid, torch.zeros_like(valid[:, :1])], dim=-1), EMPTY)
    return student, teacher


def _kl(p_log: torch.Tensor, q_log: torch.Tensor) -> torch.Tensor:
    """KL(p‖q) per row over buckets (an empty bucket, p = 0, adds exactly 0)."""
    return (p_log.exp() * (p_log - q_log)).sum(-1)


def forward_kl(
    student_logits: torch.Tensor, top_ids: torch.Tensor, teacher_logprobs: torch.Tensor, temperature: float = 1.0
) -> torch.Tensor:
    """KL(teacher‖student) per position over the K + 1 buckets, times T². Shape (N,)."""
    s, t = bucket_logprobs(student_logits, top_ids, teacher_logprobs, temperature)
    return _kl(t, s) * temperature**2


def generalized_jsd(
    student_logits: torch.Tensor,
    top_ids: torch.Tensor,
    teacher_logprobs: torch.Tensor,
    beta: float,
    temperature: float = 1.0,
) -> torch.Tensor:
    """Generalized JSD per position (beta 0 = forward KL, 1 = reverse KL), times T². Shape (N,)."""
    if not 0.0 <= beta <= 1.0:
        raise ValueError("beta must be in [0, 1]")
    s, t = bucket_logprobs(student_logits, top_ids, teacher_logprobs, temperature)
    if beta == 0.0:
        out = _kl(t, s)
    elif beta == 1.0:
        out = _kl(s, t)
    else:
        m = torch.logsumexp(torch.stack([t + math.log(beta), s + math.log(1 - beta)]), dim=0)
        out = beta * _kl(t, m) + (1 - beta) * _kl(s, m)
    return out * temperature**2


def kd_token_loss(
    mode: str,
    student_logits: torch.Tensor,
    targets: torch.Tensor,
    top_ids: torch.Tensor | None,
    teacher_logprobs: torch.Tensor | None,
    *,
    alpha: float = 1.0,
    beta: float = 0.0,
    temperature: float = 1.0,
) -> torch.Tensor:
    """Per-position loss (N,): ``alpha·KD + (1-alpha)·CE`` (``sft``: CE only).

    ``forward-kl`` uses forward KL; ``on-policy`` uses the generalized JSD with ``beta``.
    """
    ce = F.cross_entropy(student_logits.float(), targets, reduction="none")
    if mode == "sft":
        return ce
    if top_ids is None or teacher_logprobs is None:
        raise ValueError(f"--kd {mode} needs the teacher's top-K scores")
    if mode == "forward-kl":
        kd = forward_kl(student_logits, top_ids, teacher_logprobs, temperature)
    elif mode == "on-policy":
        kd = generalized_jsd(student_logits, top_ids, teacher_logprobs, beta, temperature)
    else:
        raise ValueError(f"unknown kd mode {mode!r}; one of {', '.join(KD_MODES)}")
    if alpha >= 1.0:
        return kd
    return alpha * kd + (1 - alpha) * ce
