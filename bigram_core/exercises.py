"""Exercises E04 and E05: what the lecture's one-hot and manual softmax compute, done the PyTorch way.

E04: one_hot(xs) @ W multiplies a (B, V) matrix of zeros and single ones by W just to copy row xs[b]
of W: indexing copies the same rows directly, with identical numbers. Forward, indexing is several
times faster; backward, W[xs] (advanced indexing) accumulates its gradient with index_put, which on CPU
can be slower than the one-hot's matmul, while W.index_select(0, xs) (the same rows) accumulates with
index_add and is the fastest both ways. time_lookups measures all three.
E05: F.cross_entropy(logits, ys) is the lecture's exp → normalise → −log p → mean in one call, computed
as log-softmax with the row maximum subtracted first, so large logits cannot overflow exp.
"""

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .errors import BigramError


def onehot_logits(W: torch.Tensor, xs: torch.Tensor) -> torch.Tensor:
    """The lecture's way: F.one_hot(xs) (B, C), as W's float type, @ W (C, V) -> logits (B, V)."""
    return F.one_hot(xs, num_classes=W.shape[0]).to(W.dtype) @ W


def index_logits(W: torch.Tensor, xs: torch.Tensor) -> torch.Tensor:
    """Row xs[b] of W (C, V) for each example, by advanced indexing W[xs]: logits (B, V)."""
    return W[xs]


def select_logits(W: torch.Tensor, xs: torch.Tensor) -> torch.Tensor:
    """The same rows by W.index_select(0, xs): logits (B, V)."""
    return W.index_select(0, xs)


LOOKUPS = {"one-hot @ W": onehot_logits, "W[xs]": index_logits, "W.index_select(0, xs)": select_logits}


def identical_logits(W: torch.Tensor, xs: torch.Tensor) -> bool:
    """Whether every lookup gives bit-for-bit the one-hot product's logits for W (C, V) and xs (B,)."""
    reference = onehot_logits(W, xs)
    return all(torch.equal(lookup(W, xs), reference) for lookup in LOOKUPS.values())


def best_time(fn, repeats: int) -> float:
    """The fastest of `repeats` wall times of fn(): the run least disturbed by the rest of the machine."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def time_lookups(
    W: torch.Tensor,
    xs: torch.Tensor,
    ys: torch.Tensor,
    backward: bool = False,
    repeats: int = 5,
    names: Sequence[str] = tuple(LOOKUPS),
) -> dict[str, float]:
    """Seconds (best of `repeats`) each of LOOKUPS (those in `names`) takes on W (C, V) and the examples xs, ys (B,).

    forward: the logits alone. backward=True: a training step's gradient, logits -> F.cross_entropy ->
    backward (the cross_entropy part costs the same for all three).
    """
    W = W.detach().clone().requires_grad_(backward)

    def step(lookup):
        logits = lookup(W, xs)
        if backward:
            W.grad = None
            F.cross_entropy(logits, ys).backward()

    return {name: best_time(lambda lookup=LOOKUPS[name]: step(lookup), repeats) for name in names}


@dataclass(frozen=True)
class Lookups:
    """E04 and E05 on one net W and one set of examples, as the exercises view shows them before any click."""

    forward: dict[str, float]  # seconds of each of LOOKUPS, best of the repeats
    backward: dict[str, float]  # the same with F.cross_entropy and backward
    identical: bool  # identical_logits
    trained: "Overflow"  # the net's own logits through both losses


def _call(fn, *args):
    return fn(*args)


def measure_lookups(
    W: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, repeats: int = 5, run: Callable = _call
) -> Lookups:
    """E04's timings and check and E05's losses for W (C, V) and the examples xs, ys (B,).

    run(fn, *args) computes each timing, the check and the loss in turn: the view passes its worker's, which gives
    back one's memory before the next (at the lecture's 228,146 examples, the one-hot's backward holds ~170 MB).
    """

    def timed(backward: bool) -> dict[str, float]:
        return {name: run(time_lookups, W, xs, ys, backward, repeats, (name,))[name] for name in LOOKUPS}

    return Lookups(timed(False), timed(True), run(identical_logits, W, xs), run(overflow, W, xs, ys, None))


def manual_nll(logits: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
    """The lecture's loss from logits (B, V) and labels ys (B,): exp -> normalise -> −log p[ys] -> mean.

    Only the label's entry of each row is normalised: the same division, number for number, as the lecture's
    probs = counts / counts.sum(1, keepdim=True) then probs[arange, ys], without a second (B, V) matrix.
    """
    counts = logits.exp()
    p = counts[torch.arange(len(ys)), ys] / counts.sum(1)
    return -p.log().mean()


@dataclass(frozen=True)
class Overflow:
    """The same logits, whose largest |logit| is `max_logit`, through both losses."""

    max_logit: float
    manual: float  # manual_nll in float32: inf or nan once a row's exps sum past float32's 3.4e38
    cross_entropy: float  # F.cross_entropy in float32: finite
    exact: float  # manual_nll in float64, which holds exp(709): the right answer, for reference


def overflow(W: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, max_logit: float | None = 100.0) -> Overflow:
    """Scale W (C, V) so the largest |logit| of W[xs] is `max_logit` (None: W as it is), and compute the
    loss three ways.

    float32 ends at 3.4e38 = exp(88.72): a row whose exps add up past it has sum inf, so its probabilities
    become x/inf = 0 (−log 0 = inf), or inf/inf = nan where exp itself overflowed. cross_entropy
    subtracts each row's maximum before exp, so every exp is ≤ 1 and nothing overflows.
    """
    logits = index_logits(W, xs)
    largest = float(logits.abs().max())
    if max_logit is not None:
        if not 0 < max_logit < math.inf:
            raise BigramError(f"The largest logit must be a number > 0; got {max_logit}.")
        if not largest > 0:
            raise BigramError("W is all zeros on these examples: there is nothing to scale up.")
        logits *= max_logit / logits.abs().max()  # in place: W[xs] is a copy
        largest = float(logits.abs().max())
    return Overflow(
        largest,
        float(manual_nll(logits, ys)),
        float(F.cross_entropy(logits, ys)),
        float(manual_nll(logits.double(), ys)),
    )
