"""The net: the lecture's one-hot training against the fast counts path, and DESIGN.md §3's figures."""

import math

import pytest
import torch

from bigram_core import (
    BigramError,
    Vocabulary,
    bigram_counts,
    fit,
    init_weights,
    probs,
    sample,
    train,
    walkthrough,
    word_step,
)
from bigram_core.counts import bigram_examples
from bigram_core.neural import count_loss_and_grad, onehot_loss
from bigram_core.sampling import names

ALPHABET = Vocabulary.from_words(["abcdefghijklmnopqrstuvwxyz"])


def test_emma_walkthrough():
    w = walkthrough("emma", init_weights(27), ALPHABET)
    assert w.xs.tolist() == [0, 5, 13, 13, 1] and w.ys.tolist() == [5, 13, 13, 1, 0]
    assert torch.equal(w.xenc.argmax(1), w.xs) and w.xenc.sum().item() == 5
    assert w.pairs == (".e", "em", "mm", "ma", "a.")
    assert w.label_probs.tolist() == pytest.approx([0.012286, 0.018051, 0.026692, 0.073677, 0.014978], abs=1e-6)
    assert w.nlls.tolist() == pytest.approx([4.399274, 4.014571, 3.623409, 2.608067, 4.201204], abs=1e-6)
    assert w.nll == pytest.approx(3.769305, abs=1e-6)


@pytest.mark.parametrize("method", ["onehot", "counts"])
def test_emma_two_steps(method):
    examples = bigram_examples(["emma"], ALPHABET)
    W = init_weights(27)
    records = list(train(W, bigram_counts(["emma"], ALPHABET), 3, lr=0.1, reg=0, method=method, examples=examples))
    assert [r.loss for r in records] == pytest.approx([3.769305, 3.749213, 3.729163], abs=1e-6)


def test_word_step_is_the_lectures_backward_and_update():
    w = walkthrough("emma", init_weights(27), ALPHABET)
    W = init_weights(27)
    losses = []
    for _ in range(3):
        before = W.clone()
        loss, grad = word_step(W, w.xs, w.ys, lr=0.1)
        losses.append(loss)
        assert torch.allclose(W, before - 0.1 * grad)
    assert losses == pytest.approx([3.769305, 3.749213, 3.729163], abs=1e-6)
    # the last step's gradient by hand: (probs - one_hot(ys)) / n, summed into the rows of the inputs
    p = torch.softmax(before[w.xs], dim=1)
    by_hand = torch.zeros(27, 27).index_add_(0, w.xs, (p - torch.nn.functional.one_hot(w.ys, 27)) / len(w.xs))
    assert torch.allclose(grad, by_hand, atol=1e-7)
    assert grad.abs().sum(1).nonzero().flatten().tolist() == [0, 1, 5, 13]  # rows '.', a, e, m only


def test_closed_form_gradient_equals_autograd(lecture, lecture_N):
    xs, ys = bigram_examples(lecture.words, lecture.vocab)
    W = init_weights(27).requires_grad_()
    loss, data_nll = onehot_loss(W, xs, ys, 0.01)
    loss.backward()
    fast_loss, fast_nll, grad = count_loss_and_grad(W.detach(), lecture_N, 0.01)
    assert float(fast_loss) == pytest.approx(float(loss.detach()), abs=1e-6)
    assert torch.allclose(grad, W.grad, atol=1e-7)


def assert_fast_and_onehot_agree_for_100_steps(words) -> None:
    vocab = Vocabulary.from_words(words)
    N = bigram_counts(words, vocab)
    W_fast, fast = fit(N)
    W_slow, slow = fit(N, method="onehot", examples=bigram_examples(words, vocab))
    assert len(fast) == len(slow) == 100
    for a, b in zip(fast, slow):
        assert a.loss == pytest.approx(b.loss, abs=1e-5)
    assert torch.allclose(W_fast, W_slow, atol=1e-4)


def test_fast_and_onehot_agree_for_100_steps_on_part_of_the_lecture(lecture):
    assert_fast_and_onehot_agree_for_100_steps(lecture.words[::16])  # 2,003 words: the one-hot path in a second


@pytest.mark.slow
def test_fast_and_onehot_agree_for_100_lecture_steps(lecture):
    assert_fast_and_onehot_agree_for_100_steps(lecture.words)


