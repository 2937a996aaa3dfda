"""The one-word steps of /training on a plain dict: the lecture's "emma" losses, W.grad's rows, reset."""

import pytest

from bigram_core import parse_text
from ui import word_steps

ALPHABET = parse_text("abcdefghijklmnopqrstuvwxyz\n", "a-z.txt")  # the lecture's vocabulary: '.' and a–z


def test_two_steps_on_emma_give_the_lectures_losses():
    session: dict = {}
    assert word_steps.steps(session, "emma", ALPHABET, 2147483647)["losses"] == pytest.approx([3.769305], abs=1e-6)
    for _ in range(2):
        word_steps.step(session, "emma", ALPHABET, 2147483647)
    held = word_steps.steps(session, "emma", ALPHABET, 2147483647)
    assert [round(x, 4) for x in held["losses"]] == [3.7693, 3.7492, 3.7292]
    assert held["grad"].abs().sum(1).nonzero().flatten().tolist() == [0, 1, 5, 13]  # the rows of '.', a, e, m


def test_another_word_or_seed_starts_afresh_and_reset_goes_back():
    session: dict = {}
    word_steps.step(session, "emma", ALPHABET, 2147483647)
    assert len(word_steps.steps(session, "ava", ALPHABET, 2147483647)["losses"]) == 1
    word_steps.step(session, "ava", ALPHABET, 2147483647)
    assert len(word_steps.steps(session, "ava", ALPHABET, 42)["losses"]) == 1
    word_steps.reset(session)
    assert session == {}
