"""`python -m bigram_core`: the lecture from the terminal. Exit code 2 and one line on stderr for bad input.

The exercises extend it: `--order N` (a context of N−1 characters, ngram.py) on every command,
`evaluate --split train|dev|test` (splits.py) and `tune` (tuning.py). Without these options every
command prints exactly what it printed before them.
"""

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import cast

import torch

from .counts import probabilities, uniform
from .data import WordList, load_bundled, load_path
from .errors import BigramError
from .evaluate import breakdown, dataset_nll
from .limits import CLI_NAME_LENGTH, CLI_NAMES, CLI_SEEDS, CLI_STEPS, NGRAM_CELLS
from .neural import INITS, METHODS, fit, probs
from .ngram import ORDERS, check_order, contexts_seen, ngram_counts, ngram_examples
from .sampling import DEFAULT_MAX_LEN, SAMPLERS, SEED, sample
from .splits import PARTS, SPLIT_SEED, split
from .tuning import MODELS, STRENGTH, examples_nll, tune
from .vocab import Vocabulary


class Parser(argparse.ArgumentParser):
    def error(self, message):
        """One clear line on stderr and exit code 2, instead of argparse's usage block."""
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def count_up_to(limit: int):
    """An argparse type: a whole number from 0 to `limit`, refused with a sentence otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not 0 <= value <= limit:
            raise argparse.ArgumentTypeError(f"{value:,} is outside 0 to {limit:,}")
        return value

    return parse


def seed_number(text: str) -> int:
    """An argparse type: a whole number torch.Generator can be seeded with."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not CLI_SEEDS[0] <= value <= CLI_SEEDS[1]:
        raise argparse.ArgumentTypeError(f"{value} is outside torch's seed range, -2**63 to 2**64 - 1")
    return value


