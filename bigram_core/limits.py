"""Work budgets: how much one request may compute, counted in work (cells, draws, examples), not file size.

A classroom shares one server: each figure keeps a page load or a click near 2 s of CPU and a few hundred
MB on a 2-core machine at any valid input; past it a view samples (saying so) or refuses with one sentence.
"""

from collections.abc import Sequence

import numpy as np
import torch

from .errors import BigramError

# Word lists: every word is a Python string in the server and in its worker while the list is parsed (~200 bytes
# each with the word counts), so a list of the most lines parses, counts and summarises in about a second of CPU
# and ~100 MB in each. The lecture's names are 32,033 lines and a large English dictionary ~370,000; a 20 MB file
# could hold 10 million one-letter lines.
MAX_LINES = 500_000

# Sampling: a name cut at its maximum length is drawn on to its '.' so the cut does not shift later names.
SAMPLE_DRAWS = 100_000  # draws past the cut per request
RUN_ON = 10_000  # draws past the cut one name may take (a greedy cycle never draws '.')

# Exercises: a split, its n-gram tables and the sweeps grow with the bigram examples.
EXERCISE_EXAMPLES = 300_000  # the lecture's list has 228,146; beyond it a seeded sample of the words
ONE_HOT_CELLS = 6_500_000  # E04/E05: examples × V floats of one-hot, timed 5 times; the lecture: 228,146 × 27
ONE_HOT_PRODUCTS = 170_000_000  # and one_hot @ W's examples × V × V multiply-adds; the lecture: 228,146 × 27²
NET_TUNING_CELLS = 200_000  # E03's net: (contexts seen + 1) × V weights, Newton-trained at every λ
TABLE_CELLS = 15_000_000  # an order's V^(n−1) × V table, counted and swept over k: the lecture's order 5 is 14.3 M
MIN_DEV_WORDS = 50  # below this a dev part cannot tell one setting from another

# Smoothing trains a V×V net to convergence at every λ and matches each to a k.
SMOOTHING_CELLS = 200 * 200


# The longest word a page draws in full; a longer one is shown cut, with an ellipsis.
SHOWN_CHARACTERS = 60


def sample_words(
    words: Sequence[str], max_examples: int, seed: int = 0, lengths: np.ndarray | None = None
) -> tuple[str, ...]:
    """A seeded sample of `words`, in list order, whose bigram examples (len + 1 each) fit max_examples.
    `lengths` (W,) int64, if given, are the words' lengths (WordList.lengths), which saves measuring them."""
    order = torch.randperm(len(words), generator=torch.Generator().manual_seed(seed))
    if lengths is None:
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    examples = torch.from_numpy(lengths)[order].add_(1).cumsum(0)
    chosen = order[: int(torch.searchsorted(examples, max_examples, right=True))].sort().values
    return tuple(words[i] for i in chosen.tolist())


def one_hot_examples(V: int) -> int:
    """How many examples E04/E05 may put through one_hot(xs) @ W (V, V): its cells and its products grow with V."""
    return min(ONE_HOT_CELLS // V, ONE_HOT_PRODUCTS // V**2)


def check_table(order: int, V: int, budget: int = TABLE_CELLS) -> None:
    """Refuse, with a sentence, an order whose V^(n−1) × V table is past what one click may build and sweep."""
    cells = V**order
    if cells > budget:
        raise BigramError(
            f"Order {order} on {V} characters is a table of {V}^{order - 1} × {V} = {cells:,} cells, more than the "
            f"{budget:,} one click may count and tune; choose a lower order."
        )


def sample_examples(xs: torch.Tensor, ys: torch.Tensor, max_examples: int, seed: int = 0):
    """At most max_examples of the examples (xs, ys), a seeded sample in their order."""
    if len(xs) <= max_examples:
        return xs, ys
    keep = torch.randperm(len(xs), generator=torch.Generator().manual_seed(seed))[:max_examples].sort().values
    return xs[keep], ys[keep]


def shown(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`text`, or its first `limit` characters and an ellipsis with how many there are."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"
