"""Scoring words and data sets: the count-weighted NLL against the per-bigram sum, and infinite losses."""

import math

import pytest
import torch

from bigram_core import BigramError, Vocabulary, bigram_counts, breakdown, dataset_nll, probabilities, uniform
from bigram_core.counts import bigram_examples
from bigram_core.evaluate import breakdowns, comma_words, most_surprising


def test_dataset_nll_two_ways(lecture, lecture_N):
    P = probabilities(lecture_N, 1)
    xs, ys = bigram_examples(lecture.words, lecture.vocab)
    per_bigram = -P[xs, ys].double().log().mean()
    score = dataset_nll(P, lecture_N)
    assert score.bigrams == 228146 and score.nll == pytest.approx(float(per_bigram), abs=1e-9)
    assert score.nll == pytest.approx(2.454, abs=1e-3) and round(score.nll, 2) == 2.45  # the lecture's "2.45"


def test_breakdown_agrees_with_dataset_nll(lecture, lecture_N):
    P = probabilities(lecture_N, 1)
    b = breakdown("andrej", P, lecture_N, lecture.vocab)
    assert [r.pair for r in b.bigrams] == [".a", "an", "nd", "dr", "re", "ej", "j."]
    assert b.bigrams[0].count == 4410
    one_word = dataset_nll(P, bigram_counts(["andrej"], lecture.vocab))
    assert b.nll == pytest.approx(one_word.nll) and b.log_likelihood == pytest.approx(one_word.log_likelihood)
    for r in b.bigrams:
        assert r.logprob == pytest.approx(math.log(r.prob)) and r.nll == -r.logprob


def test_andrejq_infinite_without_smoothing(lecture, lecture_N):
    b = breakdown("andrejq", probabilities(lecture_N, 0), lecture_N, lecture.vocab)
    assert b.nll == math.inf and b.log_likelihood == -math.inf
    assert b.zero_bigrams == ["jq"]
    assert not any(math.isnan(r.nll) for r in b.bigrams)
    smoothed = breakdown("andrejq", probabilities(lecture_N, 1), lecture_N, lecture.vocab)
    assert math.isfinite(smoothed.nll) and smoothed.zero_bigrams == []


def test_dataset_nll_of_impossible_data_is_inf_not_nan():
    N = torch.tensor([[0, 1], [1, 0]])
    P = torch.tensor([[1.0, 0.0], [0.5, 0.5]])
    score = dataset_nll(P, N)
    assert score.nll == math.inf and not math.isnan(score.log_likelihood)


def test_breakdown_outside_vocabulary(lecture, lecture_N):
    with pytest.raises(BigramError, match="'Z' at position 1"):
        breakdown("Zoe", probabilities(lecture_N, 1), lecture_N, lecture.vocab)


def test_most_surprising_is_the_least_likely_bigram(lecture, lecture_N):
    for k in (0, 1):
        for word in ("andrejq", "emma", "zzyzx"):
            b = breakdown(word, probabilities(lecture_N, k), lecture_N, lecture.vocab)
            assert most_surprising(b) == min(b.bigrams, key=lambda r: r.prob)  # highest NLL = lowest P
    assert most_surprising(breakdown("andrejq", probabilities(lecture_N, 0), lecture_N, lecture.vocab)).nll == math.inf


def test_most_surprising_tie_is_the_first():
    vocab = Vocabulary.from_words(["ab"])
    b = breakdown("ba", uniform(len(vocab)), torch.zeros(3, 3), vocab)
    assert most_surprising(b).pair == ".b"


def test_comma_words_keeps_order_and_drops_repeats_and_blanks():
    assert comma_words(" emma, andrejq,Zoe, , emma") == ["emma", "andrejq", "Zoe"]
    assert comma_words(" , ") == []


def test_breakdowns_say_why_a_word_is_skipped(lecture, lecture_N):
    P = probabilities(lecture_N, 1)
    scored, problems = breakdowns(["emma", "Zoe", "a" * 70], P, lecture_N, lecture.vocab, max_len=60)
    assert [b.word for b in scored] == ["emma"] and scored[0] == breakdown("emma", P, lecture_N, lecture.vocab)
    assert problems[0].startswith("'Zoe' has 'Z' at position 1")
    assert problems[1] == "'aaaaaaaaaaaa'… is longer than 60 characters."


def test_why_an_impossible_word_is_impossible(lecture, lecture_N):
    unseen = breakdown("andrejq", probabilities(lecture_N, 0), lecture_N, lecture.vocab)
    assert unseen.why_impossible(smoothable=True) == (
        "'jq' never occurs in the data, so P = 0 and −log 0 = ∞; smoothing (k > 0) fixes it."
    )
    P = probabilities(lecture_N, 1)
    P[1, 2] = 0  # 'ab' occurs, but this model rules it out
    ruled_out = breakdown("abc", P, lecture_N, lecture.vocab)
    assert ruled_out.why_impossible(smoothable=False) == "the model gives 'ab' probability 0, so P = 0 and −log 0 = ∞."
