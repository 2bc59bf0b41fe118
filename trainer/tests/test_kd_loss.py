"""KD losses against values worked out by hand on a 4-token vocabulary."""

import math

import pytest
import torch

from distill_trainer.kd_loss import bucket_logprobs, forward_kl, generalized_jsd, kd_token_loss

# Student softmax = [0.1, 0.2, 0.3, 0.4]; the teacher's top-2 are token 3 (0.5) and token 2 (0.3), rest 0.2.
Z = torch.log(torch.tensor([[1.0, 2.0, 3.0, 4.0]]))
IDS = torch.tensor([[3, 2]])
LP = torch.log(torch.tensor([[0.5, 0.3]]))
T_B = [0.5, 0.3, 0.2]  # teacher buckets (top-2 + rest)
S_B = [0.4, 0.3, 0.3]  # student buckets


def kl(p: list[float], q: list[float]) -> float:
    return sum(a * math.log(a / b) for a, b in zip(p, q, strict=False) if a > 0)


def test_buckets_hold_top_k_and_an_explicit_rest() -> None:
    s, t = bucket_logprobs(Z, IDS, LP)
    assert s.exp().tolist()[0] == pytest.approx(S_B, abs=1e-6)
    assert t.exp().tolist()[0] == pytest.approx(T_B, abs=1e-6)


def test_forward_kl_matches_the_hand_value() -> None:
    # 0.5·ln(0.5/0.4) + 0.3·ln(0.3/0.3) + 0.2·ln(0.2/0.3) = 0.030479
    assert float(forward_kl(Z, IDS, LP)) == pytest.approx(0.030479, abs=1e-5)
    assert float(forward_kl(Z, IDS, LP)) == pytest.approx(kl(T_B, S_B), abs=1e-6)


def test_generalized_jsd_endpoints_and_midpoint() -> None:
    assert float(generalized_jsd(Z, IDS, LP, beta=0.0)) == pytest.approx(kl(T_B, S_B), abs=1e-6)
    # reverse KL: 0.4·ln(0.4/0.5) + 0.3·ln(0.3/0.2) = 0.032382
    assert float(generalized_jsd(Z, IDS, LP, beta=1.0)) == pytest.approx(0.032382, abs=1e-5)
    m = [0.5 * a + 0.5 * b for a, b in zip(T_B, S_B, strict=False)]  # [0.45, 0.3, 0.25]
    want = 0.5 * kl(T_B, m) + 0.5 * kl(S_B, m)
    assert float(generalized_jsd(Z, IDS, LP, beta=0.5)) == pytest.approx(want, abs=1e-6)
    m = [0.9 * a + 0.1 * b for a, b in zip(T_B, S_B, strict=False)]
    assert float(generalized_jsd(Z, IDS, LP, beta=0.9)) == pytest.approx(0.9 * kl(T_B, m) + 0.1 * kl(S_B, m), abs=1e-6)


def test_temperature_tempers_both_sides_and_scales_by_t_squared() -> None:
    s = [math.sqrt(x) for x in (1, 2, 3, 4)]
    s = [v / sum(s) for v in s]
    s_b = [s[3], s[2], s[0] + s[1]]
    t = [math.sqrt(x) for x in T_B]
    t_b = [v / sum(t) for v in t]
    assert float(forward_kl(Z, IDS, LP, temperature=2.0)) == pytest.approx(4 * kl(t_b, s_b), abs=1e-6)


def test_unused_slots_are_ignored_and_their_mass_stays_in_the_rest() -> None:
    ids = torch.tensor([[3, -1]])
    lp = torch.log(torch.tensor([[0.5, 0.9]]))  # the padded slot's value must not count
    want = 0.5 * math.log(0.5 / 0.4) + 0.5 * math.log(0.5 / 0.6)
    assert float(forward_kl(Z, ids, lp)) == pytest.approx(want, abs=1e-6)


def test_top_k_summing_over_one_is_floored_and_renormalised() -> None:
    lp = torch.log(torch.tensor([[0.7, 0.31]]))
    _, t = bucket_logprobs(Z, IDS, lp)
    p = t.exp()[0]
    assert float(p.sum()) == pytest.approx(1.0, abs=1e-6)
    assert float(p[2]) > 0 and float(p[2]) < 1e-5
    assert float(p[0] / p[1]) == pytest.approx(0.7 / 0.31, rel=1e-5)


def test_alpha_mixes_kd_with_token_cross_entropy() -> None:
    target = torch.tensor([3])
    got = kd_token_loss("forward-kl", Z, target, IDS, LP, alpha=0.25)
    assert float(got) == pytest.approx(0.25 * kl(T_B, S_B) + 0.75 * -math.log(0.4), abs=1e-6)
    assert float(kd_token_loss("sft", Z, target, None, None)) == pytest.approx(-math.log(0.4), abs=1e-6)
    with pytest.raises(ValueError):
        kd_token_loss("forward-kl", Z, target, None, None)


def test_zero_when_the_student_matches_and_gradients_stay_finite() -> None:
    # Student equal to the teacher on the buckets: loss 0 for every beta.
    z = torch.log(torch.tensor([[0.1, 0.1, 0.3, 0.5]]))
    for beta in (0.0, 0.5, 1.0):
        assert float(generalized_jsd(z, IDS, LP, beta=beta)) == pytest.approx(0.0, abs=1e-6)
    ids = torch.tensor([[3, -1], [0, 1]])
    lp = torch.log(torch.tensor([[0.5, 0.1], [0.6, 0.4]]))  # second row: top-2 cover everything (rest ~ 0)
    for beta in (0.0, 0.3, 1.0):
        z = torch.randn(2, 4, requires_grad=True)
        generalized_jsd(z, ids, lp, beta=beta, temperature=1.5).sum().backward()
        assert z.grad is not None and torch.isfinite(z.grad).all()
