"""Exercise E02: a seeded train/dev/test split of the words, as makemore part 2 makes it.

Fit on train, choose settings on dev, report test once. A name that occurs twice can land in train and
in dev, so the dev loss partly measures memory; `dedupe` removes repeats before shuffling.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from .errors import BigramError
from .vocab import Vocabulary

SPLIT_SEED = 42
FRACTIONS = (0.8, 0.1, 0.1)
PARTS = ("train", "dev", "test")


@dataclass(frozen=True)
class Split:
    """The words in three parts. `order` is the shuffled list of positions into `words` (the list after
    dedupe); train is words at order[:n1], dev at order[n1:n2], test at order[n2:]."""

    words: tuple[str, ...]
    order: tuple[int, ...]
    n1: int
    n2: int
    seed: int
    duplicates_removed: int
    vocab: Vocabulary  # from the whole list, so the indices of every part agree

    def positions(self, part: str) -> tuple[int, ...]:
        """Where the words of `part` are in `words`."""
        bounds = {"train": (0, self.n1), "dev": (self.n1, self.n2), "test": (self.n2, len(self.order))}
        if part not in bounds:
            raise BigramError(f"The split part must be one of {', '.join(PARTS)}; got {part!r}.")
        start, stop = bounds[part]
        return self.order[start:stop]

    def part(self, part: str) -> tuple[str, ...]:
        """The words of `part` ("train", "dev" or "test"), in shuffled order; an empty part is an error."""
        words = tuple(self.words[i] for i in self.positions(part))
        if not words:
            raise BigramError(
                f"The {part} part of a split of {len(self.words):,} words is empty; a split needs at least 10 words."
            )
        return words

    @cached_property
    def train(self) -> tuple[str, ...]:
        return self.part("train")

    @cached_property
    def dev(self) -> tuple[str, ...]:
        return self.part("dev")

    @cached_property
    def test(self) -> tuple[str, ...]:
        return self.part("test")

    @property
    def sizes(self) -> dict[str, int]:
        return {"train": self.n1, "dev": self.n2 - self.n1, "test": len(self.order) - self.n2}

    @cached_property
    def leaked(self) -> int:
        """How many dev and test words also occur in train: 0 after dedupe."""
        seen = {self.words[i] for i in self.positions("train")}
        return sum(self.words[i] in seen for i in self.order[self.n1 :])


def check_fractions(fractions: Sequence[float]) -> tuple[float, float, float]:
    """Three shares ≥ 0 that add up to 1."""
    if len(fractions) != 3 or not all(0 <= f <= 1 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise BigramError(
            f"The split needs three fractions (train, dev, test), each ≥ 0, adding up to 1; got {tuple(fractions)}."
        )
    train, dev, test = (float(f) for f in fractions)
    return train, dev, test


def split(
    words: Sequence[str], seed: int = SPLIT_SEED, fractions: Sequence[float] = FRACTIONS, dedupe: bool = False
) -> Split:
    """Shuffle `words` with random.Random(seed) and cut it at n1 = int(0.8·len), n2 = int(0.9·len).

    The same shuffle as makemore part 2's `random.seed(42); random.shuffle(words)`: shuffling the
    positions 0…len−1 makes the same swaps as shuffling the words, and keeps where each word came from.
    With dedupe, each word is kept at its first occurrence before shuffling.
    """
    train_share, _, test_share = check_fractions(fractions)
    kept = tuple(dict.fromkeys(words)) if dedupe else tuple(words)  # dict keeps first-occurrence order
    order = list(range(len(kept)))
    random.Random(seed).shuffle(order)
    # 1 − test share rather than train + dev share: 1 − 0.1 is exactly 0.9 in floating point, 0.8 + 0.1 is not
    n1, n2 = int(train_share * len(kept)), int((1 - test_share) * len(kept))
    return Split(kept, tuple(order), n1, n2, seed, len(words) - len(kept), Vocabulary.from_words(words))
