"""Smoothing vs regularisation: each fast formula against the plain one, Newton against gradient descent."""

import math

import pytest
import torch

from bigram_core import BigramError, dataset_nll, init_weights, load_bundled, probabilities, probs, train
from bigram_core.counts import uniform
from bigram_core.neural import count_loss_and_grad
from bigram_core.regularisation import (
    correspondence,
    fake_counts,
    k_grid,
    matching_k,
    mean_kl,
    newton_direction,
    smoothed_probs,
    smoothing_nll,
    sweep_reg,
    train_to_convergence,
    uniform_nll,
)

REGS = [m * 10.0**e for e in range(-4, 3) for m in (1, 2, 5)]  # 10⁻⁴ … 500, the 1-2-5 steps


@pytest.fixture(scope="module")
def N():
    """The bundled list's counts: always here, so these tests never skip."""
    return load_bundled().counts


@pytest.fixture(scope="module")
def sweep(N):
    return sweep_reg(N, REGS)


@pytest.mark.parametrize("k", [0, 0.01, 0.5, 1, 10, 1e4])
def test_smoothing_nll_equals_dataset_nll(N, k):
    assert smoothing_nll(N, [k]).item() == pytest.approx(dataset_nll(probabilities(N, k), N).nll, abs=1e-6)


def test_smoothing_nll_vectorised_equals_one_k_at_a_time(N):
    ks = [0.0, 0.1, 1.0, 100.0]
    assert smoothing_nll(N, ks).tolist() == pytest.approx([smoothing_nll(N, [k]).item() for k in ks], abs=1e-12)


def test_smoothed_probs_equal_probabilities(N):
    ks = [0, 0.5, 1, 1000]
    P = smoothed_probs(N, ks)
    assert P.shape == (len(ks), 27, 27) and P.dtype == torch.float64
    for P_k, k in zip(P, ks):
        assert torch.allclose(P_k.float(), probabilities(N, k), atol=1e-7)


def test_lecture_counts_nll(lecture_N):
    assert round(smoothing_nll(lecture_N, [0]).item(), 3) == 2.454
    assert math.isfinite(smoothing_nll(lecture_N, [0]).item())  # only the data's own bigrams are scored


def test_smoothing_costs_training_nll(N):
    nll = smoothing_nll(N, k_grid(-2, 4, 10))
    assert (nll.diff() > 0).all()  # every fake count takes probability from the bigrams that did occur


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
def test_bad_k_is_a_sentence(N, bad):
    with pytest.raises(BigramError, match="Smoothing k"):
        smoothing_nll(N, [1, bad])


