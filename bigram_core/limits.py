"""Limits: every bound on what a user may ask for, and the work budget of one request, in one place.

Library, CLI and views read them from here. Where the command line (one user, their own machine) and the shared
server (a classroom on 2 cores) legitimately differ, the name says which: CLI_STEPS and SERVER_STEPS. Work is
counted in cells, draws and examples, not file size: each figure keeps a page load or a click near 2 s of CPU and a
few hundred MB at any valid input; past it a view samples (saying so) or refuses with one sentence.
"""

from collections.abc import Sequence

import numpy as np
import torch

from .errors import BigramError

# Word lists: every word is a Python string in the server and in its worker while the list is parsed (~200 bytes
# each with the word counts), so a list of the most lines parses, counts and summarises in about a second of CPU
# and ~100 MB in each. The lecture's names are 32,033 lines and a large English dictionary ~370,000; a 20 MB file
# could hold 10 million one-letter lines.
WORD_LIST_LINES = 500_000
# 20 MiB: .streamlit/config.toml's server.maxUploadSize = 20, which Streamlit reads as MiB.
WORD_LIST_BYTES = 20 * 1024 * 1024
# Every model is a V×V table the views draw and train: at 500 characters the slowest view takes seconds; a few
# thousand (Chinese names, a binary file read as text) would take a shared server minutes and gigabytes.
VOCAB_CHARACTERS = 500

# Typed words: a word's tables and charts grow with it (a 300-character word takes Training seconds to draw);
# the lecture's longest name has 15 characters.
WORD_LENGTH = 60  # a typed word or prefix
SCORED_WORD_LENGTH = 1000  # Breakdown's word: long enough for P(word) to underflow; past it a table is unreadable
COMPARED_WORDS = 20  # Breakdown's words side by side: more would not fit the chart's axis

# Model settings.
SMOOTHING_K = 1e9  # beyond this every row is uniform to float32 precision, and N + k overflows sooner or later
LEARNING_RATE = REG_STRENGTH = 1e38  # float32 holds up to 3.4e38: anything larger is inf before training starts
NGRAM_CELLS = 50_000_000  # an n-gram table or one-hot matrix: order 5 on a–z is 14.3 M; 50 M int64 is 400 MB
CLI_STEPS = 1_000_000  # ~40 s on the fast path: past that a typo, not a lesson
SERVER_STEPS = 100_000  # a live run a class watches: at the default 25 steps/s, over an hour

# Names drawn per request, and the characters one name may take before it is cut.
CLI_NAMES = 100_000
SERVER_NAMES = 1000  # a table and a download of a thousand names is plenty; more only slows the page
CLI_NAME_LENGTH = 10_000
SERVER_NAME_LENGTH = 100  # a longer cut only widens the trace

# Seeds, as (lowest, highest).
CLI_SEEDS = (-(2**63), 2**64 - 1)  # what torch.Generator.manual_seed accepts
SERVER_SEEDS = (0, 2**53 - 1)  # a browser's number input holds integers exactly up to 2**53 - 1
SERVER_SPLIT_SEEDS = (0, 2**32 - 1)  # random.Random takes any integer; the page offers 32-bit ones

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

# The lesson's chapters run on the first words whose bigrams fit both.
LESSON_BIGRAMS = 300_000  # a Python loop over the lecture's 228,146 bigrams takes a second or two
LESSON_ONE_HOT_CELLS = 8_000_000  # chapter "gradient descent"'s one-hot matrix, bigrams × V floats (lecture: 6.2 M)


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
