"""E04 (indexing instead of the one-hot matmul) and E05 (F.cross_entropy instead of the manual softmax)."""

import math

import pytest
import torch
import torch.nn.functional as F

from bigram_core import BigramError, fit, init_weights
from bigram_core.counts import bigram_examples
from bigram_core.exercises import (
    LOOKUPS,
    identical_logits,
    manual_nll,
    measure_lookups,
    onehot_logits,
    overflow,
    time_lookups,
)
from bigram_core.ngram import ngram_examples


@pytest.fixture(scope="module")
def lecture_net(lecture, lecture_N):
    """The lecture's W after 100 steps and every bigram of the list."""
    return fit(lecture_N)[0], *bigram_examples(lecture.words, lecture.vocab)


def test_indexing_gives_identical_logits_and_the_same_gradient(lecture_net):
    W, xs, ys = lecture_net
    exact = W.double().requires_grad_()  # the gradient in float64, to judge the float32 ones by
    F.cross_entropy(onehot_logits(exact, xs), ys).backward()
    reference = onehot_logits(W, xs)
    for name, lookup in LOOKUPS.items():
        Wg = W.clone().requires_grad_()
        logits = lookup(Wg, xs)
        F.cross_entropy(logits, ys).backward()
        assert torch.equal(logits, reference), name  # copies of rows of W: bit for bit
        # the gradient sums 228,146 terms into 729 cells, each way in its own order: equal up to float32 rounding
        assert torch.allclose(Wg.grad.double(), exact.grad, rtol=0, atol=3e-6), name
    assert identical_logits(W, xs)


def test_indexing_at_order_3(lecture):
    xs, _ = ngram_examples(lecture.words[:500], lecture.vocab, 3)
    W = init_weights(27, rows=729)
    assert torch.equal(W[xs], onehot_logits(W, xs))


def test_time_lookups_times_each_way():
    W, xs = init_weights(27), torch.randint(0, 27, (1000,), generator=torch.Generator().manual_seed(0))
    for backward in (False, True):
        times = time_lookups(W, xs, xs, backward=backward, repeats=2)
        assert list(times) == list(LOOKUPS) and all(0 < t < 10 for t in times.values())


def test_cross_entropy_is_the_manual_softmax(lecture_net):
    W, xs, ys = lecture_net
    logits = W[xs]
    assert float(F.cross_entropy(logits, ys)) == pytest.approx(float(manual_nll(logits, ys)), abs=1e-6)
    shifted = logits - logits.max(1, keepdim=True).values  # what cross_entropy does first
    assert float(manual_nll(shifted, ys)) == pytest.approx(float(manual_nll(logits, ys)), abs=1e-6)


def test_large_logits_overflow_the_manual_softmax_only(lecture_net):
    W, xs, ys = lecture_net
    xs, ys = xs[:20_000], ys[:20_000]  # the overflow happens row by row: some of the examples show it
    big = overflow(W, xs, ys, 100.0)
    assert not math.isfinite(big.manual)  # exp(100) is inf in float32
    assert math.isfinite(big.cross_entropy) and big.cross_entropy == pytest.approx(big.exact, rel=1e-6)
    small = overflow(W, xs, ys, 10.0)
    assert small.manual == pytest.approx(small.exact, abs=1e-5) and small.cross_entropy == pytest.approx(
        small.exact, abs=1e-5
    )
    assert overflow(W, xs, ys, 1.0).max_logit == pytest.approx(1.0)
    trained = overflow(W, xs, ys, None)  # W as it is
    assert trained.max_logit == float(W[xs].abs().max())
    assert trained.manual == pytest.approx(trained.cross_entropy, abs=1e-6)


def test_overflow_bad_input(lecture_net):
    W, xs, ys = lecture_net
    for bad in (0, -5, math.inf, math.nan):
        with pytest.raises(BigramError, match="largest logit"):
            overflow(W, xs, ys, bad)
    with pytest.raises(BigramError, match="all zeros"):
        overflow(torch.zeros(27, 27), xs, ys)


@pytest.mark.parametrize("scale", [1.0, 100.0])
def test_the_manual_loss_normalises_the_labels_entries_as_the_lecture_normalises_every_row(lecture_net, scale):
    W, xs, ys = lecture_net
    for logits in (W[xs] * scale, (W[xs] * scale).double()):
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdim=True)  # the lecture's (B, V) matrix
        lecture_loss = -probs[torch.arange(len(ys)), ys].log().mean()
        torch.testing.assert_close(manual_nll(logits, ys), lecture_loss, rtol=0, atol=0, equal_nan=True)


def test_the_views_e04_and_e05_figures_one_measurement_at_a_time(lecture_net):
    W, xs, ys = lecture_net
    calls = []

    def run(fn, *args):
        calls.append(fn.__name__)
        return fn(*args)

    figures = measure_lookups(W, xs[:5000], ys[:5000], repeats=1, run=run)
    assert calls == ["time_lookups"] * 6 + ["identical_logits", "overflow"]  # each a worker job of its own
    assert list(figures.forward) == list(figures.backward) == list(LOOKUPS)
    assert figures.identical and figures.trained == overflow(W, xs[:5000], ys[:5000], None)
