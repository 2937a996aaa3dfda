"""The one-layer net of the lecture: one-hot(previous) @ W -> logits -> softmax -> P(next).

W is (V, V). Two ways compute the same full-batch loss, NLL + reg * mean(W**2):
- `onehot_loss`, the lecture's own: F.one_hot -> @ W -> exp -> normalise -> -log p of the labels -> mean,
  with autograd, over all B examples;
- `count_loss_and_grad`, the fast one: the loss and its gradient depend on the data only through the
  count matrix N, so one (V, V) pass replaces B examples and the gradient has a closed form.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .errors import BigramError
from .sampling import SEED
from .vocab import BOUNDARY, Vocabulary

INITS = ("randn", "zeros")
METHODS = ("counts", "onehot")


def init_weights(V: int, seed: int = SEED, init: str = "randn", rows: int | None = None) -> torch.Tensor:
    """W of shape (V, V) float32, or (rows, V) for a wider context (ngram.py): the lecture's seeded
    torch.randn, or zeros (every P row uniform)."""
    shape = (V if rows is None else rows, V)
    if init == "zeros":
        return torch.zeros(shape)
    if init != "randn":
        raise BigramError(f"init must be one of {', '.join(INITS)}; got {init!r}.")
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def probs(W: torch.Tensor) -> torch.Tensor:
    """softmax of each row of W: P(next | previous), shape (V, V); the net's counterpart of the counts' P."""
    return torch.softmax(W, dim=1)


def regulariser(W: torch.Tensor, reg: float) -> torch.Tensor:
    """reg * mean(W**2): pulls W toward 0, so P toward uniform, as smoothing does with fake counts."""
    return reg * (W**2).mean()


def onehot_loss(W: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, reg: float):
    """The lecture's forward pass; xs, ys (B,) int64. Returns (loss, data_nll) as 0-dim tensors."""
    xenc = F.one_hot(xs, num_classes=W.shape[0]).float()  # (B, V)
    logits = xenc @ W  # (B, V) log-counts
    counts = logits.exp()  # (B, V)
    probs_ = counts / counts.sum(1, keepdim=True)  # (B, V) each row sums to 1
    data_nll = -probs_[torch.arange(len(ys)), ys].log().mean()
    return data_nll + regulariser(W, reg), data_nll


def count_loss_and_grad(W: torch.Tensor, N: torch.Tensor, reg: float):
    """Loss, data NLL and dLoss/dW from the counts N (V, V): the same numbers as `onehot_loss`.
    Any number of rows works: N and W (C, V) for C contexts of n−1 characters (ngram.py).

    NLL = -(1/B) Σ_ij N_ij log softmax(W)_ij, so dNLL/dW_ij = (rowsum(N)_i softmax(W)_ij - N_ij) / B,
    and d(reg mean W²)/dW = 2 reg W / V².
    """
    N = N.float()
    B = N.sum()
    logp = torch.log_softmax(W, dim=1)
    data_nll = -(N * logp).sum() / B
    grad = (N.sum(1, keepdim=True) * logp.exp() - N) / B + (2 * reg / W.numel()) * W
    return data_nll + regulariser(W, reg), data_nll, grad


@dataclass(frozen=True)
class TrainRecord:
    """One step of gradient descent: the loss before its update (as the lecture prints it)."""

    step: int
    loss: float
    data_nll: float
    reg_loss: float


def check_hyperparameters(lr: float, reg: float) -> None:
    if not (0 < lr < float("inf")):
        raise BigramError(f"The learning rate must be a number > 0; got {lr}.")
    if not (0 <= reg < float("inf")):
        raise BigramError(f"The regularisation strength λ must be a number ≥ 0; got {reg}.")


def train(
    W: torch.Tensor,
    N: torch.Tensor,
    steps: int | None,
    lr: float = 50.0,
    reg: float = 0.01,
    method: str = "counts",
    examples: tuple[torch.Tensor, torch.Tensor] | None = None,
    start: int = 0,
) -> Iterator[TrainRecord]:
    """Full-batch gradient descent on W (V, V) in place, one TrainRecord per step; steps=None runs on.

    method "counts" uses N (V, V); method "onehot" uses `examples` (xs, ys), the lecture's way. Stopping
    the iteration at any point leaves W with exactly the updates of the records yielded so far.
    A non-finite loss raises BigramError naming the step.
    """
    check_hyperparameters(lr, reg)
    if method not in METHODS:
        raise BigramError(f"method must be one of {', '.join(METHODS)}; got {method!r}.")
    if steps is not None and steps < 0:
        raise BigramError(f"The number of steps must be ≥ 0; got {steps}.")
    if method == "onehot" and examples is None:
        raise ValueError("method 'onehot' needs examples=(xs, ys)")
    step = start
    while steps is None or step < start + steps:
        if method == "counts":
            loss, data_nll, grad = count_loss_and_grad(W, N, reg)
        else:
            W.requires_grad_(True)
            W.grad = None
            assert examples is not None  # refused above with a ValueError
            loss, data_nll = onehot_loss(W, *examples, reg)
            loss.backward()
            grad = W.grad
        if not torch.isfinite(loss):
            raise BigramError(
                f"Training diverged at step {step}: the loss became {float(loss)}. "
                f"Try a smaller learning rate than {lr:g}."
            )
        with torch.no_grad():
            W -= lr * grad
        W.requires_grad_(False)
        loss, data_nll = float(loss.detach()), float(data_nll.detach())
        yield TrainRecord(step, loss, data_nll, loss - data_nll)
        step += 1


