"""E01, a context of n−1 characters: the vectorised table against a loop, order 2 against the bigram model,
the table net against the concatenated one-hots, and sampling over the context window."""

from collections import Counter

import pytest
import torch

from bigram_core import (
    BigramError,
    Vocabulary,
    bigram_counts,
    breakdown,
    dataset_nll,
    fit,
    init_weights,
    parse_text,
    probabilities,
    sample,
)
from bigram_core.counts import bigram_examples
from bigram_core.limits import NGRAM_CELLS
from bigram_core.neural import count_loss_and_grad, onehot_loss
from bigram_core.ngram import (
    all_contexts,
    check_order,
    concat_logits,
    context_chars,
    context_index,
    context_slice,
    context_string,
    contexts_seen,
    n_contexts,
    ngram_counts,
    ngram_examples,
    table_from_concat,
)
from bigram_core.sampling import names

UNICODE = parse_text("zoë\nrenée\njosé\nøyvind\nanna\n😀x\nab\n")


def ngram_counts_loop(words, vocab, order):
    """The lecture's loop, widened: pad with n−1 '.', slide a window of n characters."""
    counts = Counter()
    for w in words:
        chs = "." * (order - 1) + w + "."
        for i in range(len(w) + 1):
            counts[chs[i : i + order]] += 1
    N = torch.zeros((len(vocab) ** (order - 1), len(vocab)), dtype=torch.int64)
    for gram, c in counts.items():
        ids = [vocab.stoi[ch] for ch in gram]
        N[context_index(ids[:-1], len(vocab)), ids[-1]] = c
    return N


def test_emma_contexts_at_order_3():
    vocab = Vocabulary.from_words(["emma"])  # . a e m
    X, ys = context_chars(["emma", "ma"], vocab, 3)
    contexts = [vocab.decode(row) for row in X.tolist()]
    assert contexts == ["..", ".e", "em", "mm", "ma", "..", ".m", "ma"]  # the second word starts from '..' again
    assert vocab.decode(ys.tolist()) == "emma.ma."
    xs, _ = ngram_examples(["emma"], vocab, 3)
    assert [context_string(c, vocab, 3) for c in xs.tolist()] == contexts[:5]


@pytest.mark.parametrize("order", [2, 3, 4, 5])
def test_vectorised_equals_loop(order):
    got = ngram_counts(UNICODE.words, UNICODE.vocab, order)
    assert got.dtype == torch.int64 and got.shape == (len(UNICODE.vocab) ** (order - 1), len(UNICODE.vocab))
    assert torch.equal(got, ngram_counts_loop(UNICODE.words, UNICODE.vocab, order))
    assert int(got.sum()) == UNICODE.n_bigrams  # len(word) + 1 examples per word, for every order


def test_vectorised_equals_loop_on_the_lecture(lecture):
    assert torch.equal(
        ngram_counts(lecture.words, lecture.vocab, 3), ngram_counts_loop(lecture.words, lecture.vocab, 3)
    )


def test_order_2_is_the_bigram_model(lecture, lecture_N):
    N2 = ngram_counts(lecture.words, lecture.vocab, 2)
    assert torch.equal(N2, lecture_N)
    for a, b in zip(ngram_examples(lecture.words, lecture.vocab, 2), bigram_examples(lecture.words, lecture.vocab)):
        assert torch.equal(a, b)
    P2, P = probabilities(N2, 1), probabilities(lecture_N, 1)
    assert dataset_nll(P2, N2) == dataset_nll(P, lecture_N)
    assert names(sample(P2, lecture.vocab, 10, order=2)) == names(sample(P, lecture.vocab, 10))
    W2, _ = fit(N2, steps=5)
    assert torch.equal(W2, fit(lecture_N, steps=5)[0]) and torch.equal(init_weights(27, rows=27), init_weights(27))


def test_dropping_the_oldest_character_gives_the_lower_order(lecture):
    """Summing order n's table over its oldest context character is order n−1's table: two ways to count."""
    V = len(lecture.vocab)
    lower = ngram_counts(lecture.words, lecture.vocab, 2)
    for order in (3, 4):
        N = ngram_counts(lecture.words, lecture.vocab, order)
        assert torch.equal(N.view(V, -1, V).sum(0), lower)
        lower = N


def test_context_slice_is_the_words_first_two_letters(lecture):
    N3 = ngram_counts(lecture.words, lecture.vocab, 3)
    first = context_slice(N3, lecture.vocab, ".")  # contexts ".x": x is a word's first character
    s = lecture.vocab.stoi
    assert first.shape == (27, 27)
    assert first[s["e"], s["m"]] == sum(w.startswith("em") for w in lecture.words)
    assert first[s["a"], 0] == lecture.words.count("a")  # ".a" then '.': the one-letter word, if any
    starts = Counter(w[0] for w in lecture.words)
    assert first.sum(1)[1:].tolist() == [starts[c] for c in lecture.vocab.itos[1:]]
    with pytest.raises(BigramError, match="order of 3"):
        context_slice(bigram_counts(lecture.words, lecture.vocab), lecture.vocab, ".")
    with pytest.raises(BigramError, match="not in the vocabulary"):
        context_slice(N3, lecture.vocab, "Z")


def test_contexts_seen_and_sizes(lecture):
    seen = [contexts_seen(ngram_counts(lecture.words, lecture.vocab, n)) for n in (2, 3, 4, 5)]
    assert seen == sorted(seen) and seen[0] == 27 and seen[1] < 27**2  # far from every context occurs
    assert n_contexts(5, 27) == 27**4 and all_contexts(3, 27).shape == (729, 2)
    assert torch.equal(context_index(all_contexts(4, 27), 27), torch.arange(27**3))


