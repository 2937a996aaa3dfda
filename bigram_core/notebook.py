"""Jupyter notebooks that rebuild what a view shows, in short plain-PyTorch cells in the lecture's idiom.

Each builder takes a view's settings and its word list and returns an nbformat notebook (`to_bytes` writes it as
.ipynb). The cells import torch and nothing of Bigram Lab, so a student carries on in plain Jupyter. The word
list travels inside the notebook as a string literal, or, past MAX_EMBED bytes, is read from a file beside it.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .limits import RUN_ON
from .sampling import DEFAULT_MAX_LEN, SEED
from .vocab import typed

MAX_EMBED = 1_000_000  # bytes: the lecture's list is 228 KB; an upload can reach 20 MB, too big to carry in a cell
TOP = 15  # bigrams listed by the counts notebook, as many as the Counts view's table
METADATA = {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
}


@dataclass(frozen=True)
class NetSettings:
    """How the net was trained: the Training view's inputs (init "randn" or "zeros")."""

    steps: int = 100
    lr: float = 50.0
    reg: float = 0.01
    seed: int = SEED
    init: str = "randn"
    exact: bool = True  # False when lr or λ changed during the run: the notebook trains with the last values


# --- pieces of source ---------------------------------------------------------------------------------------


def lit(x: float) -> str:
    """x as Python source that reads back as the same number, short when it can be: 1, 0.01, 1e-06."""
    short = f"{x:g}"
    return short if float(short) == x else repr(float(x))


def md(text: str) -> str:
    """User text (a list's name, a word, a prefix) as literal characters in a markdown cell."""
    return re.sub(r"([\\`*_~\[\]<>#$&|!])", r"\\\1", " ".join(str(text).splitlines()))


def file_name(name: str) -> str:
    """The file a big list is read from: the list's own name if it is a plain file name, else words.txt."""
    base = name.rsplit("/", 1)[-1]
    return base if re.fullmatch(r"[\w.-]+\.txt", base) else "words.txt"


def words_literal(words: Sequence[str]) -> str:
    """Source for the word list: a triple-quoted block, one word a line, unless the words need escapes."""
    text = "\n".join(words)
    # Anything a triple-quoted string would not read back verbatim goes through repr instead. Printable words hold
    # none of the characters besides \n that splitlines() also cuts at (\v, \f, U+2028, …); the app's words may.
    if all(w.isprintable() for w in words) and "\\" not in text and '"""' not in text and not text.endswith('"'):
        return f'words = """{text}""".splitlines()'
    return f"words = {text!r}.split('\\n')"


def word_list(words: Sequence[str], name: str, max_embed: int) -> list:
    nbytes = len("\n".join(words).encode())
    if nbytes <= max_embed:
        return [new_code_cell(f"import torch\n\n{words_literal(words)}\nprint(len(words), 'words:', words[:5])")]
    path = file_name(name)
    return [
        new_markdown_cell(
            f"The word list ({len(words):,} words, {nbytes / 1e6:.1f} MB) is too big to carry in this "
            f"notebook: save it as `{path}`, one word per line, beside the notebook."
        ),
        # Read as the app reads a list: lines end at \n or \r\n only, NFC, blank lines and outer spaces dropped.
        new_code_cell(
            f"import unicodedata\n\nimport torch\n\n"
            f"text = open({path!r}, encoding='utf-8-sig', newline='').read()\n"
            "words = [w.strip() for w in unicodedata.normalize('NFC', text).split('\\n') if w.strip()]\n"
            "print(len(words), 'words:', words[:5])"
        ),
    ]


def vocab_size(words: Sequence[str]) -> int:
    """27 for the lecture's names: '.' and the characters the words use, as the VOCAB cell counts them."""
    return len(set("".join(words))) + 1


VOCAB = """chars = sorted(set(''.join(words)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi['.'] = 0  # the start and end of every word
itos = {i: s for s, i in stoi.items()}
print(len(stoi), 'characters:', ''.join(itos[i] for i in range(len(itos))))"""