@pytest.mark.parametrize("reg", [0.01, 1.0])
def test_newton_direction_equals_dense_hessian_solve(N, reg):
    W = init_weights(27).double()
    _, _, grad = count_loss_and_grad(W, N, reg)
    H = torch.autograd.functional.hessian(lambda w: count_loss_and_grad(w.view(27, 27), N, reg)[0], W.flatten())
    dense = torch.linalg.solve(H, grad.flatten()).view(27, 27)
    assert torch.allclose(newton_direction(W, N, reg, grad), dense, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("reg, steps", [(0.1, 3000), (1.0, 500)])
def test_newton_reaches_what_gradient_descent_reaches(N, reg, steps):
    W = init_weights(27, init="zeros")
    records = list(train(W, N, steps, lr=50, reg=reg))  # the lecture's training, run long enough to settle
    run = train_to_convergence(N, reg)
    assert run.steps < 20
    assert run.loss == pytest.approx(records[-1].loss, abs=1e-6)
    assert torch.allclose(probs(run.W).float(), probs(W), atol=1e-6)


@pytest.mark.parametrize("reg", [1e-4, 0.01, 10.0])
def test_converged_gradient_is_zero(N, reg):
    run = train_to_convergence(N, reg)
    assert count_loss_and_grad(run.W, N, reg)[2].abs().max() < 1e-9


@pytest.mark.parametrize("reg", [1e-4, 0.01, 10.0])
def test_init_does_not_matter(N, reg):
    """The loss is strictly convex for λ > 0: randn and zeros reach one minimum."""
    from_randn = train_to_convergence(N, reg, init_weights(27))
    from_zeros = train_to_convergence(N, reg)
    one_step = train_to_convergence(N, reg, init_weights(27), max_steps=1)
    assert (probs(one_step.W) - probs(from_zeros.W)).abs().max() > 1e-3  # the two starts really differ
    assert torch.allclose(probs(from_randn.W), probs(from_zeros.W), atol=1e-9)


def test_tiny_reg_reaches_the_counts_model(lecture_N):
    """The lecture's point: as λ → 0 the net's softmax(W) becomes the counts' P at k = 0."""
    P0 = probabilities(lecture_N, 0).double()
    gaps = [(probs(train_to_convergence(lecture_N, reg).W) - P0).abs().max().item() for reg in (1e-4, 1e-6, 1e-8)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-6
    assert train_to_convergence(lecture_N, 1e-8).data_nll == pytest.approx(
        smoothing_nll(lecture_N, [0]).item(), abs=1e-7
    )


def test_uniform_limit(N):
    V = N.shape[0]
    assert round(uniform_nll(27), 4) == 3.2958
    assert uniform_nll(V) == pytest.approx(dataset_nll(uniform(V), N).nll, abs=1e-6)
    assert smoothing_nll(N, [1e9]).item() == pytest.approx(uniform_nll(V), abs=1e-5)
    assert torch.allclose(smoothed_probs(N, [1e9])[0], torch.full((V, V), 1 / V, dtype=torch.float64), atol=1e-9)
    run = train_to_convergence(N, 1e9)
    assert run.data_nll == pytest.approx(uniform_nll(V), abs=1e-6)
    assert torch.allclose(probs(run.W), torch.full((V, V), 1 / V, dtype=torch.float64), atol=1e-8)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_reg_must_be_positive(N, bad):
    with pytest.raises(BigramError, match="λ must be a number > 0"):
        train_to_convergence(N, bad)


def test_empty_sweep_is_a_sentence(N):
    with pytest.raises(BigramError, match="at least one"):
        sweep_reg(N, [])


def test_warm_started_sweep_equals_cold_starts(N, sweep):
    assert sweep.regs == tuple(sorted(REGS)) and sweep.W.shape == (len(REGS), 27, 27)
    for reg, P in zip(sweep.regs, sweep.net_probs()):
        assert torch.allclose(P, probs(train_to_convergence(N, reg).W), atol=1e-9)
    assert max(sweep.steps) <= 6  # each λ starts next to its minimum


def test_regularisation_costs_training_nll(N, sweep):
    nll = sweep.data_nll
    assert (nll.diff() > 0).all()
    assert smoothing_nll(N, [0]).item() < nll[0] < nll[-1] < uniform_nll(27)


def test_mean_kl_is_zero_only_for_equal_rows(N):
    P = smoothed_probs(N, [0, 1])
    assert mean_kl(P[1], P[1]).item() == pytest.approx(0, abs=1e-15)
    by_hand = (
        sum(sum(p * math.log(p / q) for p, q in zip(P[0, i].tolist(), P[1, i].tolist()) if p > 0) for i in range(27))
        / 27
    )
    assert mean_kl(P[0], P[1]).item() == pytest.approx(by_hand, rel=1e-12) and by_hand > 0


def test_matching_k_equals_brute_force(N, sweep):
    ks = k_grid(-2, 5, 10)
    match = matching_k(N, sweep.net_probs(), ks)
    for layer, P_net in enumerate(sweep.net_probs()):
        kls = [mean_kl(smoothed_probs(N, [k])[0], P_net).item() for k in ks]
        best = min(range(len(ks)), key=kls.__getitem__)
        assert match.k[layer].item() == ks[best]
        assert match.kl[layer].item() == pytest.approx(kls[best], rel=1e-6, abs=1e-14)


def test_matching_k_increases_with_reg(N, sweep):
    k = matching_k(N, sweep.net_probs()).k
    assert (k.diff() > 0).all()  # strictly, even on the 1-2-5 steps: more λ always means more fake counts
    fine = sweep_reg(N, torch.logspace(-4, 3, 36).tolist())  # 5 a decade, finer than 1-2-5
    assert (matching_k(N, fine.net_probs()).k.diff() >= 0).all()


def test_lecture_reg_acts_like_five_fake_counts(lecture_N):
    P_net = probs(train_to_convergence(lecture_N, 0.01).W)
    assert 5.0 < matching_k(lecture_N, P_net[None]).k.item() < 5.5


@pytest.mark.parametrize("reg", [100.0, 500.0])
def test_large_reg_is_fake_counts(N, sweep, reg):
    """For large λ the match approaches k = 2Bλ/V², to within the grid's 2.3 % steps."""
    k = matching_k(N, sweep.net_probs()).k[sweep.regs.index(reg)].item()
    assert k == pytest.approx(fake_counts(N, reg), rel=0.03)


def test_fake_counts_on_the_lecture(lecture_N):
    assert fake_counts(lecture_N, 1.0) == pytest.approx(2 * 228146 / 729)


def test_correspondence_is_its_parts(N):
    c = correspondence(N, [1.0, 0.01], [0.0, 5.0])
    assert c.sweep.regs == (0.01, 1.0) and torch.equal(c.sweep.W, sweep_reg(N, [0.01, 1.0]).W)
    assert torch.equal(c.match.k, matching_k(N, c.sweep.net_probs()).k)
    assert torch.equal(c.curve_nll, smoothing_nll(N, [0.0, 5.0]))
    assert torch.equal(c.matched_nll, smoothing_nll(N, c.match.k.tolist()))
