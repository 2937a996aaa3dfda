"""Tables of scores as the views show them: numbers to read (∞ as the symbol, an exact 0 as 0, k to three
figures), and the rows that explain an infinite loss tinted red."""

import math

import pandas as pd
from pandas.io.formats.style import Styler

from bigram_core.evaluate import Breakdown, most_surprising
from bigram_core.neural import Walkthrough
from bigram_core.regularisation import Correspondence

from .format import num, significant

TINT = "background-color: rgba(214, 39, 40, 0.15)"


def tinted(df: pd.DataFrame, marked: list[bool]) -> Styler:
    """The table with the rows marked True tinted red."""
    styles = [[TINT if m else ""] * df.shape[1] for m in marked]
    return df.style.apply(lambda _: pd.DataFrame(styles, index=df.index, columns=df.columns), axis=None)


def prob(p: float) -> str:
    """A probability to 4 decimals, but an exact 0 as 0: impossible, not merely small."""
    return "0" if p == 0 else f"{p:.4f}"


def bigrams(b: Breakdown) -> Styler:
    """A word's bigrams with count, P, log P and NLL; the ones the data never has tinted."""
    rows = b.bigrams
    table = pd.DataFrame(
        [(r.pair, r.count, r.prob, r.logprob, r.nll) for r in rows], columns=["bigram", "count", "P", "log P", "NLL"]
    )
    return tinted(table, [r.count == 0 for r in rows]).format({"count": "{:,}", "P": prob, "log P": num, "NLL": num})


def words(scored: list[Breakdown]) -> Styler:
    """Words side by side: log-likelihood, mean NLL and the most surprising bigram; impossible words tinted."""
    worst = [most_surprising(b) for b in scored]
    table = pd.DataFrame(
        [(b.word, b.log_likelihood, b.nll, w.pair, w.nll) for b, w in zip(scored, worst)],
        columns=["word", "log-likelihood", "mean NLL", "most surprising bigram", "its NLL"],
    )
    styled = tinted(table, [math.isinf(b.nll) for b in scored])
    return styled.format({"log-likelihood": num, "mean NLL": num, "its NLL": num})


def matches(c: Correspondence) -> Styler:
    """Every λ of a sweep: the k matching it, how close they come, both models' NLL, the Newton steps taken."""
    table = pd.DataFrame(
        {
            "λ": [f"{r:g}" for r in c.sweep.regs],
            "matching k": [significant(x) for x in c.match.k.tolist()],
            "mean KL there": c.match.kl.tolist(),
            "NLL · net": c.sweep.data_nll.tolist(),
            "NLL · counts at that k": c.matched_nll.tolist(),
            "Newton steps": c.sweep.steps,
        }
    )
    return table.style.format({"mean KL there": "{:.2e}", "NLL · net": num, "NLL · counts at that k": num})


def walkthrough(w: Walkthrough) -> Styler:
    """One word's examples through the net: input, label, the probability of the label, its log and NLL."""
    table = pd.DataFrame(
        {
            "bigram": w.pairs,
            "input x": w.xs.tolist(),
            "label y": w.ys.tolist(),
            "P(label)": w.label_probs.tolist(),
            "log P": (-w.nlls).tolist(),
            "NLL": w.nlls.tolist(),
        }
    )
    return table.style.format({"P(label)": "{:.4f}", "log P": num, "NLL": num})
