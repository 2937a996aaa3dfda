"""`python -m bigram_core`: the lecture from the terminal. Exit code 2 and one line on stderr for bad input."""
import argparse
import json
import math
import sys
import time
from dataclasses import asdict

import torch

from .counts import bigram_counts, bigram_examples, probabilities, uniform
from .data import BUNDLED_PATH, WordList, load_path
from .errors import BigramError
from .evaluate import breakdown, dataset_nll
from .neural import INITS, METHODS, fit, probs
from .sampling import SEED, sample


class Parser(argparse.ArgumentParser):
    def error(self, message):
        """One clear line on stderr and exit code 2, instead of argparse's usage block."""
        self.exit(2, f"error: {message} (see `python -m bigram_core {self.prog.split()[-1]} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", default=str(BUNDLED_PATH), help="word list, one word per line (default: bundled)")
    common.add_argument("--json", action="store_true", help="print one JSON object")

    model = argparse.ArgumentParser(add_help=False)
    model.add_argument("--smoothing", type=float, default=1.0, help="fake counts k added to every cell (default 1)")

    train = argparse.ArgumentParser(add_help=False)
    train.add_argument("--steps", type=int, default=100)
    train.add_argument("--lr", type=float, default=50.0, help="learning rate")
    train.add_argument("--reg", type=float, default=0.01, help="regularisation strength λ")
    train.add_argument("--seed", type=int, default=SEED, help="seeds the weights and, separately, sampling")
    train.add_argument("--init", choices=INITS, default="randn")
    train.add_argument("--method", choices=METHODS, default="counts", help="fast counts path or the lecture's one-hot")

    parser = Parser(prog="bigram_core", description="Bigram Lab: makemore part 1 from the terminal.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    sub.add_parser("stats", parents=[common], help="size, lengths and vocabulary of a word list")
    p = sub.add_parser("breakdown", parents=[common, model, train], help="a word's NLL bigram by bigram")
    p.add_argument("word")
    p.add_argument("--model", choices=("counts", "neural"), default="counts")
    p = sub.add_parser("evaluate", parents=[common, model, train], help="average NLL of the whole word list")
    p.add_argument("--model", choices=("counts", "neural"), default="counts")
    p = sub.add_parser("sample", parents=[common, model, train], help="sample new names")
    p.add_argument("--model", choices=("counts", "neural", "uniform"), default="counts")
    p.add_argument("-n", type=int, default=5, help="how many names")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--prefix", default="")
    sub.add_parser("train", parents=[common, train], help="gradient descent on the one-layer net")
    return parser


def run_training(args, words: WordList, N: torch.Tensor):
    """Train with the train options; returns W, the records and the wall time of the loop."""
    examples = bigram_examples(words.words, words.vocab) if args.method == "onehot" else None
    start = time.perf_counter()
    W, records = fit(N, args.steps, args.lr, args.reg, args.seed, args.init, args.method, examples)
    return W, records, time.perf_counter() - start


def model_probs(args, words: WordList, N: torch.Tensor) -> torch.Tensor:
    """P (V, V) of the model the options name."""
    if args.model == "neural":
        return probs(run_training(args, words, N)[0])
    if args.model == "uniform":
        return uniform(len(words.vocab))
    return probabilities(N, args.smoothing)


def cmd_stats(args, words, N):
    return {
        "words": len(words.words),
        "unique_words": words.unique_words,
        "bigrams": words.n_bigrams,
        "vocab": str(words.vocab),
        "min_len": min(words.lengths),
        "max_len": max(words.lengths),
    }


def cmd_breakdown(args, words, N):
    result = breakdown(args.word, model_probs(args, words, N), N, words.vocab)
    return {"word": result.word, "model": args.model, **{k: v for k, v in result.to_dict().items() if k != "word"}}


def cmd_evaluate(args, words, N):
    score = dataset_nll(model_probs(args, words, N), N)
    return {"model": args.model, **asdict(score)}


def cmd_sample(args, words, N):
    samples = sample(model_probs(args, words, N), words.vocab, args.n, args.seed, args.temperature, args.prefix)
    return {"names": [s.name for s in samples]}


def cmd_train(args, words, N):
    W, records, seconds = run_training(args, words, N)
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
    """Rows of equal keys as right-aligned columns under their names."""
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
        print("\n".join(result["names"]))
    elif command == "breakdown":
        print_fields({"word": result["word"], "model": result["model"]})
        print_table(result["bigrams"])
        print_fields({"log_likelihood": result["log_likelihood"], "nll": result["nll"]})
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


COMMANDS = {"stats": cmd_stats, "breakdown": cmd_breakdown, "evaluate": cmd_evaluate, "sample": cmd_sample, "train": cmd_train}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        words = load_path(args.data)
        N = bigram_counts(words.words, words.vocab)
        result = COMMANDS[args.command](args, words, N)
    except BigramError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(jsonable(result), ensure_ascii=False))
    else:
        show(args.command, result)
    return 0