def count_cell(V: int) -> str:
    return f"""N = torch.zeros(({V}, {V}), dtype=torch.int32)
for w in words:
    chs = ['.'] + list(w) + ['.']
    for ch1, ch2 in zip(chs, chs[1:]):
        N[stoi[ch1], stoi[ch2]] += 1
print(N.sum().item(), 'bigrams')"""


def probs_cell(k: float) -> str:
    smoothed = "N.float()" if k == 0 else f"(N + {lit(k)}).float()"
    return (
        f"P = {smoothed}  # smoothing: k = {lit(k)} fake counts added to every cell\n"
        "P /= P.sum(1, keepdims=True)  # each row sums to 1"
    )


def counts_model(V: int, k: float) -> list:
    return [new_code_cell(VOCAB), new_code_cell(count_cell(V)), new_code_cell(probs_cell(k))]


def net_cells(V: int, net: NetSettings, verbose: bool) -> list:
    """The lecture's net trained by gradient descent on every bigram; P = softmax(W) at the end."""
    examples = """import torch.nn.functional as F

xs, ys = [], []
for w in words:
    chs = ['.'] + list(w) + ['.']
    for ch1, ch2 in zip(chs, chs[1:]):
        xs.append(stoi[ch1])
        ys.append(stoi[ch2])
xs = torch.tensor(xs)
ys = torch.tensor(ys)
num = xs.nelement()
print('number of examples:', num)"""
    init = (
        f"g = torch.Generator().manual_seed({net.seed})\nW = torch.randn(({V}, {V}), generator=g, requires_grad=True)"
        if net.init == "randn"
        else f"W = torch.zeros(({V}, {V}), requires_grad=True)"
    )
    every = 1 if net.steps <= 200 else net.steps // 100  # a long run prints about 100 lines
    report = "    print(f'step {i + 1}: loss {loss.item():.4f}')\n"
    if every > 1:
        report = f"    if i == 0 or (i + 1) % {every} == 0 or i + 1 == {net.steps}:\n    " + report
    loop = f"""xenc = F.one_hot(xs, num_classes={V}).float()  # the same inputs every step: encoded once
for i in range({net.steps}):
    # forward pass
    logits = xenc @ W  # log-counts
    counts = logits.exp()  # equivalent to N
    probs = counts / counts.sum(1, keepdims=True)  # probabilities for the next character
    loss = -probs[torch.arange(num), ys].log().mean() + {lit(net.reg)} * (W**2).mean()
{report if verbose else ""}    # backward pass
    W.grad = None
    loss.backward()
    # update
    W.data += -{lit(net.lr)} * W.grad
"""
    if not verbose:
        loop += f"print(f'step {net.steps}: loss {{loss.item():.4f}}')\n"
    about = (
        f"The net: one-hot(previous) @ W → softmax, trained for {net.steps:,} steps with learning rate "
        f"{lit(net.lr)} and λ = {lit(net.reg)}, W starting from "
        + (f"torch.randn seeded {net.seed}." if net.init == "randn" else "zeros.")
    )
    if not net.exact:
        about += (
            " In the app the learning rate or λ changed during the run; this trains with the last values "
            "throughout, so its numbers differ a little."
        )
    return [
        new_markdown_cell(about),
        new_code_cell(examples),
        new_code_cell(init),
        new_code_cell(loop.rstrip()),
        new_code_cell("P = torch.softmax(W, dim=1).detach()  # exp, then each row divided by its sum"),
    ]


def notebook(title: str, cells: list) -> NotebookNode:
    return new_notebook(cells=[new_markdown_cell(title), *cells], metadata=METADATA)


def to_bytes(nb: NotebookNode) -> bytes:
    """The notebook as an .ipynb file."""
    return nbformat.writes(nb).encode()


def intro(view: str, name: str, n_words: int, settings: str) -> str:
    return (
        f"# Bigram Lab: {view}\n\nRebuilt in plain PyTorch from the word list {md(name)} ({n_words:,} words), "
        f"with {settings}. Run the cells in order; only `torch` is needed."
    )


# --- one builder per view -----------------------------------------------------------------------------------


