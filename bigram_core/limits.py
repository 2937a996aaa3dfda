"""Work budgets: how much one request may compute, counted in work (cells, draws, examples), not file size.

A classroom shares one server: each figure keeps a page load or a click near 2 s of CPU and a few hundred
MB on a 2-core machine at any valid input; past it a view samples (saying so) or refuses with one sentence.
"""
import random
from typing import Sequence

import torch

# Sampling: a name cut at its maximum length is drawn on to its '.' so the cut does not shift later names.
SAMPLE_DRAWS = 100_000  # draws past the cut per request
RUN_ON = 10_000  # draws past the cut one name may take (a greedy cycle never draws '.')

# Exercises: a split, its n-gram tables and the sweeps grow with the bigram examples.
EXERCISE_EXAMPLES = 300_000  # the lecture's list has 228,146; beyond it a seeded sample of the words
ONE_HOT_CELLS = 5_000_000  # E04/E05: examples × V floats of one-hot, timed five times (20 MB)
NET_TUNING_CELLS = 200_000  # E03's net: (contexts seen + 1) × V weights, Newton-trained at every λ
MIN_DEV_WORDS = 50  # below this a dev part cannot tell one setting from another

# Smoothing trains a V×V net to convergence at every λ and matches each to a k.
SMOOTHING_CELLS = 200 * 200


# The longest word a page draws in full; a longer one is shown cut, with an ellipsis.
SHOWN_CHARACTERS = 60


def sample_words(words: Sequence[str], max_examples: int, seed: int = 0) -> tuple[str, ...]:
    """A seeded sample of `words`, in list order, whose bigram examples (len + 1 each) fit max_examples."""
    order = list(range(len(words)))
    random.Random(seed).shuffle(order)
    chosen, examples = [], 0
    for i in order:
        examples += len(words[i]) + 1
        if examples > max_examples:
            break
        chosen.append(i)
    return tuple(words[i] for i in sorted(chosen))


def sample_examples(xs: torch.Tensor, ys: torch.Tensor, max_examples: int, seed: int = 0):
    """At most max_examples of the examples (xs, ys), a seeded sample in their order."""
    if len(xs) <= max_examples:
        return xs, ys
    keep = torch.randperm(len(xs), generator=torch.Generator().manual_seed(seed))[:max_examples].sort().values
    return xs[keep], ys[keep]


def shown(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`text`, or its first `limit` characters and an ellipsis with how many there are."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"
