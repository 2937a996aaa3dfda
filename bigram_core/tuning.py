"""Exercise E03: choose the smoothing k or the regularisation λ on dev, then report test once.

For each strength on a log grid the model is fitted on train only, and scored on train and on dev.
The chosen strength is the one with the lowest dev NLL; only that one model is ever scored on test,
so the test loss is an honest estimate (choosing on test would make it optimistic).

The counts model at k is counts.probabilities(N_train, k). The net at λ is trained to convergence on
NLL + λ·mean(W²) with the fast counts path (regularisation.train_to_convergence: the loss and gradient
of neural.count_loss_and_grad, Newton steps), from W = 0.

A context train never saw has a uniform row in both models (k fake counts in every cell; a row of W
that stays 0), so every unseen context can share one empty row: `compact` keeps the S rows train saw
plus that one, and the models are fitted on it (at order 5, 22k rows instead of 531k).
"""

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

import torch

from .counts import probabilities
from .errors import BigramError
from .evaluate import DatasetScore
from .neural import probs
from .ngram import ngram_counts, ngram_examples
from .regularisation import Convergence, train_to_convergence
from .splits import PARTS, Split

MODELS = ("counts", "net")
STRENGTH = {"counts": "k", "net": "λ"}
K_GRID = (0.0, *(10 ** (e / 2) for e in range(-6, 5)))  # 0, then 0.001, 0.0032, 0.01, … 100
REG_GRID = tuple(10 ** (e / 2) for e in range(-10, 5))  # 1e-5, 3.2e-5, … 100: λ = 0 has no minimum


def check_model(model: str) -> str:
    if model not in MODELS:
        raise BigramError(f"The model must be one of {', '.join(MODELS)}; got {model!r}.")
    return model


def examples_nll(P: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor) -> DatasetScore:
    """Mean NLL of the examples (xs, ys) (B,) under P (C, V): −mean log P[xs, ys], summed in float64.

    The same number as evaluate.dataset_nll(P, counts of the examples), without a dense count table.
    """
    log_likelihood = float(P[xs, ys].double().log().sum())
    return DatasetScore(-log_likelihood / len(ys), log_likelihood, len(ys))


def compact(N: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The S rows of N (C, V) that have counts, then one empty row standing for every context with none:
    N_rows (S + 1, V); and rows (C,) int64, each context's row in N_rows.

    counts.probabilities(N_rows, k)[rows] is counts.probabilities(N, k), number for number.
    """
    seen = N.sum(1) > 0
    S = int(seen.sum())
    rows = torch.full((N.shape[0],), S)
    rows[seen] = torch.arange(S)
    return torch.cat([N[seen], N.new_zeros(1, N.shape[1])]), rows


def fit_net(N_rows: torch.Tensor, reg: float, contexts: int, W: torch.Tensor | None = None) -> Convergence:
    """The net trained to convergence on compact's N_rows (S + 1, V) from `contexts` = C: W (S + 1, V)
    float64, the same rows as the full (C, V) table's minimiser. A given W (S + 1, V) warm-starts it.

    A row with no counts has no data gradient and starts at 0, where the penalty's gradient is 0 too:
    it stays 0, in the full table as here. λ is scaled by (S + 1) / C so that λ·mean over these cells
    equals λ·mean over all C·V cells: the same loss as the full table's.
    """
    return train_to_convergence(N_rows, reg * len(N_rows) / contexts, W)


def fitted(model: str, N: torch.Tensor, strengths: Sequence[float]) -> Iterator[tuple[float, torch.Tensor]]:
    """(strength, P_rows (S + 1, V)) of `model` fitted on N (C, V) at each strength, on compact(N)'s rows:
    P_rows[rows] is the full (C, V) table.

    The net walks the strengths from the largest down, each warm-started from the last minimiser (the
    loss is strictly convex for λ > 0, so the start changes the steps, not the answer).
    """
    N_rows, _ = compact(N)
    if check_model(model) == "counts":
        for k in strengths:
            yield k, probabilities(N_rows, k)
    else:
        W = None
        for reg in sorted(strengths, reverse=True):
            W = fit_net(N_rows, reg, N.shape[0], W).W
            yield reg, probs(W)


@dataclass(frozen=True)
class SweepPoint:
    """The model fitted on train at one strength (k or λ), scored on train and on dev."""

    strength: float
    train_nll: float
    dev_nll: float


@dataclass(frozen=True)
class Tuning:
    """A sweep on dev, the strength it chose (lowest dev NLL) and that model's test NLL."""

    model: str
    order: int
    sweep: tuple[SweepPoint, ...]  # by strength, ascending
    chosen: float
    test_nll: float

    @property
    def best(self) -> SweepPoint:
        """The sweep point of the chosen strength."""
        return next(p for p in self.sweep if p.strength == self.chosen)

    def to_dict(self) -> dict:
        """model, order, sweep: [{strength, train_nll, dev_nll}], chosen, test_nll."""
        return asdict(self) | {"sweep": [asdict(p) for p in self.sweep]}


def tune(split: Split, order: int = 2, model: str = "counts", strengths: Sequence[float] | None = None) -> Tuning:
    """Fit `model` at order n on split.train for every strength (default K_GRID or REG_GRID), choose the
    lowest dev NLL (the smaller strength on a tie), and score only the chosen model on split.test.
    """
    grid = K_GRID if check_model(model) == "counts" else REG_GRID
    strengths = grid if strengths is None else strengths
    if not strengths:
        raise BigramError("Give at least one strength to sweep.")
    N = ngram_counts(split.train, split.vocab, order)
    _, rows = compact(N)
    examples = {}
    for part in PARTS:
        xs, ys = ngram_examples(split.part(part), split.vocab, order)
        examples[part] = rows[xs], ys
    sweep = sorted(
        (
            SweepPoint(s, examples_nll(P, *examples["train"]).nll, examples_nll(P, *examples["dev"]).nll)
            for s, P in fitted(model, N, strengths)
        ),
        key=lambda p: p.strength,
    )
    chosen = min(sweep, key=lambda p: p.dev_nll).strength  # min keeps the first, the smaller strength, on a tie
    ((_, P),) = fitted(model, N, [chosen])
    return Tuning(model, order, tuple(sweep), chosen, examples_nll(P, *examples["test"]).nll)