@pytest.mark.parametrize("order", [1, 6, 0, 2.5, True, "3"])
def test_bad_order(order):
    with pytest.raises(BigramError, match="order n must be one of 2, 3, 4, 5"):
        check_order(order, 27)


def test_large_vocabulary_is_refused_before_allocating():
    V = 40  # 40^5 cells at order 5
    assert V**5 > NGRAM_CELLS and check_order(4, V) == 4
    with pytest.raises(BigramError, match=r"40\^4 contexts × 40 characters = 102,400,000 cells"):
        check_order(5, V)


def test_table_net_at_order_2_equals_the_concatenated_one():
    vocab = UNICODE.vocab
    X, _ = context_chars(UNICODE.words, vocab, 2)
    xs, _ = ngram_examples(UNICODE.words, vocab, 2)
    W = init_weights(len(vocab))
    table = torch.nn.functional.one_hot(xs, len(vocab)).float() @ W
    assert torch.equal(concat_logits(W, X), table) and torch.equal(table_from_concat(W, 2), W)


def test_concatenated_net_is_a_table_but_not_the_other_way_round(lecture):
    """Any concatenated W_cat is some table; the counts table of order 3 is not additive, so no W_cat gives it."""
    V, order = 27, 3
    X, _ = context_chars(lecture.words, lecture.vocab, order)
    W_cat = torch.randn(((order - 1) * V, V), generator=torch.Generator().manual_seed(0))
    table = table_from_concat(W_cat, order)
    assert torch.allclose(table[context_index(X, V)], concat_logits(W_cat, X), atol=1e-6)

    def interaction(logits):
        """L(ab) + L(cd) − L(ad) − L(cb) for all a, b, c, d: (V, V, V, V, V); L = logits with each row centred,
        since softmax ignores a row's shift. 0 everywhere iff the logits are additive over the positions."""
        L = (logits - logits.mean(1, keepdim=True)).view(V, V, V)  # L[a, b] is context "ab"
        return L[:, :, None, None] + L[None, None] - L[:, None, None, :] - L.transpose(0, 1)[None, :, :, None]

    assert interaction(table).abs().max() < 1e-4  # additive over the two positions
    logP = probabilities(ngram_counts(lecture.words, lecture.vocab, order), 1).log()
    assert interaction(logP).abs().max() > 1  # the trigram model is not


def test_table_net_trains_on_non_square_counts_like_the_onehot_way(lecture):
    words = lecture.words[:1000]  # the one-hot at order 3 is B × 729: keep B small
    N = ngram_counts(words, lecture.vocab, 3)
    examples = ngram_examples(words, lecture.vocab, 3)
    W = init_weights(27, rows=729).requires_grad_()
    loss, _ = onehot_loss(W, *examples, 0.01)
    loss.backward()
    fast_loss, _, grad = count_loss_and_grad(W.detach(), N, 0.01)
    assert float(fast_loss) == pytest.approx(float(loss.detach()), abs=1e-6) and torch.allclose(grad, W.grad, atol=1e-7)
    W_fast, fast = fit(N, steps=20)
    W_slow, slow = fit(N, steps=20, method="onehot", examples=examples)
    assert W_fast.shape == (729, 27) and [r.loss for r in fast] == pytest.approx([r.loss for r in slow], abs=1e-5)
    assert fast[-1].loss < fast[0].loss


def test_sampling_at_order_3_reads_the_last_two_characters(lecture):
    N = ngram_counts(lecture.words, lecture.vocab, 3)
    P = probabilities(N, 0)  # at k = 0 only trigrams of the data can be drawn
    samples = sample(P, lecture.vocab, 50, seed=7, order=3)
    for s in samples:
        text = ".." + s.name + "."
        assert [step.context for step in s.steps] == [text[i : i + 2] for i in range(len(s.name) + 1)]
        for i, _step in enumerate(s.steps):
            gram = text[i : i + 3]
            assert N[context_index([lecture.vocab.stoi[c] for c in gram[:2]], 27), lecture.vocab.stoi[gram[2]]] > 0
    assert names(sample(P, lecture.vocab, 5, seed=7, order=3)) == names(samples[:5])
    (s,) = sample(P, lecture.vocab, 1, prefix="q", order=3)
    assert s.steps[0].context == ".q" and s.name.startswith("q")
    with pytest.raises(BigramError, match="729 rows, but order 2 needs 27"):
        sample(P, lecture.vocab, 1)


def test_breakdown_at_order_3(lecture):
    N = ngram_counts(lecture.words, lecture.vocab, 3)
    P = probabilities(N, 1)
    b = breakdown("emma", P, N, lecture.vocab, order=3)
    assert [r.pair for r in b.bigrams] == ["..e", ".em", "emm", "mma", "ma."]
    assert b.bigrams[1].count == sum(w.startswith("em") for w in lecture.words)
    one_word = dataset_nll(P, ngram_counts(["emma"], lecture.vocab, 3))
    assert b.nll == pytest.approx(one_word.nll) and b.log_likelihood == pytest.approx(one_word.log_likelihood)


def test_wider_context_fits_train_better(lecture):
    """More context, lower training loss at k = 0 (each order refines the previous one's rows)."""
    tables = [ngram_counts(lecture.words, lecture.vocab, n) for n in (2, 3, 4)]
    nlls = [dataset_nll(probabilities(N, 0), N).nll for N in tables]
    assert nlls[0] > nlls[1] > nlls[2] and round(nlls[0], 4) == 2.4540
