"""The lecture as a lesson: chapters in the lecture's order, each a short code cell that runs.

A cell is plain PyTorch in the lecture's idiom, kept here as source text. run() executes exactly that text
in a namespace holding what earlier chapters defined (computed by this library, see PROVIDED) and returns
what it printed: the figures a reader sees are that output, so they cannot drift from the code shown. A few
placeholders ($V, the example word, the sampler's draw) are filled in before the cell runs, and the filled-in
text is what run() returns to show. Cells that loop in Python over every bigram run on the first words of
a big list only (lesson_words), and say so.
"""

import contextlib
import io
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .counts import bigram_counts, bigram_examples, probabilities
from .errors import BigramError
from .limits import LESSON_BIGRAMS, LESSON_ONE_HOT_CELLS
from .neural import fit
from .sampling import SAMPLERS, SEED
from .vocab import Vocabulary

# How a name-drawing cell draws index ix from the row p (V,) with generator g, for each sampler (sampling.draw).
DRAWS = {
    "torch": "ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()",
    "video": "u = torch.rand(1, dtype=torch.float64, generator=g)\n"
    "cdf = p.double().cumsum(0)\n"
    "ix = torch.searchsorted(cdf / cdf[-1], u, right=True).item()",
}


@dataclass(frozen=True)
class Chapter:
    """One step of the lecture. `metrics` label printed lines (by index) shown in large type; `picture` names
    what the view draws, from the expressions in `keeps` evaluated after the cell ran."""

    title: str
    text: str
    code: str
    needs: tuple[str, ...] = ()
    metrics: tuple[tuple[str, int], ...] = ()
    picture: str = ""
    keeps: tuple[str, ...] = ()
    loops: bool = False  # loops in Python over every bigram: runs on lesson_words()
    draws: bool = False  # draws with a generator: the cell depends on the sampler


@dataclass(frozen=True)
class Provided:
    """Names a cell finds already defined, as an earlier chapter defined them."""

    names: str
    chapter: str  # the title of the chapter whose cell defines them


# What `needs` may ask for; each is computed by the library, and tests check it equals what its chapter's cell makes.
PROVIDED = {
    "words": Provided("words", "The data"),
    "vocab": Provided("stoi, itos", "One token '.' instead of two: N is 27×27"),
    "N": Provided("N", "One token '.' instead of two: N is 27×27"),
    "P": Provided("P", "All rows at once, and the keepdim pitfall"),
    "examples": Provided(
        "xs, ys: every bigram's two indices, in the loop's order", "The likelihood of the whole training set"
    ),
    "one_word": Provided("xs, ys, xenc", "One word, one-hot encoded"),
    "logits": Provided("W, logits", "A logit is a dot product"),
    "probs": Provided("probs", "Softmax: logits to probabilities"),
    "W": Provided("W after the 100 steps", "Gradient descent on every bigram"),
}


