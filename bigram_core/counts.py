"""Counting bigrams into the V×V matrix N, and turning counts into probabilities P."""

from collections.abc import Sequence

import numpy as np
import torch

from .errors import BigramError
from .limits import SMOOTHING_K
from .vocab import BOUNDARY, Vocabulary


def bigram_examples(words: Sequence[str], vocab: Vocabulary) -> tuple[torch.Tensor, torch.Tensor]:
    """The (previous, next) index pairs of every word, '.' at both ends: xs, ys of shape (B,), int64.

    Vectorised: join the words as ".emma.olivia." and read the consecutive pairs of that one string;
    each '.' ends one word and starts the next, so its pairs are exactly the words' bigrams.
    """
    joined = BOUNDARY + BOUNDARY.join(words) + BOUNDARY
    if joined.count(BOUNDARY) != len(words) + 1:  # some word contains '.' itself
        vocab.encode(next(w for w in words if BOUNDARY in w))  # raises, naming the word and position
    codepoints = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    table = np.array([ord(ch) for ch in vocab.itos])
    lookup = np.full(table.max() + 1, -1, dtype=np.int64)  # code point -> index, -1 if not in vocab
    lookup[table] = np.arange(len(table))
    ids = lookup[np.minimum(codepoints, table.max())]
    ids[codepoints > table.max()] = -1
    if (ids < 0).any():
        offset = int(np.argmax(ids < 0))
        word = joined[: joined.find(BOUNDARY, offset)].rsplit(BOUNDARY, 1)[-1]
        vocab.encode(word)  # raises, naming the character and its position
    ids = torch.from_numpy(ids)
    return ids[:-1], ids[1:]


COUNT_CHUNK = 1_000_000  # characters counted at once: bigram_examples' arrays take ~40 bytes per character


def bigram_counts(words: Sequence[str], vocab: Vocabulary) -> torch.Tensor:
    """N[i, j] = how often character j follows character i: shape (V, V), int64.

    bigram_examples' pairs of ".emma.olivia.", counted a slice of COUNT_CHUNK characters at a time (each slice
    overlaps the next by one, for the pair across the cut), so memory stays flat however long the list or a word.
    """
    joined = BOUNDARY + BOUNDARY.join(words) + BOUNDARY
    V = len(vocab)
    table = _lookup(vocab)
    N = torch.zeros(V * V, dtype=torch.int64)
    if joined.count(BOUNDARY) != len(words) + 1:  # a word contains '.': bigram_examples names it
        bigram_examples(words, vocab)
    for start in range(0, len(joined) - 1, COUNT_CHUNK):
        codepoints = np.frombuffer(joined[start : start + COUNT_CHUNK + 1].encode("utf-32-le"), dtype=np.uint32)
        ids = table[np.minimum(codepoints, len(table) - 1)]  # past the largest code point: the -1 at the end
        if (ids < 0).any():  # a character outside the vocabulary: bigram_examples names the word and position
            bigram_examples(words, vocab)
        pair_ids = torch.from_numpy(ids)
        N += torch.bincount(pair_ids[:-1] * V + pair_ids[1:], minlength=V * V)
    return N.view(V, V)


def _lookup(vocab: Vocabulary) -> np.ndarray:
    """Code point -> index in vocab, -1 where none; one entry past the largest code point, always -1."""
    table = np.array([ord(ch) for ch in vocab.itos])
    lookup = np.full(table.max() + 2, -1, dtype=np.int64)
    lookup[table] = np.arange(len(table))
    return lookup


def bigram_counts_loop(words: Sequence[str], vocab: Vocabulary) -> torch.Tensor:
    """The lecture's double loop, kept as the reference the vectorised count is tested against."""
    N = torch.zeros((len(vocab), len(vocab)), dtype=torch.int64)
    for w in words:
        chs = [BOUNDARY] + list(w) + [BOUNDARY]
        for ch1, ch2 in zip(chs, chs[1:]):
            N[vocab.stoi[ch1], vocab.stoi[ch2]] += 1
    return N


def check_smoothing(k: float) -> float:
    """k is a number of fake counts: any real k with 0 <= k <= SMOOTHING_K."""
    if not 0 <= k <= SMOOTHING_K:  # also false for nan
        raise BigramError(
            f"Smoothing k must be a number from 0 to {SMOOTHING_K:.0e} (fake counts added to every cell); got {k}."
        )
    return float(k)


def probabilities(N: torch.Tensor, k: float = 1.0) -> torch.Tensor:
    """P = (N + k) / row sums, shape (V, V) float32; each row is P(next | previous) and sums to 1.

    A row with no counts at all (possible only at k = 0) is left uniform rather than 0/0 = nan.
    """
    P = (N + check_smoothing(k)).float()
    row_sums = P.sum(1, keepdim=True)  # (V, 1): keepdim makes the division broadcast along rows
    P = P / row_sums
    return torch.where(row_sums > 0, P, torch.full_like(P, 1.0 / P.shape[1]))


def probabilities_keepdim_bug(N: torch.Tensor, k: float = 1.0) -> torch.Tensor:
    """The lecture's pitfall: P / P.sum(1) without keepdim, shape (V, V) float32, and wrong.

    P.sum(1) has shape (V,), which broadcasting aligns to the right as (1, V): column j is divided by
    row j's total, so the columns are scaled instead of the rows and no row sums to 1.
    """
    P = (N + check_smoothing(k)).float()
    return P / P.sum(1)


def uniform(V: int) -> torch.Tensor:
    """Every next character equally likely: shape (V, V) float32, each entry 1/V."""
    return torch.full((V, V), 1.0 / V)


def character_counts(N: torch.Tensor) -> torch.Tensor:
    """How often each character occurs in the words: the row sums of N, shape (V,) int64.

    Every character of a word is followed by exactly one bigram partner (the next character or the end
    '.'), so row i of N counts each occurrence of character i once; entry 0, the row of '.', counts the
    starts, one per word.
    """
    return N.sum(1)


def top_bigrams(N: torch.Tensor, vocab: Vocabulary, n: int = 10) -> list[tuple[str, int]]:
    """The n most frequent bigrams of N (V, V) as (pair, count), largest first; ties in row-then-column order."""
    V = len(vocab)
    flat = N.flatten()  # (V*V,): cell (i, j) is at i*V + j
    order = torch.argsort(flat, descending=True, stable=True)[:n]
    return [(vocab.itos[c // V] + vocab.itos[c % V], int(flat[c])) for c in order.tolist()]
