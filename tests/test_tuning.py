"""E03, tuning on dev: the sweep's numbers recomputed by hand, the net reaching the counts model as λ → 0,
and the figures on the lecture's list."""

import math

import pytest
import torch

from bigram_core import BigramError, dataset_nll, probabilities
from bigram_core.ngram import ngram_counts, ngram_examples
from bigram_core.regularisation import train_to_convergence
from bigram_core.splits import split
from bigram_core.tuning import K_GRID, REG_GRID, compact, examples_nll, fit_net, fitted, tune


@pytest.fixture(scope="module")
def lecture_split(lecture):
    return split(lecture.words)


@pytest.mark.parametrize("order", [2, 3])
def test_examples_nll_equals_dataset_nll(lecture, order):
    words = lecture.words[:5000]
    N = ngram_counts(words, lecture.vocab, order)
    P = probabilities(N, 0.5)
    a, b = examples_nll(P, *ngram_examples(words, lecture.vocab, order)), dataset_nll(P, N)
    assert a.bigrams == b.bigrams and a.nll == pytest.approx(b.nll, rel=1e-12)


def test_counts_sweep_recomputed_by_hand(lecture, lecture_split):
    s, order = lecture_split, 3
    t = tune(s, order, "counts")
    assert [p.strength for p in t.sweep] == sorted(K_GRID) and t.model == "counts" and t.order == 3
    N = ngram_counts(s.train, s.vocab, order)
    dev = ngram_examples(s.dev, s.vocab, order)
    for p in t.sweep[::4]:
        assert p.dev_nll == examples_nll(probabilities(N, p.strength), *dev).nll
    assert t.sweep[0].strength == 0 and t.sweep[0].dev_nll == math.inf  # dev has trigrams train never saw
    assert t.best.dev_nll == min(p.dev_nll for p in t.sweep)
    train_nlls = [p.train_nll for p in t.sweep]
    assert train_nlls == sorted(train_nlls)  # every fake count moves P away from train's own frequencies
    test = examples_nll(probabilities(N, t.chosen), *ngram_examples(s.test, s.vocab, order)).nll
    assert t.test_nll == test


def test_net_on_seen_rows_only_is_the_full_net(lecture):
    N = ngram_counts(lecture.words[:2000], lecture.vocab, 3)
    N_rows, rows = compact(N)
    assert len(N_rows) < len(N) and torch.equal(N_rows[rows], N)  # the unseen contexts share the empty row
    full = train_to_convergence(N, 0.01)
    small = fit_net(N_rows, 0.01, len(N))
    assert small.loss == pytest.approx(full.loss, abs=1e-9)
    assert torch.allclose(small.W[rows], full.W, atol=1e-6) and not small.W[-1].any()


@pytest.mark.parametrize("k", [0, 0.1])
def test_counts_on_seen_rows_only_is_the_full_table(lecture, k):
    N = ngram_counts(lecture.words[:2000], lecture.vocab, 3)
    ((_, P),) = fitted("counts", N, [k])
    assert torch.equal(P[compact(N)[1]], probabilities(N, k))


@pytest.mark.parametrize("order", [2, 3])
def test_net_reaches_the_counts_model_as_lambda_goes_to_0(lecture, order):
    """Same family: the counts at k = 0 are the train NLL's minimum, and the net approaches it from above."""
    words = lecture.words[:8000]
    N = ngram_counts(words, lecture.vocab, order)
    examples = ngram_examples(words, lecture.vocab, order)
    xs, ys = examples
    floor = examples_nll(probabilities(N, 0), xs, ys).nll
    gaps = [examples_nll(P, compact(N)[1][xs], ys).nll - floor for _, P in fitted("net", N, (1e-1, 1e-3, 1e-5, 1e-7))]
    assert all(g > -1e-9 for g in gaps) and gaps == sorted(gaps, reverse=True) and gaps[-1] < 1e-4


def test_neural_sweep(lecture, lecture_split):
    t = tune(lecture_split, 2, "net")
    assert [p.strength for p in t.sweep] == sorted(REG_GRID)
    assert t.best.dev_nll == min(p.dev_nll for p in t.sweep)
    train_nlls = [p.train_nll for p in t.sweep]
    assert train_nlls == sorted(train_nlls)
    assert train_nlls[-1] < math.log(27) and REG_GRID[0] < t.chosen < REG_GRID[-1]


def test_lecture_figures(lecture, lecture_split):
    """Seed 42, no dedupe: more context helps up to order 4, and order 5 overfits."""
    runs = {n: tune(lecture_split, n) for n in (2, 3, 4, 5)}
    assert {n: t.chosen for n, t in runs.items()} == {2: 10**-0.5, 3: 0.1, 4: 0.1, 5: 0.1}
    assert {n: round(t.test_nll, 4) for n, t in runs.items()} == {2: 2.4580, 3: 2.2240, 4: 2.1044, 5: 2.1502}
    assert runs[2].best.dev_nll > runs[3].best.dev_nll > runs[4].best.dev_nll < runs[5].best.dev_nll
    assert runs[5].best.train_nll < runs[4].best.train_nll  # lower on train, higher on dev: overfitting


def test_to_dict_is_the_cli_contract(lecture_split):
    d = tune(lecture_split, 2, "counts", strengths=[0.1, 1.0]).to_dict()
    assert list(d) == ["model", "order", "sweep", "chosen", "test_nll"]
    assert list(d["sweep"][0]) == ["strength", "train_nll", "dev_nll"] and len(d["sweep"]) == 2


def test_bad_settings(lecture_split):
    with pytest.raises(BigramError, match="model must be one of counts, net"):
        tune(lecture_split, 2, "bayes")
    with pytest.raises(BigramError, match="Smoothing k"):
        tune(lecture_split, 2, "counts", strengths=[-1])
    with pytest.raises(BigramError, match="must be a number > 0"):
        tune(lecture_split, 2, "net", strengths=[0])
    with pytest.raises(BigramError, match="at least one strength"):
        tune(lecture_split, 2, "counts", strengths=[])
    with pytest.raises(BigramError, match="order n must be one of"):
        tune(lecture_split, 6)