CHAPTERS = (
    Chapter(
        "The data",
        "The lecture's data set is a list of names, one per line; every name is a little sequence of characters "
        "to learn from.",
        """\
lengths = [len(w) for w in words]
print(words[:3])
print(min(lengths), max(lengths))
print(len(words))""",
        needs=("words",),
        metrics=(("names", 2), ("shortest, longest", 1)),
        picture="lengths",
        keeps=("lengths",),
    ),
    Chapter(
        "Bigrams of one word",
        "A bigram model only looks at pairs: the character before, the character after. Marking the start and "
        "the end of the word gives the model two more pairs to learn.",
        """\
w = words[0]
chs = ['<S>'] + list(w) + ['<E>']
for ch1, ch2 in zip(chs, chs[1:]):
    print(ch1, ch2)
print(len(chs) - 1)""",
        needs=("words",),
        metrics=(("bigrams in the first word", -1),),
    ),
    Chapter(
        "Counting in a dictionary",
        "Counting how often each pair occurs in all the words is the whole training of this model. A dictionary "
        "keyed by the pair does it.",
        """\
b = {}
for w in words:
    chs = ['<S>'] + list(w) + ['<E>']
    for ch1, ch2 in zip(chs, chs[1:]):
        b[(ch1, ch2)] = b.get((ch1, ch2), 0) + 1
print(sorted(b.items(), key=lambda kv: -kv[1])[:3])
print(len(b))""",
        needs=("words",),
        metrics=(("distinct bigrams", -1),),
        picture="dict",
        keeps=("b",),
        loops=True,
    ),
    Chapter(
        "Counting in a tensor: 28×28",
        "A 2-D tensor holds the same counts with one row and one column per character, plus <S> and <E>. "
        "Nothing ever follows <E> and nothing ever leads to <S>: a whole row and a whole column stay zero.",
        """\
chars = sorted(set(''.join(words)))
stoi = {s: i for i, s in enumerate(chars)}
stoi['<S>'], stoi['<E>'] = len(chars), len(chars) + 1
N28 = torch.zeros((len(stoi), len(stoi)), dtype=torch.int32)
for w in words:
    chs = ['<S>'] + list(w) + ['<E>']
    for ch1, ch2 in zip(chs, chs[1:]):
        N28[stoi[ch1], stoi[ch2]] += 1
print(tuple(N28.shape))
print(N28[:, stoi['<S>']].sum().item() + N28[stoi['<E>']].sum().item())""",
        needs=("words",),
        metrics=(("N28.shape", 0), ("column <S> + row <E>", 1)),
        picture="N28",
        keeps=("N28", "chars"),
        loops=True,
    ),
    Chapter(
        "One token '.' instead of two: N is 27×27",
        "One boundary token '.' at index 0 serves as both start and end: its row holds how words start, its "
        "column how they end, and no cell is wasted.",
        """\
chars = sorted(set(''.join(words)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi['.'] = 0
itos = {i: s for s, i in stoi.items()}
N = torch.zeros(($V, $V), dtype=torch.int32)
for w in words:
    chs = ['.'] + list(w) + ['.']
    for ch1, ch2 in zip(chs, chs[1:]):
        N[stoi[ch1], stoi[ch2]] += 1
print(tuple(N.shape))
print(N[0, 1].item())""",
        needs=("words",),
        metrics=(("N.shape", 0), ("N[0, 1]: words that start with '$FIRST'", 1)),
        loops=True,
    ),
    Chapter(
        "The count matrix",
        "Row i is the character before, column j the character after: every cell is one bigram and how often "
        "it occurs.",
        """\
i, j = divmod(N.argmax().item(), N.shape[1])
print(itos[i] + itos[j])
print(N[i, j].item())""",
        needs=("vocab", "N"),
        metrics=(("the largest cell", 0), ("its count", 1)),
        picture="heatmap",
        keeps=("N",),
    ),
    Chapter(
        "Row 0: how words start",
        "The first row counts the first letter of every word. Divided by its sum it becomes a probability "
        "distribution over the first character.",
        """\
p = N[0].float()
p = p / p.sum()
print(f'{p[1].item():.4f}')""",
        needs=("vocab", "N"),
        metrics=(("p[1]: P(a word starts with '$FIRST')", -1),),
        picture="row",
        keeps=("p",),
    ),
    Chapter(
        "Drawing from a distribution: torch.multinomial",
        "torch.multinomial draws indices with the probabilities it is given; a seeded torch.Generator makes the "
        "draws the same on every run. Here on a tiny distribution over three outcomes.",
        """\
g = torch.Generator().manual_seed(2147483647)
p = torch.rand(3, generator=g)
p = p / p.sum()
draws = torch.multinomial(p, num_samples=20, replacement=True, generator=g)
print(p)
print(draws)
print(f'{p[0].item():.4f}')""",
        metrics=(("p[0]", -1),),
        picture="tiny",
        keeps=("p", "draws"),
    ),
    Chapter(
        "Sampling names from the counts",
        "Start at '.', draw the next character from that character's row, and repeat until '.' is drawn again.",
        """\
g = torch.Generator().manual_seed(2147483647)
for i in range(5):
    out = []
    ix = 0
    while True:
        p = N[ix].float()
        p = p / p.sum()
        $DRAW
        out.append(itos[ix])
        if ix == 0:
            break
    print(''.join(out))""",
        needs=("vocab", "N"),
        metrics=(("first name", 0), ("second name", 1)),
        draws=True,
    ),
    Chapter(
        "All rows at once, and the keepdim pitfall",
        "Normalising every row at once needs the row sums as a column, shape ($V, 1). Without keepdim=True the "
        "sums have shape ($V,), broadcasting treats them as a row (1, $V), and each column is divided instead.",
        """\
P = N.float()
P /= P.sum(1, keepdim=True)
wrong = N.float() / N.float().sum(1)
print(f'{P[0].sum().item():.4f}')
print(f'{wrong[0].sum().item():.4f}')""",
        needs=("N",),
        metrics=(("row 0 of P sums to", 0), ("row 0 without keepdim sums to", 1)),
        picture="row_sums",
        keeps=("P", "wrong"),
    ),
    Chapter(
        "The likelihood of the whole training set",
        "A good model gives the data a high probability. Their product underflows to 0, so we add the logs "
        "(the log-likelihood), negate it, and average over the bigrams: the loss, lower is better.",
        """\
prob, log_likelihood, n = 1.0, 0.0, 0
for w in words:
    chs = ['.'] + list(w) + ['.']
    for ch1, ch2 in zip(chs, chs[1:]):
        p = P[stoi[ch1], stoi[ch2]]
        prob *= p
        log_likelihood += torch.log(p)
        n += 1
nll = -log_likelihood
print(prob.item())
print(f'{log_likelihood.item():.2f}')
print(f'{nll.item():.2f}')
print(f'{nll.item() / n:.4f}')""",
        needs=("words", "vocab", "P"),
        metrics=(
            ("product of the probabilities", 0),
            ("log-likelihood", 1),
            ("negative log-likelihood", 2),
            ("average negative log-likelihood", 3),
        ),
        loops=True,
    ),
    Chapter(
        "One word's loss, and an impossible word",
        "The same loss scores a single word. A word with a pair the data never contains gets probability 0, "
        "log 0 = −∞, and an infinite loss.",
        """\
for w in ['$WORD', '$WORDQ']:
    log_likelihood, n = 0.0, 0
    chs = ['.'] + list(w) + ['.']
    for ch1, ch2 in zip(chs, chs[1:]):
        log_likelihood += torch.log(P[stoi[ch1], stoi[ch2]])
        n += 1
    print(f'{-log_likelihood.item() / n:.4f}')""",
        needs=("vocab", "P"),
        metrics=(("$WORD", 0), ("$WORDQ", 1)),
        picture="breakdown",
    ),
    Chapter(
        "Smoothing: fake counts",
        "Adding 1 to every count before normalising gives every pair some probability: the impossible word "
        "gets a finite loss, and the model is only a little less sure of everything else.",
        """\
P = (N + 1).float()
P /= P.sum(1, keepdim=True)
log_likelihood = 0.0
chs = ['.'] + list('$WORDQ') + ['.']
for ch1, ch2 in zip(chs, chs[1:]):
    log_likelihood += torch.log(P[stoi[ch1], stoi[ch2]])
print(f"{P[stoi['$LAST'], stoi['$Q']].item():.6f}")
print(f'{-log_likelihood.item() / (len(chs) - 1):.4f}')""",
        needs=("vocab", "N"),
        metrics=(("P['$LAST$Q'] now", 0), ("$WORDQ, k = 1", 1)),
        picture="smoothed_row",
        keeps=("P",),
    ),
    Chapter(
        "The fourth decimal: float32 against float64",
        "The likelihood loop adds $B float32 logs one by one. A float32 keeps 24 significant bits, so each "
        "addition to a large sum is rounded (near −560,000 to a multiple of 1/16), and the roundings add up to "
        "the fourth decimal; float64 is exact to print.",
        """\
for k in (0, 1):
    P = (N + k).float()
    P /= P.sum(1, keepdim=True)
    logp = P[xs, ys].log()
    running = np.add.accumulate(logp.numpy())
    exact = P.double()[xs, ys].log().sum()
    print(f'{-running[-1] / len(xs):.4f}')
    print(f'{-exact.item() / len(xs):.4f}')""",
        needs=("N", "examples"),
        metrics=(("float32, k = 0", 0), ("float64, k = 0", 1), ("float32, k = 1", 2), ("float64, k = 1", 3)),
        picture="drift",
        keeps=("running", "logp"),
    ),
    Chapter(
        "One word, one-hot encoded",
        "Now the same model as a neural net. Its inputs are the bigrams' first characters, its labels the "
        "second; a character index becomes a vector of $V zeros with a single 1.",
        """\
xs, ys = [], []
for w in words[:1]:
    chs = ['.'] + list(w) + ['.']
    for ch1, ch2 in zip(chs, chs[1:]):
        xs.append(stoi[ch1])
        ys.append(stoi[ch2])
xs, ys = torch.tensor(xs), torch.tensor(ys)
xenc = F.one_hot(xs, num_classes=$V).float()
print(xs.tolist())
print(ys.tolist())
print(tuple(xenc.shape))""",
        needs=("words", "vocab"),
        metrics=(("xs", 0), ("ys", 1), ("xenc.shape", 2)),
        picture="onehot",
        keeps=("xenc", "xs"),
    ),
    Chapter(
        "A single neuron",
        "A neuron has one weight per input: the one-hot has $V entries, so W is $V×1, and xenc @ W gives one "
        "number per example. Because the input is one-hot, it simply picks row xs[i] of W.",
        """\
g = torch.Generator().manual_seed(2147483647)
W = torch.randn(($V, 1), generator=g)
out = xenc @ W
print(tuple(out.shape))
print(torch.equal(out[:, 0], W[xs, 0]))""",
        needs=("vocab", "one_word"),
        metrics=(("out.shape", 0), ("out is W[xs]", 1)),
        picture="neuron",
        keeps=("out", "xs"),
    ),
    Chapter(
        "A logit is a dot product",
        "With $V neurons, one per possible next character, W is $V×$V and each example gets $V logits. Entry "
        "[$ROW, $COL] is example $ROW's input vector dotted with neuron $COL's weights.",
        """\
g = torch.Generator().manual_seed(2147483647)
W = torch.randn(($V, $V), generator=g)
logits = xenc @ W
print(f'{logits[$ROW, $COL].item():.4f}')
print(f'{(xenc[$ROW] * W[:, $COL]).sum().item():.4f}')""",
        needs=("vocab", "one_word"),
        metrics=(("logits[$ROW, $COL]", 0), ("(xenc[$ROW] * W[:, $COL]).sum()", 1)),
        picture="logits",
        keeps=("logits", "xs"),
    ),
    Chapter(
        "Softmax: logits to probabilities",
        "Read the logits as log-counts: exp makes them positive like counts, and dividing by each row's sum "
        "makes every row a distribution over the next character.",
        """\
counts = logits.exp()
probs = counts / counts.sum(1, keepdim=True)
print(tuple(probs.shape))
print(f'{probs[0].sum().item():.4f}')
print(f'{probs[0, ys[0]].item():.6f}')""",
        needs=("vocab", "one_word", "logits"),
        metrics=(("probs.shape", 0), ("probs[0, ys[0]]", 2)),
        picture="softmax",
        keeps=("probs", "ys"),
    ),
    Chapter(
        "How wrong is the net? Example by example",
        "For each example, the probability the net gives the correct next character, and its negative log. "
        "Their mean is the loss of this random W.",
        """\
nlls = torch.zeros(len(xs))
for i in range(len(xs)):
    x, y = xs[i].item(), ys[i].item()
    p = probs[i, y]
    nlls[i] = -torch.log(p)
    print(f'{itos[x]}{itos[y]}  p={p.item():.6f}  nll={nlls[i].item():.6f}')
print(f'{nlls.mean().item():.4f}')""",
        needs=("vocab", "one_word", "logits", "probs"),
        metrics=(("average negative log-likelihood", -1),),
        picture="nlls",
        keeps=("nlls",),
    ),
    Chapter(
        "Backward, and one step downhill",
        "loss.backward() fills W.grad with how the loss changes with each weight; a small step against it "
        "lowers the loss. Three forward passes, two updates.",
        """\
g = torch.Generator().manual_seed(2147483647)
W = torch.randn(($V, $V), generator=g, requires_grad=True)
for step in range(3):
    probs = (xenc @ W).exp()
    probs = probs / probs.sum(1, keepdim=True)
    loss = -probs[torch.arange(len(ys)), ys].log().mean()
    print(f'{loss.item():.4f}')
    W.grad = None
    loss.backward()
    W.data += -0.1 * W.grad""",
        needs=("vocab", "one_word"),
        metrics=(("loss", 0), ("after one step", 1), ("after two steps", 2)),
        picture="grad",
        keeps=("W.grad",),
    ),
    Chapter(
        "Gradient descent on every bigram",
        "The same loop on all the bigrams of the data, with a large step and a little pull of W toward 0 "
        "(0.01 · mean(W²)). It prints the loss at every one of the 100 steps.",
        """\
xenc = F.one_hot(xs, num_classes=$V).float()
g = torch.Generator().manual_seed(2147483647)
W = torch.randn(($V, $V), generator=g, requires_grad=True)
for k in range(100):
    probs = (xenc @ W).exp()
    probs = probs / probs.sum(1, keepdim=True)
    loss = -probs[torch.arange(len(ys)), ys].log().mean() + 0.01 * (W**2).mean()
    print(f'{loss.item():.4f}')
    W.grad = None
    loss.backward()
    W.data += -50 * W.grad""",
        needs=("examples",),
        metrics=(("step 0", 0), ("step 99", -1)),
        picture="losses",
        loops=True,
    ),
    Chapter(
        "Names from the net",
        "Sampling from the net is the same loop as from the counts; only the row of probabilities now comes "
        "from one-hot @ W and a softmax.",
        """\
g = torch.Generator().manual_seed(2147483647)
for i in range(5):
    out = []
    ix = 0
    while True:
        xenc = F.one_hot(torch.tensor(ix), num_classes=$V).float()
        counts = (xenc @ W).exp()
        p = counts / counts.sum()
        $DRAW
        out.append(itos[ix])
        if ix == 0:
            break
    print(''.join(out))""",
        needs=("vocab", "W"),
        metrics=(("first name", 0), ("second name", 1)),
        draws=True,
    ),
    Chapter(
        "Counts and net are the same model",
        "exp(W) plays the role of the counts: softmax(W) is a $V×$V table of probabilities like P, and gradient "
        "descent brings its loss down toward the counts' loss, the best a bigram table can do here. The pull of W "
        "toward 0 plays the role of smoothing.",
        """\
P = (N + 1).float()
P /= P.sum(1, keepdim=True)
P_net = W.exp()
P_net /= P_net.sum(1, keepdim=True)
print(f'{-P_net[xs, ys].log().mean().item():.4f}')
print(f'{-P[xs, ys].log().mean().item():.4f}')""",
        needs=("N", "W", "examples"),
        metrics=(("the net's loss after 100 steps", 0), ("the counts' loss, k = 1", 1)),
        picture="same",
        keeps=("P", "P_net"),
    ),
)


