"""Scoring: a word's bigram-by-bigram breakdown, a data set's average negative log-likelihood."""

import math
from dataclasses import asdict, dataclass

import torch

from .counts import bigram_counts
from .errors import BigramError
from .ngram import context_index
from .vocab import BOUNDARY, Vocabulary, typed


@dataclass(frozen=True)
class BigramScore:
    """One bigram of a word: its count in the data and what the model makes of it."""

    pair: str
    count: int
    prob: float
    logprob: float
    nll: float


@dataclass(frozen=True)
class Breakdown:
    """A word scored bigram by bigram; log_likelihood is the sum, nll the mean of the bigram NLLs."""

    word: str
    bigrams: tuple[BigramScore, ...]
    log_likelihood: float
    nll: float

    @property
    def zero_bigrams(self) -> list[str]:
        """The pairs the model gives probability 0: each makes the word's loss infinite."""
        return [b.pair for b in self.bigrams if b.prob == 0]

    def why_impossible(self, smoothable: bool) -> str:
        """One sentence on why the loss is infinite, naming the bigrams with P = 0."""
        pairs = " and ".join(f"'{p}'" for p in self.zero_bigrams)
        unseen = all(r.count == 0 for r in self.bigrams if r.prob == 0)
        verb = "occurs" if len(self.zero_bigrams) == 1 else "occur"
        cause = f"{pairs} never {verb} in the data" if unseen else f"the model gives {pairs} probability 0"
        return f"{cause}, so P = 0 and −log 0 = ∞{'; smoothing (k > 0) fixes it' if smoothable else ''}."

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class DatasetScore:
    """A model's fit to a list of words: the summed log-likelihood and its mean negative per bigram."""

    nll: float
    log_likelihood: float
    bigrams: int


def breakdown(word: str, P: torch.Tensor, N: torch.Tensor, vocab: Vocabulary, order: int = 2) -> Breakdown:
    """Score `word` under P (V, V), reporting each bigram's count in N (V, V).

    At order n (ngram.py) P and N are (V^(n−1), V) and each pair is an n-gram: the n−1 characters of
    the context, '.'-padded, then the next one.
    A zero probability gives logprob -inf and NLL inf (never nan): the word is impossible under P.
    """
    word = typed(word)
    ids = [0] * (order - 1) + vocab.encode(word) + [0]
    chars = BOUNDARY * (order - 1) + word + BOUNDARY
    rows = []
    for t in range(len(word) + 1):
        context, nxt = context_index(ids[t : t + order - 1], len(vocab)), ids[t + order - 1]
        prob = float(P[context, nxt])
        logprob = math.log(prob) if prob > 0 else -math.inf
        rows.append(BigramScore(chars[t : t + order], int(N[context, nxt]), prob, logprob, -logprob))
    log_likelihood = math.fsum(r.logprob for r in rows)
    return Breakdown(word, tuple(rows), log_likelihood, -log_likelihood / len(rows))


def dataset_nll(P: torch.Tensor, counts: torch.Tensor) -> DatasetScore:
    """Average NLL of the bigrams counted in `counts` (V, V) under P (V, V).

    The sum over every bigram of the data, -Σ log P[x, y], equals -Σ_ij counts[i, j] · log P[i, j]:
    one term per cell instead of one per bigram, and summed in float64 so it is exact to print.
    """
    logP = P.double().log()
    terms = torch.where(counts > 0, counts * logP, torch.zeros_like(logP))  # 0 · log 0 is 0, not nan
    log_likelihood = float(terms.sum())
    total = int(counts.sum())
    return DatasetScore(-log_likelihood / total, log_likelihood, total)


def score_words(P: torch.Tensor, words, vocab: Vocabulary) -> DatasetScore:
    """dataset_nll of `words` under P."""
    return dataset_nll(P, bigram_counts(words, vocab))


def compare_models(models: dict[str, torch.Tensor], counts: torch.Tensor) -> dict[str, DatasetScore]:
    """Each named model's P (V, V) scored on the same counts."""
    return {name: dataset_nll(P, counts) for name, P in models.items()}


def most_surprising(b: Breakdown) -> BigramScore:
    """The bigram of `b` the model found least likely: the highest NLL (the first one, on a tie)."""
    return max(b.bigrams, key=lambda r: r.nll)


def comma_words(text: str) -> list[str]:
    """The words of a comma-separated text, stripped, each once, in order: "emma, ava,emma" → ["emma", "ava"]."""
    return list(dict.fromkeys(w.strip() for w in text.split(",") if w.strip()))


def breakdowns(
    words: list[str], P: torch.Tensor, N: torch.Tensor, vocab: Vocabulary, max_len: int
) -> tuple[list[Breakdown], list[str]]:
    """Each word scored under P (V, V) with counts from N (V, V), and a sentence for each word that cannot be:
    longer than `max_len`, or with a character outside the vocabulary."""
    scored, problems = [], []
    for w in words:
        try:
            if len(w) > max_len:
                raise BigramError(f"{w[:12]!r}… is longer than {max_len} characters.")
            scored.append(breakdown(w, P, N, vocab))
        except BigramError as e:
            problems.append(str(e))
    return scored, problems