@dataclass(frozen=True)
class Walkthrough:
    """The lecture's forward pass on one word, example by example (n = len(word) + 1)."""

    word: str
    xs: torch.Tensor  # (n,) input indices
    ys: torch.Tensor  # (n,) label indices
    xenc: torch.Tensor  # (n, V) one-hot inputs
    logits: torch.Tensor  # (n, V)
    probs: torch.Tensor  # (n, V) softmax of the logits
    label_probs: torch.Tensor  # (n,) probability given to the correct next character
    nlls: torch.Tensor  # (n,) -log of label_probs
    pairs: tuple[str, ...]

    @property
    def nll(self) -> float:
        return float(self.nlls.mean())


def walkthrough(word: str, W: torch.Tensor, vocab: Vocabulary) -> Walkthrough:
    """One-hot -> logits -> softmax on the bigrams of `word` with weights W (V, V)."""
    ids = [0, *vocab.encode(word), 0]
    xs, ys = torch.tensor(ids[:-1]), torch.tensor(ids[1:])
    with torch.no_grad():
        xenc = F.one_hot(xs, num_classes=len(vocab)).float()
        logits = xenc @ W
        counts = logits.exp()
        p = counts / counts.sum(1, keepdim=True)
    label_probs = p[torch.arange(len(ys)), ys]
    chars = BOUNDARY + word + BOUNDARY
    pairs = tuple(a + b for a, b in zip(chars, chars[1:]))
    return Walkthrough(word, xs, ys, xenc, logits, p, label_probs, -label_probs.log(), pairs)


def word_step(W: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, lr: float = 0.1) -> tuple[float, torch.Tensor]:
    """The lecture's step on a few examples, xs and ys (n,): forward, loss.backward(), W.data += -lr * W.grad.

    Updates W (V, V) in place and returns the loss before the update and W.grad (V, V). Only the rows of the
    input characters get a gradient: d(mean NLL)/dlogits = (probs - one_hot(ys)) / n, and xenc routes row i of
    that to row xs[i] of W.
    """
    W = W.requires_grad_(True)
    W.grad = None
    xenc = F.one_hot(xs, num_classes=W.shape[0]).float()  # (n, V)
    counts = (xenc @ W).exp()  # (n, V)
    p = counts / counts.sum(1, keepdim=True)
    loss = -p[torch.arange(len(ys)), ys].log().mean()
    loss.backward()
    grad = W.grad
    assert grad is not None  # backward() just filled it
    W.data += -lr * grad
    W.requires_grad_(False)
    return float(loss.detach()), grad


def fit(
    N: torch.Tensor,
    steps: int = 100,
    lr: float = 50.0,
    reg: float = 0.01,
    seed: int = SEED,
    init: str = "randn",
    method: str = "counts",
    examples: tuple[torch.Tensor, torch.Tensor] | None = None,
) -> tuple[torch.Tensor, list[TrainRecord]]:
    """Train a fresh W shaped like N, (V, V) or (C, V), for `steps` steps; returns W and every step's record."""
    W = init_weights(N.shape[1], seed, init, rows=N.shape[0])
    return W, list(train(W, N, steps, lr, reg, method, examples))


class Diverged(BigramError):
    """Training stopped because the next update would make the loss non-finite; `records` are the steps kept."""

    def __init__(self, message: str, records: list[TrainRecord]):
        super().__init__(message)
        self.records = records


def train_chunk(
    W: torch.Tensor,
    N: torch.Tensor,
    steps: int,
    lr: float = 50.0,
    reg: float = 0.01,
    start: int = 0,
    seconds: float | None = None,
) -> list[TrainRecord]:
    """Up to `steps` fast (counts) steps on W (V, V) in place, ending early after `seconds`: one slice of a live run.

    The same numbers as `train`, but an update is kept only once the loss it leads to is known to be finite,
    so W never holds diverged weights: on divergence W keeps the last good weights and Diverged carries the
    records of the updates kept. At least one step is attempted whatever `seconds` is.
    """
    check_hyperparameters(lr, reg)
    deadline = None if seconds is None else time.perf_counter() + seconds
    loss, data_nll, grad = count_loss_and_grad(W, N, reg)
    records: list[TrainRecord] = []
    for step in range(start, start + steps):
        W_next = W - lr * grad
        next_loss, next_nll, next_grad = count_loss_and_grad(W_next, N, reg)
        if not torch.isfinite(next_loss):
            raise Diverged(
                f"Training diverged at step {step + 1}: the loss became {float(next_loss)}. "
                f"Try a smaller learning rate than {lr:g}. W keeps the weights it had after {step} steps.",
                records,
            )
        W.copy_(W_next)
        loss_, data_nll_ = float(loss), float(data_nll)
        records.append(TrainRecord(step, loss_, data_nll_, loss_ - data_nll_))
        loss, data_nll, grad = next_loss, next_nll, next_grad
        if deadline is not None and time.perf_counter() > deadline:
            break
    return records
