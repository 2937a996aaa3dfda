"""Counting and normalising: the vectorised count against the lecture's loop, and the keepdim pitfall."""

from collections import Counter

import pytest
import torch

from bigram_core import BigramError, Vocabulary, bigram_counts, parse_text, probabilities, probabilities_keepdim_bug
from bigram_core.counts import bigram_counts_loop, bigram_examples, character_counts, top_bigrams


def test_vectorised_equals_the_lecture_loop_on_part_of_the_lecture(lecture):
    words = lecture.words[::8]  # 4,005 words: the loop in a fraction of a second
    N = bigram_counts(words, lecture.vocab)
    assert N.dtype == torch.int64 and N.shape == (27, 27)
    assert torch.equal(N, bigram_counts_loop(words, lecture.vocab))


@pytest.mark.slow
def test_vectorised_equals_the_lecture_loop(lecture, lecture_N):
    assert torch.equal(lecture_N, bigram_counts_loop(lecture.words, lecture.vocab))


def test_vectorised_equals_loop_on_unicode():
    words = parse_text("zoë\nrenée\njosé\nøyvind\nanna\n😀x\n")
    assert torch.equal(bigram_counts(words.words, words.vocab), bigram_counts_loop(words.words, words.vocab))


def test_reference_counts(lecture, lecture_N):
    N, s = lecture_N, lecture.vocab.stoi
    assert N[s["."], s["a"]] == 4410 and N.sum() == 228146
    top = sorted(
        ((int(N[i, j]), lecture.vocab.itos[i] + lecture.vocab.itos[j]) for i in range(27) for j in range(27)),
        reverse=True,
    )
    assert top[:5] == [(6763, "n."), (6640, "a."), (5438, "an"), (4410, ".a"), (3983, "e.")]


def test_examples_are_the_words_bigrams():
    v = Vocabulary.from_words(["emma"])
    xs, ys = bigram_examples(["emma", "ma"], v)
    assert xs.tolist() == [0, 2, 3, 3, 1, 0, 3, 1] and ys.tolist() == [2, 3, 3, 1, 0, 3, 1, 0]


def test_unknown_character_is_named():
    with pytest.raises(BigramError, match="'z' at position 2"):
        bigram_counts(["emma", "azb"], Vocabulary.from_words(["emma", "b"]))


@pytest.mark.parametrize("k", [0, 0.5, 1, 1000])
def test_rows_sum_to_one(lecture_N, k):
    P = probabilities(lecture_N, k)
    assert torch.allclose(P.sum(1), torch.ones(27))
    manual = (lecture_N + k).double() / (lecture_N + k).double().sum(1, keepdim=True)
    assert torch.allclose(P.double(), manual, atol=1e-7)


@pytest.mark.parametrize("k", [-1, float("nan"), float("inf"), 1e10])
def test_bad_smoothing(k):
    with pytest.raises(BigramError, match="Smoothing k"):
        probabilities(torch.ones((3, 3), dtype=torch.int64), k)


def test_empty_row_is_uniform_not_nan():
    N = torch.tensor([[0, 2], [0, 0]])
    assert probabilities(N, 0).tolist() == [[0.0, 1.0], [0.5, 0.5]]


def test_keepdim_bug_divides_columns(lecture_N):
    wrong = probabilities_keepdim_bug(lecture_N, 1)
    counts = (lecture_N + 1).float()
    assert torch.allclose(wrong, counts / counts.sum(1)[None, :])  # column j over row j's total
    assert not torch.allclose(wrong.sum(1), torch.ones(27))
    assert not torch.allclose(wrong, probabilities(lecture_N, 1))


def test_character_counts_are_row_sums_and_column_sums(lecture, lecture_N):
    counts = character_counts(lecture_N)
    by_hand = Counter("".join(lecture.words))
    assert counts.shape == (27,) and counts[0] == len(lecture.words)
    assert counts[1:].tolist() == [by_hand[ch] for ch in lecture.vocab.itos[1:]]
    assert torch.equal(counts, lecture_N.sum(0))  # each character is also preceded by exactly one


def test_character_counts_on_unicode():
    words = parse_text("zoë\nrenée\nzoë\n")
    counts = dict(zip(words.vocab.itos, character_counts(words.counts).tolist()))
    assert counts == {".": 3, "e": 2, "n": 1, "o": 2, "r": 1, "z": 2, "é": 1, "ë": 2}


def test_top_bigrams_equal_sorting_every_cell(lecture, lecture_N):
    itos, V = lecture.vocab.itos, 27
    cells = sorted(range(V * V), key=lambda c: (-int(lecture_N[c // V, c % V]), c))
    by_hand = [(itos[c // V] + itos[c % V], int(lecture_N[c // V, c % V])) for c in cells]
    assert top_bigrams(lecture_N, lecture.vocab, V * V) == by_hand
    assert top_bigrams(lecture_N, lecture.vocab, 3) == [("n.", 6763), ("a.", 6640), ("an", 5438)]


def test_top_bigrams_break_ties_in_vocabulary_order():
    words = parse_text("ab\nba\n")  # every bigram once: .a a. .b b. ab ba
    assert top_bigrams(words.counts, words.vocab, 4) == [(".a", 1), (".b", 1), ("a.", 1), ("ab", 1)]
