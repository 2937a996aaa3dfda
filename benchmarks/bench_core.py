"""Core speed, measured in one run so the figures compare as ratios (not a test: machines are noisy).

Targets: counting >= 200x faster than the lecture's loop; 100 lecture steps >= 400x faster
than the one-hot path; >= 5,000 fast steps/s.    Usage: python -m benchmarks.bench_core [WORDS.txt]
"""

import sys
from pathlib import Path

import torch

from bigram_core import bigram_counts, fit, init_weights, load_bundled, load_path, train
from bigram_core.counts import bigram_counts_loop, bigram_examples
from bigram_core.exercises import best_time

LECTURE = Path(__file__).resolve().parents[2] / "shared" / "names.txt"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else LECTURE
    words = load_path(path) if path.exists() else load_bundled()
    print(
        f"data: {words.name}, {len(words.words):,} words, {words.n_bigrams:,} bigrams; torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads"
    )

    loop = best_time(lambda: bigram_counts_loop(words.words, words.vocab), 2)
    fast = best_time(lambda: bigram_counts(words.words, words.vocab), 20)
    print(
        f"counting   loop {loop * 1e3:9.1f} ms   vectorised {fast * 1e3:7.2f} ms   "
        f"{loop / fast:7.0f}x  (target >= 200x)"
    )

    N = bigram_counts(words.words, words.vocab)
    examples = bigram_examples(words.words, words.vocab)
    onehot = best_time(lambda: fit(N, 100, method="onehot", examples=examples), 2)
    counts = best_time(lambda: fit(N, 100), 10)
    print(
        f"100 steps  one-hot {onehot * 1e3:6.0f} ms   counts {counts * 1e3:9.2f} ms   "
        f"{onehot / counts:7.0f}x  (target >= 400x)"
    )

    W, n = init_weights(len(words.vocab)), 20_000
    seconds = best_time(lambda: [None for _ in train(W.clone(), N, n, lr=1.0)], 3)
    print(f"fast path  {n / seconds:,.0f} steps/s  (target >= 5,000)")


if __name__ == "__main__":
    main()