def breakdown_notebook(
    words: Sequence[str],
    name: str,
    word: str,
    k: float = 1.0,
    model: str = "counts",
    net: NetSettings | None = None,
    max_embed: int = MAX_EMBED,
) -> NotebookNode:
    """The Breakdown view: `word`'s bigrams with count, P, log P and NLL, and its mean NLL, under the counts
    model at smoothing k or under the net."""
    V = vocab_size(words)
    if model == "net":  # N still gives each bigram's count
        model_cells = [new_code_cell(VOCAB), new_code_cell(count_cell(V)), *net_cells(V, net or NetSettings(), False)]
    else:
        model_cells = counts_model(V, k)
    word = typed(word)
    score = f"""word = {word!r}
log_likelihood = 0.0
n = 0
chs = ['.'] + list(word) + ['.']
for ch1, ch2 in zip(chs, chs[1:]):
    ix1, ix2 = stoi[ch1], stoi[ch2]
    prob = P[ix1, ix2]
    logprob = torch.log(prob)
    log_likelihood += logprob
    n += 1
    print(f'{{ch1}}{{ch2}}  count {{N[ix1, ix2].item():6d}}  P {{prob:.4f}}  log P {{logprob:.4f}}  '
          f'NLL {{-logprob:.4f}}')
print(f'log-likelihood {{log_likelihood:.4f}}')
print(f'mean NLL {{-log_likelihood / n:.4f}}')"""
    settings = f"the counts model at k = {lit(k)}" if model == "counts" else "the net"
    return notebook(
        intro("Breakdown", name, len(words), f"'{md(word)}' scored under {settings}"),
        [
            *word_list(words, name, max_embed),
            *model_cells,
            new_markdown_cell("Each bigram's probability; the loss is the mean of −log P over the word's bigrams."),
            new_code_cell(score),
        ],
    )


def counts_notebook(
    words: Sequence[str], name: str, k: float = 1.0, row: str = ".", max_embed: int = MAX_EMBED
) -> NotebookNode:
    """The Counts view: N, the most frequent bigrams, P at smoothing k, row 0 of P (and `row`'s), and the
    average NLL of the list."""
    V = vocab_size(words)
    top = f"""flat = N.flatten()
for c in torch.argsort(flat, descending=True, stable=True)[:{TOP}].tolist():
    i, j = c // {V}, c % {V}
    print(f'{{itos[i]}}{{itos[j]}}  {{N[i, j].item():6d}}  P {{P[i, j]:.4f}}')"""
    rows = ["0"] if row == "." else ["0", f"stoi[{row!r}]"]
    show_rows = "\n".join(f"p = P[{r}]\nprint(' '.join(f'{{itos[j]}} {{p[j]:.4f}}' for j in range({V})))" for r in rows)
    nll = """logP = P.double().log()
log_likelihood = (N * logP)[N > 0].sum()  # every bigram of the list, once per count; 0 · log 0 counts as 0
print(f'log-likelihood {log_likelihood:.4f}')
print(f'average NLL {-log_likelihood / N.sum():.4f}')"""
    return notebook(
        intro("Counts", name, len(words), f"smoothing k = {lit(k)}"),
        [
            *word_list(words, name, max_embed),
            new_code_cell(VOCAB),
            new_code_cell(count_cell(V)),
            new_code_cell("N  # row: the previous character, column: the next"),
            new_markdown_cell(f"The {TOP} most frequent bigrams, with P(next | previous) at k = {lit(k)}."),
            new_code_cell(probs_cell(k)),
            new_code_cell(top),
            new_markdown_cell(
                "A row of P is the distribution of the next character; row 0 is the first letter of a "
                "word. Sampling draws from exactly this row."
            ),
            new_code_cell(show_rows),
            new_markdown_cell("The loss of the whole list: the average negative log-likelihood of its bigrams."),
            new_code_cell(nll),
        ],
    )