def test_the_fast_path_gives_the_lectures_losses(lecture_N):
    _, fast = fit(lecture_N)
    assert [round(r.loss, 4) for r in fast[:5]] == [3.7686, 3.3788, 3.1611, 3.0272, 2.9345]
    assert round(fast[-1].loss, 4) == 2.4901
    assert all(r.loss == pytest.approx(r.data_nll + r.reg_loss) for r in fast)


def test_trained_net_samples_the_lectures_names(lecture, lecture_N):
    W, _ = fit(lecture_N)
    assert names(sample(probs(W), lecture.vocab, 5, seed=2147483647)) == [
        "cexze.",
        "momasurailezityha.",
        "konimittain.",
        "llayn.",
        "ka.",
    ]


def test_stopping_early_leaves_exactly_those_updates(lecture_N):
    W = init_weights(27)
    steps = train(W, lecture_N, None)
    for _ in range(7):
        next(steps)
    W7, _ = fit(lecture_N, steps=7)
    assert torch.equal(W, W7)


def test_zeros_init_starts_uniform(lecture_N):
    W, records = fit(lecture_N, steps=1, init="zeros")
    assert records[0].loss == pytest.approx(math.log(27)) and records[0].reg_loss == 0


def test_divergence_names_the_step():
    N = bigram_counts(["emma", "ava"], Vocabulary.from_words(["emma", "ava"]))
    with pytest.raises(BigramError, match=r"diverged at step \d+.*smaller learning rate"):
        fit(N, steps=100, lr=1e6)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lr": 0}, "learning rate"),
        ({"reg": -1}, "λ"),
        ({"steps": -1}, "steps"),
        ({"method": "sgd"}, "method"),
        ({"init": "ones"}, "init"),
    ],
)
def test_bad_settings(lecture_N, kwargs, message):
    with pytest.raises(BigramError, match=message):
        fit(lecture_N, **kwargs)


def test_chunks_of_any_size_equal_one_run(lecture_N):
    """A live run in slices of 1, 7, 30, … steps lands on exactly the weights and records of fit()."""
    from bigram_core.neural import train_chunk

    W, records = init_weights(27), []
    for size in [1, 7, 30, 2, 60]:
        records += train_chunk(W, lecture_N, size, start=len(records))
    W_fit, fit_records = fit(lecture_N, steps=100)
    assert torch.equal(W, W_fit)
    assert records == fit_records
    assert round(records[-1].loss, 4) == 2.4901


def test_chunk_keeps_the_last_good_weights_on_divergence(lecture_N):
    from bigram_core.neural import Diverged, train_chunk

    W = init_weights(27)
    with pytest.raises(Diverged, match=r"diverged at step (\d+).*smaller learning rate.*after \d+ steps") as info:
        train_chunk(W, lecture_N, 1000, lr=1e6)
    kept = info.value.records
    assert isinstance(info.value, BigramError) and 0 < len(kept) < 1000
    assert f"step {len(kept) + 1}:" in str(info.value)
    assert torch.isfinite(W).all() and all(math.isfinite(r.loss) for r in kept)
    assert torch.equal(W, fit(lecture_N, steps=len(kept), lr=1e6)[0])  # exactly the updates kept
    with pytest.raises(BigramError, match=f"diverged at step {len(kept) + 1}:"):  # where train() stops too
        fit(lecture_N, steps=len(kept) + 2, lr=1e6)


def test_chunk_ends_after_its_time_budget(lecture_N):
    import time

    from bigram_core.neural import train_chunk

    started = time.perf_counter()
    records = train_chunk(init_weights(27), lecture_N, 10**9, seconds=0.02)
    assert time.perf_counter() - started < 1.0 and 1 <= len(records) < 10**9
    assert len(train_chunk(init_weights(27), lecture_N, 10**9, seconds=0)) == 1  # always makes progress


def test_chunk_rejects_bad_settings(lecture_N):
    from bigram_core.neural import train_chunk

    W = init_weights(27)
    with pytest.raises(BigramError, match="learning rate"):
        train_chunk(W, lecture_N, 5, lr=0)
    assert torch.equal(W, init_weights(27))