def chapter(number: int) -> Chapter:
    """Chapter `number`, counted from 1."""
    return CHAPTERS[number - 1]


def defined_in(name: str) -> int:
    """The number of the chapter whose cell defines what PROVIDED[name] provides."""
    return next(i for i, c in enumerate(CHAPTERS, 1) if c.title == PROVIDED[name].chapter)


# --- preparing a cell --------------------------------------------------------------------------------------


def lesson_words(words: Sequence[str], V: int) -> list[str]:
    """The first words of `words` whose bigrams fit LESSON_BIGRAMS and whose one-hot fits LESSON_ONE_HOT_CELLS: all
    of the lecture's list; what the cells that loop over every bigram run on."""
    budget = min(LESSON_BIGRAMS, LESSON_ONE_HOT_CELLS // V)
    total = 0
    for i, w in enumerate(words):
        total += len(w) + 1
        if total > budget:
            return list(words[:i])
    return list(words)


def impossible_word(vocab: Vocabulary, N: torch.Tensor, words: Sequence[str]) -> tuple[str, str]:
    """A word the data knows ('andrej' when its letters are there, else the first word) and that word with a
    character appended that never follows its last one: ('andrej', 'andrejq') on the lecture's list."""
    word = "andrej" if set("andrej") <= set(vocab.itos) else words[0]
    last = vocab.stoi[word[-1]]
    never = [c for c in range(1, len(vocab)) if N[last, c] == 0]
    # 'q' as in the lecture when it is possible; otherwise the first character that never follows
    q = vocab.stoi["q"] if "q" in vocab.stoi and vocab.stoi["q"] in never else (never[0] if never else 1)
    return word, word + vocab.itos[q]


def source(ch: Chapter, words: Sequence[str], sampler: str = "torch") -> str:
    """The cell of `ch` as it runs on `words`: placeholders filled in, the sampler's draw inserted."""
    if sampler not in SAMPLERS:
        raise BigramError(f"sampler must be one of {', '.join(SAMPLERS)}; got {sampler!r}.")
    vocab = Vocabulary.from_words(words)
    word, wordq = impossible_word(vocab, bigram_counts(words, vocab), words)
    n_first = len(words[0]) + 1 if words else 1
    code = _insert(ch.code, "$DRAW", DRAWS[sampler])
    return string.Template(code).substitute(
        V=len(vocab),
        B=f"{sum(len(w) + 1 for w in words):,}",
        FIRST=vocab.itos[1 % len(vocab)],
        WORD=word,
        WORDQ=wordq,
        LAST=word[-1],
        Q=wordq[-1],
        ROW=min(3, n_first - 1),
        COL=min(13, len(vocab) - 1),
    )


def fill(text: str, words: Sequence[str]) -> str:
    """A chapter's sentence or label with the example word and indices filled in, as in its cell."""
    return source(Chapter("", "", text), words)


def labels(ch: Chapter, words: Sequence[str]) -> list[tuple[str, int]]:
    """The chapter's metric labels, filled in."""
    return [(fill(label, words), line) for label, line in ch.metrics]


def _insert(code: str, marker: str, lines: str) -> str:
    """`code` with the line holding only `marker` replaced by `lines`, at that line's indentation."""

    def indent(match: re.Match) -> str:
        return "\n".join(match[1] + line for line in lines.splitlines())

    return re.sub(rf"^([ \t]*){re.escape(marker)}$", indent, code, flags=re.M)


def prepare(needs: Sequence[str], words: Sequence[str], loop_words: Sequence[str]) -> dict[str, Any]:
    """The namespace a cell runs in: torch, F, np, and what its chapter needs from earlier ones, computed by
    the library (each as its chapter's cell computes it; the tests check they are equal)."""
    vocab = Vocabulary.from_words(words)
    ns: dict[str, Any] = {"torch": torch, "F": F, "np": np}
    N = bigram_counts(words, vocab).int()  # (V, V) int32, as the lecture's torch.zeros(..., dtype=torch.int32)
    for need in needs:
        if need == "words":
            ns["words"] = list(loop_words)
        elif need == "vocab":
            ns["stoi"], ns["itos"] = dict(vocab.stoi), dict(enumerate(vocab.itos))
        elif need == "N":
            ns["N"] = N
        elif need == "P":
            ns["P"] = probabilities(N, 0)  # (V, V) float32, N.float() / row sums: the lecture's P before smoothing
        elif need == "examples":
            ns["xs"], ns["ys"] = bigram_examples(loop_words, vocab)  # (B,) int64 each
        elif need == "one_word":
            xs, ys = bigram_examples(list(words[:1]), vocab)
            ns["xs"], ns["ys"], ns["xenc"] = xs, ys, F.one_hot(xs, num_classes=len(vocab)).float()
        elif need == "logits":
            ns["W"] = torch.randn((len(vocab), len(vocab)), generator=torch.Generator().manual_seed(SEED))
            ns["logits"] = ns["xenc"] @ ns["W"]  # (n, V)
        elif need == "probs":
            ns["probs"] = torch.softmax(ns["logits"], dim=1)  # (n, V)
        elif need == "W":
            ns["W"] = fit(bigram_counts(words, vocab), steps=100, lr=50.0, reg=0.01)[0]  # (V, V), the fast path
        else:
            raise ValueError(f"unknown need {need!r}")
    return ns


# --- running a cell ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A cell that ran: its code, what it printed, the values its picture needs, and, if it ran on the first
    words of a big list only, how many."""

    code: str
    output: str
    values: dict[str, Any] = field(default_factory=dict)
    sample: int | None = None  # words the cell saw, when fewer than the list has
    metrics: tuple[tuple[str, str], ...] = ()  # (label, the printed line) for each of the chapter's metrics


def run(number: int, words: Sequence[str], sampler: str = "torch", namespace: dict | None = None) -> Run:
    """Execute chapter `number`'s cell on `words` and capture what it prints.

    `namespace` is filled with every name the cell defined, for tests that compare them with the library.
    """
    ch = chapter(number)
    vocab = Vocabulary.from_words(words)
    loop_words = lesson_words(words, len(vocab)) if ch.loops else list(words)
    code = source(ch, words, sampler)
    ns = prepare(ch.needs, words, loop_words)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, f"<chapter {number}>", "exec"), ns)  # the exact text the lesson shows
    output = printed.getvalue()
    lines = output.splitlines()
    values = {expr: _keep(eval(expr, ns)) for expr in ch.keeps}
    if namespace is not None:
        namespace.update(ns)
    return Run(
        code,
        output,
        values,
        len(loop_words) if len(loop_words) < len(words) else None,
        tuple((label, lines[line].strip()) for label, line in labels(ch, words)),
    )


def _keep(value):
    """A value safe to cache and draw: tensors detached and copied."""
    return value.detach().clone() if isinstance(value, torch.Tensor) else value
