"""Counting and normalising: the vectorised count against the lecture's loop, and the keepdim pitfall."""
import pytest
import torch

from bigram_core import BigramError, Vocabulary, bigram_counts, parse_text, probabilities, probabilities_keepdim_bug
from bigram_core.counts import bigram_counts_loop, bigram_examples


def test_vectorised_equals_the_lecture_loop(lecture):
    N = bigram_counts(lecture.words, lecture.vocab)
    assert N.dtype == torch.int64 and N.shape == (27, 27)
    assert torch.equal(N, bigram_counts_loop(lecture.words, lecture.vocab))


def test_vectorised_equals_loop_on_unicode():
    words = parse_text("zoë\nrenée\njosé\nøyvind\nanna\n😀x\n")
    assert torch.equal(bigram_counts(words.words, words.vocab), bigram_counts_loop(words.words, words.vocab))


def test_reference_counts(lecture, lecture_N):
    N, s = lecture_N, lecture.vocab.stoi
    assert N[s["."], s["a"]] == 4410 and N.sum() == 228146
    top = sorted(((int(N[i, j]), lecture.vocab.itos[i] + lecture.vocab.itos[j]) for i in range(27) for j in range(27)), reverse=True)
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


@pytest.mark.parametrize("k", [-1, float("nan"), float("inf")])
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
