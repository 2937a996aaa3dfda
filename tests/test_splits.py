"""E02, the seeded train/dev/test split: makemore part 2's shuffle, disjoint parts, 80/10/10, dedupe."""

import random
from collections import Counter

import pytest

from bigram_core import BigramError, Vocabulary
from bigram_core.splits import split

WORDS = [f"w{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(1000)]  # 676 distinct, 324 repeats


def test_the_same_split_as_makemore_part_2(lecture):
    words = list(lecture.words)
    random.seed(42)
    random.shuffle(words)
    n1, n2 = int(0.8 * len(words)), int(0.9 * len(words))
    s = split(lecture.words)
    assert (list(s.train), list(s.dev), list(s.test)) == (words[:n1], words[n1:n2], words[n2:])
    assert s.sizes == {"train": 25626, "dev": 3203, "test": 3204}


def test_parts_are_disjoint_positions_covering_the_list():
    s = split(WORDS, seed=3)
    positions = [s.positions(part) for part in ("train", "dev", "test")]
    assert sorted(p for part in positions for p in part) == list(range(len(WORDS)))  # each position once
    assert Counter(s.train) + Counter(s.dev) + Counter(s.test) == Counter(WORDS)
    assert [len(p) for p in positions] == [800, 100, 100]


def test_repeats_leak_unless_deduped(lecture):
    s = split(lecture.words)
    assert s.leaked > 0 and s.duplicates_removed == 0
    d = split(lecture.words, dedupe=True)
    assert d.duplicates_removed == 2539 and len(d.words) == 29494 == len(set(lecture.words))
    assert d.sizes == {"train": 23595, "dev": 2949, "test": 2950}
    train, dev, test = set(d.train), set(d.dev), set(d.test)
    assert not (train & dev or train & test or dev & test) and d.leaked == 0
    assert train | dev | test == set(lecture.words)


def test_dedupe_keeps_first_occurrences_in_order():
    s = split(["b", "a", "b", "c", "a"], seed=1, dedupe=True)
    assert s.words == ("b", "a", "c") and s.duplicates_removed == 2


def test_deterministic_per_seed_different_across_seeds():
    assert split(WORDS, seed=5) == split(WORDS, seed=5)
    assert split(WORDS, seed=5).train != split(WORDS, seed=6).train
    assert split(WORDS).seed == 42


def test_vocabulary_comes_from_the_whole_list():
    words = ["ab"] * 9 + ["zq"]  # 'z' and 'q' land in one part only
    s = split(words)
    assert s.vocab == Vocabulary.from_words(words) and set("zq") <= set(s.vocab.itos)


def test_other_fractions():
    s = split(WORDS, fractions=(0.5, 0.25, 0.25))
    assert s.sizes == {"train": 500, "dev": 250, "test": 250}
    for bad in [(0.8, 0.1), (0.8, 0.3, 0.1), (1.2, -0.1, -0.1)]:
        with pytest.raises(BigramError, match="three fractions"):
            split(WORDS, fractions=bad)


def test_an_empty_part_is_a_clear_error():
    s = split(["ab", "ba", "aa"])  # int(0.8·3) = int(0.9·3) = 2: no dev word
    assert s.sizes == {"train": 2, "dev": 0, "test": 1}
    with pytest.raises(BigramError, match="The dev part of a split of 3 words is empty"):
        s.part("dev")
    with pytest.raises(BigramError, match="one of train, dev, test"):
        s.part("valid")
