"""The lecture's exercises, measured in one run (not a test: machines are noisy).

E04: the one-hot matmul against indexing, forward and forward+backward, over every bigram of the list,
on one torch thread (as the app runs) and on the default number.
E01–E03: on a seeded 80/10/10 split (seed 42), each order's counts model at its dev-tuned k and the
net at its dev-tuned λ: train, dev and test NLL, the test loss reported for the chosen setting only.
Usage: python -m benchmarks.bench_exercises [WORDS.txt]
"""

import sys
import time
from pathlib import Path

import torch

from bigram_core import bigram_counts, fit, load_bundled, load_path
from bigram_core.counts import bigram_examples
from bigram_core.exercises import overflow, time_lookups
from bigram_core.splits import split
from bigram_core.tuning import STRENGTH, tune

LECTURE = Path(__file__).resolve().parents[2] / "shared" / "names.txt"
ORDERS = {"counts": (2, 3, 4, 5), "net": (2, 3, 4)}


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else LECTURE
    words = load_path(path) if path.exists() else load_bundled()
    print(
        f"data: {words.name}, {len(words.words):,} words, {words.n_bigrams:,} bigrams; torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads"
    )

    W, _ = fit(bigram_counts(words.words, words.vocab))
    xs, ys = bigram_examples(words.words, words.vocab)
    print("\nE04  logits of every bigram, best of 20 (ms); speed-up over the one-hot matmul")
    threads = torch.get_num_threads()
    for n_threads in sorted({1, threads}):  # the app runs torch on one thread
        torch.set_num_threads(n_threads)
        for backward in (False, True):
            times = time_lookups(W, xs, ys, backward=backward, repeats=20)
            onehot = times["one-hot @ W"]
            cells = "   ".join(f"{name} {t * 1e3:6.2f} ({onehot / t:5.1f}x)" for name, t in times.items())
            label = (
                f"{n_threads} thread{'s' if n_threads > 1 else ' '}  {'forward+backward' if backward else 'forward'}"
            )
            print(f"  {label:27}  {cells}")
    torch.set_num_threads(threads)

    print("\nE05  the lecture's net, logits scaled to a largest |logit| of m")
    for m in (10.0, 50.0, 88.0, 100.0):
        o = overflow(W, xs, ys, m)
        print(f"  m = {m:5.1f}   manual softmax {o.manual:9.4f}   F.cross_entropy {o.cross_entropy:9.4f}")

    for dedupe in (False, True):
        parts = split(words.words, dedupe=dedupe)
        sizes = ", ".join(f"{part} {n:,}" for part, n in parts.sizes.items())
        print(
            f"\nE01-E03  split seed 42{', duplicates removed first' if dedupe else ''}: {sizes}; "
            f"{parts.leaked:,} dev/test words also in train"
        )
        print(f"  {'model':6}  {'n':>1}  {'chosen':>10}  {'train':>6}  {'dev':>6}  {'test':>6}  {'seconds':>7}")
        for model, orders in ORDERS.items():
            for order in orders:
                start = time.perf_counter()
                t = tune(parts, order, model)
                seconds = time.perf_counter() - start
                chosen = f"{STRENGTH[model]}={t.chosen:.3g}"
                print(
                    f"  {model:6}  {order}  {chosen:>10}  {t.best.train_nll:6.4f}  {t.best.dev_nll:6.4f}  "
                    f"{t.test_nll:6.4f}  {seconds:7.2f}"
                )


if __name__ == "__main__":
    main()