def build_parser(prog: str = "python -m bigram_core", more: Callable | None = None) -> argparse.ArgumentParser:
    """The commands' parser; `more(subparsers)` adds commands (the `bigram-lab` script adds `serve`)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", help="word list, one word per line (default: the bundled SSA 2017 names)")
    common.add_argument("--json", action="store_true", help="print one JSON object")

    order = argparse.ArgumentParser(add_help=False)
    order.add_argument(
        "--order",
        type=int,
        default=None,
        help=f"context of N−1 characters, N in {ORDERS[0]}..{ORDERS[-1]} (default 2, the bigram model)",
    )

    splitting = argparse.ArgumentParser(add_help=False)
    splitting.add_argument(
        "--split-seed",
        type=int,
        default=None,
        help=f"seeds the shuffle of the train/dev/test split (default {SPLIT_SEED})",
    )
    splitting.add_argument("--dedupe", action="store_true", help="remove repeated words before splitting")

    model = argparse.ArgumentParser(add_help=False)
    model.add_argument("--smoothing", type=float, default=1.0, help="fake counts k added to every cell (default 1)")

    train = argparse.ArgumentParser(add_help=False)
    train.add_argument("--steps", type=count_up_to(CLI_STEPS), default=100)
    train.add_argument("--lr", type=float, default=50.0, help="learning rate")
    train.add_argument("--reg", type=float, default=0.01, help="regularisation strength λ")
    train.add_argument("--seed", type=seed_number, default=SEED, help="seeds the weights and, separately, sampling")
    train.add_argument("--init", choices=INITS, default="randn")
    train.add_argument("--method", choices=METHODS, default="counts", help="fast counts path or the lecture's one-hot")

    parser = Parser(prog=prog, description="Bigram Lab: makemore part 1 from the terminal.")
    # Typed as plain ArgumentParser's: the shared option groups (parents=) are plain ArgumentParsers.
    sub = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", required=True, parser_class=Parser),
    )
    sub.add_parser("stats", parents=[common, order], help="size, lengths and vocabulary of a word list")
    p = sub.add_parser("breakdown", parents=[common, order, model, train], help="a word's NLL bigram by bigram")
    p.add_argument("word")
    p.add_argument("--model", choices=MODELS, default="counts")
    p = sub.add_parser(
        "evaluate",
        parents=[common, order, model, train, splitting],
        help="average NLL of the whole word list, or of one part of a split",
    )
    p.add_argument("--model", choices=MODELS, default="counts")
    p.add_argument(
        "--split", choices=PARTS, default=None, help="fit on the train part of a seeded split, score this part"
    )
    p = sub.add_parser("sample", parents=[common, order, model, train], help="sample new names")
    p.add_argument("--model", choices=("counts", "net", "uniform"), default="counts")
    p.add_argument("-n", type=count_up_to(CLI_NAMES), default=5, help="how many names")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--prefix", default="")
    p.add_argument(
        "--sampler",
        choices=SAMPLERS,
        default="torch",
        help="torch: today's torch.multinomial; video: the draws the lecture's video shows (mor. axx. …)",
    )
    p.add_argument(
        "--max-len",
        type=count_up_to(CLI_NAME_LENGTH),
        default=DEFAULT_MAX_LEN,
        help=f"keep at most this many characters of a name; a cut name ends in … (default {DEFAULT_MAX_LEN})",
    )
    sub.add_parser("train", parents=[common, order, train], help="gradient descent on the one-layer net")
    p = sub.add_parser(
        "tune",
        parents=[common, order, splitting],
        help="choose smoothing k or regularisation λ on dev, report the test loss once",
    )
    p.add_argument(
        "--model",
        choices=MODELS,
        default="counts",
        help="counts: sweep k; net: sweep λ, the net trained to convergence at each",
    )
    if more is not None:
        more(sub)
    return parser


def order_of(args) -> int:
    return 2 if args.order is None else args.order


def run_training(args, words: Sequence[str], vocab: Vocabulary, N: torch.Tensor):
    """Train W shaped like N (V^(n−1), V) with the train options on `words`; returns W, the records and
    the wall time of the loop."""
    examples = None
    if args.method == "onehot":
        examples = ngram_examples(words, vocab, order_of(args))
        if len(examples[1]) * N.shape[0] > NGRAM_CELLS:  # the one-hot matrix is B × V^(n−1)
            raise BigramError(
                f"--method onehot would build a one-hot matrix of {len(examples[1]):,} examples × {N.shape[0]:,} "
                f"contexts, over the {NGRAM_CELLS:,}-cell limit; use --method counts (the same losses)."
            )
    start = time.perf_counter()
    W, records = fit(N, args.steps, args.lr, args.reg, args.seed, args.init, args.method, examples)
    return W, records, time.perf_counter() - start


def model_probs(args, words: Sequence[str], vocab: Vocabulary, N: torch.Tensor) -> torch.Tensor:
    """P (V^(n−1), V) of the model the options name, fitted on `words` (whose counts are N)."""
    if args.model == "net":
        return probs(run_training(args, words, vocab, N)[0])
    if args.model == "uniform":
        return uniform(len(vocab))[:1].expand(N.shape)  # every context has the same row: no copies
    return probabilities(N, args.smoothing)


def all_counts(args, words: WordList) -> torch.Tensor:
    """N (V^(n−1), V) of the whole word list."""
    return ngram_counts(words.words, words.vocab, order_of(args))


def with_order(args, result: dict) -> dict:
    """`--order` given adds the order to what a command reports; without it the output is as before."""
    return result if args.order is None else {**result, "order": args.order}


def chosen_split(args, words: WordList):
    """The seeded split the --split-seed and --dedupe options name."""
    return split(words.words, SPLIT_SEED if args.split_seed is None else args.split_seed, dedupe=args.dedupe)


def cmd_stats(args, words):
    result = {
        "words": len(words.words),
        "unique_words": words.unique_words,
        "bigrams": words.n_bigrams,
        "vocab": str(words.vocab),
        "min_len": int(words.lengths.min()),
        "max_len": int(words.lengths.max()),
    }
    if args.order is not None:
        result |= {"order": args.order, "contexts": contexts_seen(all_counts(args, words))}
    return result


def cmd_breakdown(args, words):
    N = all_counts(args, words)
    result = breakdown(args.word, model_probs(args, words.words, words.vocab, N), N, words.vocab, order_of(args))
    return {"word": result.word, "model": args.model, **{k: v for k, v in result.to_dict().items() if k != "word"}}


def cmd_evaluate(args, words):
    if args.split is None:
        if args.split_seed is not None or args.dedupe:
            raise BigramError("--split-seed and --dedupe choose a split: use them with --split train|dev|test.")
        N = all_counts(args, words)
        score = dataset_nll(model_probs(args, words.words, words.vocab, N), N)
        return with_order(args, {"model": args.model, **asdict(score)})
    parts = chosen_split(args, words)
    N = ngram_counts(parts.train, parts.vocab, order_of(args))
    P = model_probs(args, parts.train, parts.vocab, N)
    score = examples_nll(P, *ngram_examples(parts.part(args.split), parts.vocab, order_of(args)))
    return with_order(args, {"model": args.model, "split": args.split, **asdict(score)})


def cmd_sample(args, words):
    P = model_probs(args, words.words, words.vocab, all_counts(args, words))
    if args.max_len < 1:
        raise BigramError(f"--max-len must be at least 1; got {args.max_len}.")
    samples = sample(
        P,
        words.vocab,
        args.n,
        args.seed,
        args.temperature,
        args.prefix,
        args.max_len,
        order_of(args),
        sampler=args.sampler,
    )
    result = {"names": [s.name for s in samples]}
    cut = [i for i, s in enumerate(samples) if not s.ended]
    return result | {"cut": cut} if cut else result  # the indices of names cut at --max-len


def cmd_tune(args, words):
    return tune(chosen_split(args, words), order_of(args), args.model).to_dict()


def cmd_train(args, words):
    N = all_counts(args, words)
    W, records, seconds = run_training(args, words.words, words.vocab, N)
    return {
        "losses": [r.loss for r in records],
        "data_nll": records[-1].data_nll if records else dataset_nll(probs(W), N).nll,
        "steps": len(records),
        "seconds": seconds,
    }


def fmt(x) -> str:
    """A number for people: 4 decimals for floats (∞ spelled inf), thousands separators for ints."""
    if isinstance(x, float):
        return str(x) if not math.isfinite(x) else f"{x:.4f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def print_table(rows: list[dict]) -> None:
    """Rows of equal keys as right-aligned columns under their names (nothing for no rows)."""
    if not rows:
        return
    columns = list(rows[0])
    cells = [[fmt(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths)))
    for row in cells:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths)))


def print_fields(result: dict) -> None:
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key.ljust(width)}  {fmt(value)}")


def show(command: str, result: dict) -> None:
    """Print a result for people."""
    if command == "sample":
        cut = set(result.get("cut", ()))
        print("\n".join(name + (" …" if i in cut else "") for i, name in enumerate(result["names"])))
    elif command == "breakdown":
        print_fields({"word": result["word"], "model": result["model"]})
        print_table(result["bigrams"])
        print_fields({"log_likelihood": result["log_likelihood"], "nll": result["nll"]})
    elif command == "tune":
        name = STRENGTH[result["model"]]  # k or λ
        print_fields({"model": result["model"], "order": result["order"]})
        print_table(
            [
                {name: f"{p['strength']:.3g}", "train_nll": p["train_nll"], "dev_nll": p["dev_nll"]}
                for p in result["sweep"]
            ]
        )
        print_fields({f"chosen {name}": f"{result['chosen']:.3g}", "test_nll": result["test_nll"]})
    elif command == "train":
        print_fields({k: v for k, v in result.items() if k != "losses"})
        print_table([{"step": i, "loss": loss} for i, loss in enumerate(result["losses"])])
    else:
        print_fields(result)


def jsonable(x):
    """Non-finite floats become the strings "inf", "-inf", "nan" so the output is strict JSON."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    return x


COMMANDS = {
    "stats": cmd_stats,
    "breakdown": cmd_breakdown,
    "evaluate": cmd_evaluate,
    "sample": cmd_sample,
    "train": cmd_train,
    "tune": cmd_tune,
}


def main(argv: list[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Run one parsed command: print its result, or one line on stderr and return 2 for bad input."""
    try:
        words = load_bundled() if args.data is None else load_path(args.data)
        check_order(order_of(args), len(words.vocab))
        result = COMMANDS[args.command](args, words)
    except BigramError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        if args.json:
            print(json.dumps(jsonable(result), ensure_ascii=False))
        else:
            show(args.command, result)
        sys.stdout.flush()
    except BrokenPipeError:  # `… | head -1` closed the pipe: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit-time flush is silent too
    return 0
