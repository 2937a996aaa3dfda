"""L2 regularisation of the net plays the role of fake counts: smoothing k against regularisation λ.

The counts model smoothed with k fake counts per cell, P_k = (N + k) / rowsums, and the net trained to
convergence on NLL + λ·mean(W²), softmax(W_λ), both move from the data's own P (k = 0, λ → 0) to the
uniform 1/V (k, λ → ∞). Here: both loss curves, the net's minimiser at each λ, and the k matching each λ.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from .counts import check_smoothing
from .errors import BigramError
from .neural import count_loss_and_grad, probs

TOL = 1e-10  # stop when a step lowers the loss by less than this (float64, so well above rounding)
NEWTON_STEPS = 200  # a cap, not a budget: Newton takes under 50 steps from zeros or randn at λ = 1e-8 … 1e4


def uniform_nll(V: int) -> float:
    """NLL of the uniform model, every next character 1/V: log V (3.2958 for 27), where k, λ → ∞ lead."""
    return math.log(V)


def smoothing_nll(N: torch.Tensor, ks: Sequence[float]) -> torch.Tensor:
    """Training-set NLL of P_k = (N + k) / rowsums for each k of ks (K,) at once: shape (K,) float64.

    With n_i the row sums of N (V, V) and B = Σ n_i,
    NLL(k) = -(1/B) Σ_ij N_ij log((N_ij + k) / (n_i + V k)) = -(1/B) [Σ_ij N_ij log(N_ij + k) - Σ_i n_i log(n_i + V k)];
    only cells and rows with counts contribute, so k = 0 is finite (the unsmoothed counts' NLL).
    """
    k_values = torch.tensor([check_smoothing(k) for k in ks], dtype=torch.float64)[:, None]  # (K, 1)
    N = N.double()
    rows = N.sum(1)
    cells, rows = N[N > 0], rows[rows > 0]  # (nonzero cells,), (rows with counts,)
    log_likelihood = (cells * (cells + k_values).log()).sum(1) - (rows * (rows + N.shape[1] * k_values).log()).sum(1)
    return -log_likelihood / N.sum()


def check_reg(reg: float) -> float:
    """λ must be > 0 here: at λ = 0 the loss has no minimum (see train_to_convergence)."""
    if not (0 < reg < math.inf):
        raise BigramError(
            f"The regularisation strength λ must be a number > 0 to train to convergence; got {reg}. "
            "At λ = 0 the loss keeps falling as the logits of bigrams that never occur go to −∞."
        )
    return float(reg)


def newton_direction(W: torch.Tensor, N: torch.Tensor, reg: float, grad: torch.Tensor) -> torch.Tensor:
    """H⁻¹ grad for the loss NLL + reg·mean(W²) at W (V, V), grad its gradient (V, V): shape (V, V).

    The loss is a sum over rows, so H is block diagonal, one (V, V) block per row i:
    H_i = a_i (diag(p_i) - p_i p_iᵀ) + μ I = diag(d_i) - a_i p_i p_iᵀ, with p_i = softmax(W_i),
    a_i = n_i / B (the row's share of the bigrams), μ = 2 reg / V², d_i = a_i p_i + μ.
    Sherman–Morrison inverts diagonal-minus-rank-one in O(V) per row:
    H_i⁻¹ g = g/d + a (p/d) (p·(g/d)) / (1 - a p·(p/d)), and 1 - a p·(p/d) = Σ_j p_j μ / d_j, written
    that way because the left form cancels catastrophically at small μ.
    """
    a = N.sum(1, keepdim=True).to(W.dtype) / N.sum()  # (V, 1)
    p = probs(W)  # (V, V)
    mu = 2 * reg / W.numel()
    d = a * p + mu  # (V, V), > 0 since μ > 0
    g_d, p_d = grad / d, p / d
    return g_d + a * p_d * (p * g_d).sum(1, keepdim=True) / (p * mu / d).sum(1, keepdim=True)


@dataclass(frozen=True)
class Convergence:
    """The net trained to convergence at one λ: W (V, V) float64, its loss and data NLL, the steps taken."""

    reg: float
    W: torch.Tensor
    loss: float
    data_nll: float
    steps: int


def train_to_convergence(
    N: torch.Tensor, reg: float, W: torch.Tensor | None = None, tol: float = TOL, max_steps: int = NEWTON_STEPS
) -> Convergence:
    """The W (V, V) minimising NLL + reg·mean(W²) on the counts N (V, V), from W (default zeros).

    Same loss and gradient as the lecture's training (neural.count_loss_and_grad, the fast counts path),
    but Newton steps (newton_direction) with a backtracking line search instead of a fixed learning rate:
    at the lecture's lr 50 gradient descent needs 10⁴–10⁵ steps before P settles at λ ≤ 10⁻³ (the penalty
    shrinks the slowest error by only a factor 1 - 100λ/V² a step) and diverges from λ ≈ 13 on 27
    characters, while Newton converges in a few tens of steps at every λ > 0.
    The loss is strictly convex for λ > 0, so the minimiser does not depend on the starting W.
    Stops when a step lowers the loss by less than `tol`, or after `max_steps` steps. Works in float64.
    """
    reg = check_reg(reg)
    W = torch.zeros(N.shape, dtype=torch.float64) if W is None else W.detach().double().clone()
    loss, data_nll, grad = count_loss_and_grad(W, N, reg)
    steps = 0
    while steps < max_steps:
        direction = newton_direction(W, N, reg, grad)
        slope = float((grad * direction).sum())  # the loss falls at this rate along -direction
        t = 1.0
        while True:  # halve the step until it lowers the loss enough (Armijo); t = 1 near the minimum
            W_new = W - t * direction
            new_loss, new_nll, new_grad = count_loss_and_grad(W_new, N, reg)
            if new_loss <= loss - 1e-4 * t * slope or t < 1e-12:
                break
            t /= 2
        change = float(loss - new_loss)
        W, loss, data_nll, grad = W_new, new_loss, new_nll, new_grad
        steps += 1
        if change < tol:
            break
    return Convergence(reg, W, float(loss), float(data_nll), steps)


@dataclass(frozen=True)
class RegSweep:
    """The net at each λ of regs (L,) ascending: W (L, V, V) float64, data_nll (L,), steps (L,)."""

    regs: tuple[float, ...]
    W: torch.Tensor
    data_nll: torch.Tensor
    steps: tuple[int, ...]

    def net_probs(self) -> torch.Tensor:
        """softmax(W_λ) for every λ: (L, V, V)."""
        return torch.stack([probs(W) for W in self.W])


def sweep_reg(N: torch.Tensor, regs: Sequence[float], tol: float = TOL, max_steps: int = NEWTON_STEPS) -> RegSweep:
    """train_to_convergence at every λ of regs, each warm-started from the next larger λ's W.

    Starting at the largest λ from W = 0 (its minimiser is near 0) and walking down, each start is
    close to the next minimum, so every λ takes a few Newton steps.
    """
    regs = sorted(check_reg(r) for r in regs)
    if not regs:
        raise BigramError("Give at least one regularisation strength λ to sweep.")
    runs, W = [], None
    for reg in reversed(regs):
        run = train_to_convergence(N, reg, W, tol, max_steps)
        runs.append(run)
        W = run.W
    runs.reverse()
    return RegSweep(
        tuple(regs),
        torch.stack([r.W for r in runs]),
        torch.tensor([r.data_nll for r in runs], dtype=torch.float64),
        tuple(r.steps for r in runs),
    )


def smoothed_probs(N: torch.Tensor, ks: Sequence[float]) -> torch.Tensor:
    """counts.probabilities(N, k) for each k of ks (K,) at once, in float64: shape (K, V, V).

    float64 because near uniform P_k and softmax(W_λ) differ by less than float32 resolves (mean KL
    ~1e-10 at λ = 10³), and matching_k must still see the difference. Every row of a word list's N has
    counts (each character is followed by something, if only '.'), so no row is 0/0.
    """
    k_values = torch.tensor([check_smoothing(k) for k in ks], dtype=torch.float64)[:, None, None]  # (K, 1, 1)
    P = N.double() + k_values
    return P / P.sum(-1, keepdim=True)


def mean_kl(P: torch.Tensor, Q: torch.Tensor) -> torch.Tensor:
    """Mean over rows of KL(P_i ‖ Q_i) = Σ_j P_ij log(P_ij / Q_ij), for P, Q (..., V, V): shape (...).

    Each previous character counts once; 0 · log 0 is 0, so P may have zeros (the counts at k = 0).
    """
    P, Q = torch.broadcast_tensors(P.double(), Q.double())
    terms = torch.where(P > 0, P * (P / Q).log(), torch.zeros_like(P))
    return terms.sum(-1).mean(-1)


def k_grid(low: float = -4, high: float = 7, per_decade: int = 100) -> tuple[float, ...]:
    """0, then 10^low … 10^high with `per_decade` points a decade: the k searched by matching_k."""
    n = round((high - low) * per_decade) + 1
    return (0.0, *torch.logspace(low, high, n, dtype=torch.float64).tolist())


@dataclass(frozen=True)
class Match:
    """For each λ (L,): the k of the grid whose P_k is closest to softmax(W_λ), and how close (mean KL)."""

    k: torch.Tensor  # (L,) float64
    kl: torch.Tensor  # (L,) float64: mean over rows of KL(P_k ‖ softmax(W_λ)) at that k


def matching_k(N: torch.Tensor, P_net: torch.Tensor, ks: Sequence[float] | None = None) -> Match:
    """The k minimising mean_kl(P_k, P_net[l]) over the grid ks (default k_grid()), for P_net (L, V, V).

    KL(P_k ‖ net) is how much more NLL the net pays than P_k on text drawn from P_k, averaged over
    the previous characters; it is finite at k = 0 too, so the unsmoothed counts are a candidate.
    Computed as (Σ P_k log P_k - Σ P_k log P_net) / V so that the (K, L) cross term is one einsum.
    """
    ks = k_grid() if ks is None else ks
    V = N.shape[0]
    log_net = P_net.double().log()  # (L, V, V)
    chunk = max(1, 2**18 // V**2)  # k's per batch: 2 MB of float64 (16 MB batches fragmented the heap, +250 MB)
    parts = []
    for i in range(0, len(ks), chunk):
        P = smoothed_probs(N, ks[i : i + chunk])  # (c, V, V)
        neg_entropy = torch.where(P > 0, P * P.log(), torch.zeros_like(P)).sum((1, 2))  # (c,)
        parts.append((neg_entropy[:, None] - torch.einsum("kij,lij->kl", P, log_net)) / V)  # (c, L)
    kl = torch.cat(parts)  # (K, L)
    best = kl.argmin(0)  # (L,)
    return Match(torch.tensor(ks, dtype=torch.float64)[best], kl.gather(0, best[None])[0])


def fake_counts(N: torch.Tensor, reg: float) -> float:
    """The k that λ amounts to when both are large: 2 B λ / V² (626·λ on the lecture's data).

    For small W, softmax(W_i) ≈ (1 + W_i - mean W_i) / V, and setting the gradient to 0 gives
    W_ij ≈ (N_ij/n_i - p_ij) n_i / (B μ) with μ = 2λ/V²; P_k ≈ 1/V + (N_ij/n_i - 1/V) n_i / (V k) agrees
    in every row when k = B μ: the penalty weighs like that many fake counts per cell.
    """
    return 2 * float(N.sum()) * reg / N.numel()


@dataclass(frozen=True)
class Correspondence:
    """Smoothing next to regularisation: the net at each λ of regs (L,), the k matching each, the counts' NLL
    along ks (K,) and at each matching k (L,)."""

    sweep: RegSweep
    match: Match
    curve_nll: torch.Tensor  # (K,)
    matched_nll: torch.Tensor  # (L,)


def correspondence(N: torch.Tensor, regs: Sequence[float], ks: Sequence[float]) -> Correspondence:
    """sweep_reg over regs, matching_k for each λ, and smoothing_nll along ks and at the matching ks: the
    Smoothing view's figures for N (V, V) in one call, so that another process can compute them."""
    sweep = sweep_reg(N, regs)
    match = matching_k(N, sweep.net_probs())
    return Correspondence(sweep, match, smoothing_nll(N, ks), smoothing_nll(N, match.k.tolist()))