def sample_cell(n: int, seed: int, prefix: str = "", max_len: int = DEFAULT_MAX_LEN, sampler: str = "torch") -> str:
    """The lecture's sampling loop over rows of P; `sampler` "video" draws as torch did when it was recorded."""
    prefix = typed(prefix)
    start = f"    out = list({prefix!r})\n    ix = stoi[{prefix[-1]!r}]" if prefix else "    out = []\n    ix = 0"
    if sampler == "torch":
        draw = "        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()"
    else:
        draw = (
            "        u = torch.rand(1, dtype=torch.float64, generator=g)  # the video's draw: inverse CDF\n"
            "        cdf = p.double().cumsum(0)\n"
            "        ix = torch.searchsorted(cdf / cdf[-1], u, right=True).item()"
        )
    return f"""g = torch.Generator().manual_seed({seed})
for i in range({n}):
{start}
    while len(out) < {max_len + RUN_ON}:  # a cycle that never draws '.' stops here
        p = P[ix]
{draw}
        out.append(itos[ix])
        if ix == 0:
            break
    # Drawn to its '.' so the next names are as the app's; past {max_len} characters it is shown cut, without it.
    print(''.join(out) if ix == 0 and len(out) <= {max_len + 1} else ''.join(out[:{max_len}]))"""


def training_notebook(
    words: Sequence[str], name: str, net: NetSettings, names: int = 5, max_embed: int = MAX_EMBED
) -> NotebookNode:
    """The Training view: the net trained with its inputs, printing the loss at each step, then names from it."""
    V = vocab_size(words)
    settings = f"learning rate {lit(net.lr)}, λ = {lit(net.reg)}, {net.steps:,} steps, init {net.init}, seed {net.seed}"
    return notebook(
        intro("Training", name, len(words), settings),
        [
            *word_list(words, name, max_embed),
            new_code_cell(VOCAB),
            *net_cells(V, net, verbose=True),
            new_markdown_cell(f"{names} names drawn from the trained net, with a generator seeded {net.seed}."),
            new_code_cell(sample_cell(names, net.seed)),
        ],
    )


def generator_notebook(
    words: Sequence[str],
    name: str,
    model: str = "counts",
    k: float = 1.0,
    n: int = 20,
    seed: int = SEED,
    temperature: float = 1.0,
    prefix: str = "",
    max_len: int = DEFAULT_MAX_LEN,
    sampler: str = "torch",
    net: NetSettings | None = None,
    max_embed: int = MAX_EMBED,
) -> NotebookNode:
    """The Name generator: n names from the counts model at k, the net (trained here first) or uniform."""
    V = vocab_size(words)
    if model == "counts":
        model_cells = counts_model(V, k)
    elif model == "net":
        model_cells = [new_code_cell(VOCAB), *net_cells(V, net or NetSettings(), verbose=False)]
    else:
        model_cells = [new_code_cell(VOCAB), new_code_cell(f"P = torch.full(({V}, {V}), 1 / {V})  # uniform")]
    if temperature != 1:
        model_cells.append(
            new_code_cell(f"""# P ** (1/T), rows renormalised; in log space, so a tiny T stays finite
logP = P.double().log()
P = torch.softmax((logP - logP.max(1, keepdim=True).values) / {lit(temperature)}, dim=1).float()""")
        )
    described = {"counts": f"the counts model at k = {lit(k)}", "net": "the net", "uniform": "the uniform model"}
    settings = (
        f"{n} names from {described[model]}, seed {seed}, temperature {lit(temperature)}"
        + (f", prefix '{md(prefix)}'" if prefix else "")
        + f", at most {max_len} characters, sampler {sampler}"
    )
    note = (
        "Each name starts at '.' (or after the prefix) and draws the next character from the row of P of the "
        "last one, until it draws '.'."
    )
    if sampler == "video":
        note += (
            " The video's sampler: one float64 uniform per draw and the first character whose cumulative "
            "probability exceeds it, which is how torch.multinomial drew when the lecture was recorded."
        )
    return notebook(
        intro("Name generator", name, len(words), settings),
        [
            *word_list(words, name, max_embed),
            *model_cells,
            new_markdown_cell(note),
            new_code_cell(sample_cell(n, seed, prefix, max_len, sampler)),
        ],
    )
