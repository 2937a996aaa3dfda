"""Sampling: the lecture's seeded draws, temperature, prefix, maximum length, the step trace."""

import pytest
import torch

from bigram_core import BigramError, probabilities, sample, uniform
from bigram_core.sampling import draw, names, with_temperature


def test_counts_model_gives_the_lectures_names(lecture, lecture_N):
    got = names(sample(probabilities(lecture_N, 1), lecture.vocab, 5, seed=2147483647))
    assert got == ["cexze.", "momasurailezitynn.", "konimittain.", "llayn.", "ka."]


def test_same_seed_same_names_other_seed_other_names(lecture, lecture_N):
    P = probabilities(lecture_N, 1)
    assert names(sample(P, lecture.vocab, 20, seed=3)) == names(sample(P, lecture.vocab, 20, seed=3))
    assert names(sample(P, lecture.vocab, 20, seed=3)) != names(sample(P, lecture.vocab, 20, seed=4))


def test_trace_is_the_rows_of_P(lecture, lecture_N):
    P = probabilities(lecture_N, 1)
    (s,) = sample(P, lecture.vocab, 1)
    assert "".join(step.char for step in s.steps) == s.name + "."
    for step in s.steps:
        row = P[lecture.vocab.stoi[step.context]]
        assert torch.equal(step.probs, row) and step.prob == float(row[lecture.vocab.stoi[step.char]])


def test_temperature():
    P = torch.tensor([[0.2, 0.8], [0.5, 0.5]])
    assert with_temperature(P, 1) is P
    assert torch.allclose(
        with_temperature(P, 0.5), torch.tensor([[0.04, 0.64], [0.25, 0.25]]) / torch.tensor([[0.68], [0.5]])
    )
    assert with_temperature(P, 1e-3)[0, 1] > 0.999 and torch.allclose(
        with_temperature(P, 1e4), torch.full((2, 2), 0.5), atol=1e-3
    )
    extreme = torch.tensor([[0.2, 0.8, 0.0], [0.5, 0.5, 0.0]])
    for cold in (1e-40, 1e-320, 5e-324):  # down to the smallest float: every row's likeliest character, ties shared
        assert with_temperature(extreme, cold).tolist() == [[0, 1, 0], [0.5, 0.5, 0]]
    for hot in (1e300, 1.7e308):  # uniform over the characters the row allows
        assert with_temperature(extreme, hot).tolist() == [[0.5, 0.5, 0], [0.5, 0.5, 0]]
    for bad in (0, -1, float("nan")):
        with pytest.raises(BigramError, match="Temperature"):
            with_temperature(P, bad)


def test_prefix_and_max_length(lecture, lecture_N):
    P = probabilities(lecture_N, 1)
    for s in sample(P, lecture.vocab, 10, prefix="ja"):
        assert s.name.startswith("ja") and s.steps[0].context == "a"
    cut = sample(uniform(27), lecture.vocab, 50, max_len=3)
    assert all(len(s.name) <= 3 for s in cut) and any(not s.ended for s in cut)
    with pytest.raises(BigramError, match="'Q' at position 1"):
        sample(P, lecture.vocab, 1, prefix="Qa")


def test_bad_counts():
    with pytest.raises(BigramError):
        sample(uniform(3), None, -1)


def test_video_sampler_gives_the_videos_names(lecture, lecture_N):
    P = probabilities(lecture_N, 1)
    got = names(sample(P, lecture.vocab, 5, seed=2147483647, sampler="video"))
    assert got == ["mor.", "axx.", "minaymoryles.", "kondlaisah.", "anchshizarie."]
    assert got != names(sample(P, lecture.vocab, 5, seed=2147483647))  # today's torch draws 'c' first


def test_video_sampler_is_the_inverse_cdf_and_never_draws_a_zero():
    p = torch.tensor([0.0, 0.25, 0.0, 0.75, 0.0])
    g = torch.Generator().manual_seed(0)
    us = torch.rand(2000, dtype=torch.float64, generator=g)
    g = torch.Generator().manual_seed(0)
    draws = [draw(p, g, "video") for _ in range(2000)]
    assert draws == [1 if u < 0.25 else 3 for u in us.tolist()]  # the first index whose cdf exceeds u
    assert 0.2 < draws.count(1) / 2000 < 0.3
    with pytest.raises(BigramError, match="sampler must be one of torch, video"):
        sample(uniform(3), None, 1, sampler="numpy")
