"""Exercise E01: a context of the previous n−1 characters instead of one (order n; 2 is the bigram model).

Every word is padded with n−1 '.' at the start and one '.' at the end, so it gives len(word)+1 examples
for any n: "emma" at n = 3 gives ..→e, .e→m, em→m, mm→a, ma→. . A context is numbered as a base-V number
of its n−1 character indices, oldest first, so there are C = V^(n−1) contexts and context ".e" is 0·V + 5.
At n = 2 the context number is the previous character's index: every table below is then the bigram one.

Both models are C×V tables, row = context, column = next character:
- the counts model, N (C, V) int64 and P = (N + k) / row sums, which counts.probabilities computes for
  any number of rows (a context never seen gets a uniform row at k = 0);
- the net, W (C, V), reached by the one-hot of the context index: one_hot(context, C) @ W = W[context].
  It is the same family as the counts model (any P with no zeros is softmax of some W), so as λ → 0 it
  reaches the counts model at k = 0, and neural.fit / neural.train / neural.count_loss_and_grad train it
  from N (C, V) unchanged.
The other way to feed n−1 characters to a net, their one-hots concatenated, is `concat_logits`.
"""

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from .counts import bigram_examples
from .errors import BigramError
from .limits import NGRAM_CELLS
from .vocab import Vocabulary

ORDERS = (2, 3, 4, 5)


def check_order(order: int, V: int) -> int:
    """order must be in 2..5, and its table V^(order−1) × V cells must stay under NGRAM_CELLS."""
    if isinstance(order, bool) or not isinstance(order, int) or order not in ORDERS:
        raise BigramError(
            f"The order n must be one of {', '.join(map(str, ORDERS))} (2 is the bigram model); got {order!r}."
        )
    cells = V ** (order - 1) * V
    if cells > NGRAM_CELLS:
        raise BigramError(
            f"Order {order} needs a table of {V}^{order - 1} contexts × {V} characters = {cells:,} cells, over the "
            f"{NGRAM_CELLS:,}-cell limit; use a lower order or a word list with fewer distinct characters."
        )
    return order


def n_contexts(order: int, V: int) -> int:
    """C = V^(n−1): the number of rows of an order-n table."""
    return V ** (check_order(order, V) - 1)


def context_index(context, V: int):
    """The number of a context: its n−1 character indices read as a base-V number, oldest first.

    `context` is a sequence of ints (returns an int) or a tensor (..., n−1) (returns a tensor (...)).
    """
    columns = context.unbind(-1) if isinstance(context, torch.Tensor) else context
    index: int | torch.Tensor = 0
    for c in columns:
        index = index * V + c
    return index


def context_string(index: int, vocab: Vocabulary, order: int) -> str:
    """The n−1 characters of context number `index`, e.g. 5 -> ".e" at order 3 on a–z."""
    V, chars = len(vocab), []
    for _ in range(order - 1):
        index, c = divmod(index, V)
        chars.append(vocab.itos[c])
    return "".join(reversed(chars))


def context_chars(words: Sequence[str], vocab: Vocabulary, order: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Every example of `words` at order n: X (B, n−1) the context's character indices, oldest first;
    ys (B,) the next character. B = Σ (len(word) + 1), the same for every n.

    Vectorised like bigram_examples, on the joined string ".emma.olivia.": the character `back` places
    before example t's previous character is at position t − back, unless that is before the '.' that
    starts t's word, where the word is padded with '.' instead of reading into the previous word.
    """
    check_order(order, len(vocab))
    xs, ys = bigram_examples(words, vocab)  # xs[t] = ids[t], ys[t] = ids[t + 1] of the joined string
    ids = torch.cat([xs, ys[-1:]])
    t = torch.arange(len(xs))
    word_start = torch.cummax(torch.where(xs == 0, t, 0), 0).values  # (B,) position of each word's first '.'
    columns = []
    for back in range(order - 2, -1, -1):
        position = t - back
        columns.append(torch.where(position >= word_start, ids[position.clamp(min=0)], 0))
    return torch.stack(columns, 1), ys


def ngram_examples(words: Sequence[str], vocab: Vocabulary, order: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(context index, next character) of every example: xs, ys of shape (B,) int64; xs < V^(n−1)."""
    X, ys = context_chars(words, vocab, order)
    return context_index(X, len(vocab)), ys


def ngram_counts(words: Sequence[str], vocab: Vocabulary, order: int) -> torch.Tensor:
    """N[c, j] = how often character j follows context c: shape (V^(n−1), V), int64; bigram_counts at n = 2."""
    xs, ys = ngram_examples(words, vocab, order)
    V, C = len(vocab), n_contexts(order, len(vocab))
    return torch.bincount(xs * V + ys, minlength=C * V).view(C, V)


def contexts_seen(N: torch.Tensor) -> int:
    """How many contexts (rows of N (C, V)) occur in the data at all."""
    return int((N.sum(1) > 0).sum())


def context_slice(N: torch.Tensor, vocab: Vocabulary, first: str) -> torch.Tensor:
    """The rows of N (V^(n−1), V) whose context starts with character `first`: shape (V^(n−2), V).

    With the oldest character most significant they are one contiguous block; at n = 3 the slice is a
    V×V matrix like the bigram one, row = the second context character.
    """
    V = len(vocab)
    if N.shape[0] < V * V:
        raise BigramError("Slicing on the first context character needs an order of 3 or more.")
    if first not in vocab.stoi:
        raise BigramError(f"{first!r} is not in the vocabulary ({vocab.describe()}).")
    return N.view(V, N.shape[0] // V, V)[vocab.stoi[first]]


def concat_logits(W_cat: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """The other net for order n: the n−1 one-hots concatenated, ((n−1)·V inputs) @ W_cat ((n−1)·V, V).

    X (B, n−1) context characters -> logits (B, V). Block i of W_cat is applied to the i-th character,
    so the logits are a sum of one V-vector per position: additive over positions. At n = 2 there is one
    block and this is the table net with W = W_cat. For n > 2 it is a smaller family than the table:
    the table gives every context its own row, while here the row of context "ab" is
    row_1(a) + row_2(b), so e.g. logits("ab") + logits("cd") = logits("ad") + logits("cb") always —
    it cannot learn that a pair of characters together predicts something neither predicts alone.
    """
    V = W_cat.shape[1]
    xenc = F.one_hot(X, num_classes=V).float().flatten(1)  # (B, (n−1)·V): the one-hots side by side
    return xenc @ W_cat


def all_contexts(order: int, V: int) -> torch.Tensor:
    """The characters of every context, numbered 0 … V^(n−1)−1: shape (V^(n−1), n−1), oldest first."""
    index = torch.arange(n_contexts(order, V))
    return torch.stack([index // V**power % V for power in range(order - 2, -1, -1)], 1)


def table_from_concat(W_cat: torch.Tensor, order: int) -> torch.Tensor:
    """The table W (V^(n−1), V) giving every context the same logits as the concatenated net W_cat:
    the concatenated net evaluated at every context. Always possible (the table family contains the
    additive one); the other way round only at n = 2.
    """
    return concat_logits(W_cat, all_contexts(order, W_cat.shape[1]))


# --- sparse: the cells that occur, for tables too large to build densely on every click ---


def sparse_counts(words: Sequence[str], vocab: Vocabulary, order: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The cells of ngram_counts that are not 0: cells (S,) int64 (context · V + next, ascending), counts (S,).

    S is at most the number of examples, however large V^(n−1) · V is.
    """
    xs, ys = ngram_examples(words, vocab, order)
    return torch.unique(xs * len(vocab) + ys, return_counts=True)


def sparse_nll(cells: torch.Tensor, counts: torch.Tensor, V: int, k: float) -> float:
    """The average NLL of the counts model at smoothing k on its own data, from sparse_counts' cells.

    −Σ N log((N + k) / (rowsum + V·k)) / ΣN: cells with N = 0 add nothing, so only those that occur are read.
    """
    counts = counts.double()
    rows, row_of = torch.unique(cells // V, return_inverse=True)
    row_sums = torch.zeros(len(rows), dtype=torch.float64).index_add_(0, row_of, counts)
    log_likelihood = (counts * (counts + k).log()).sum() - (row_sums * (row_sums + V * k).log()).sum()
    return float(-log_likelihood / counts.sum())


def sparse_slice(cells: torch.Tensor, counts: torch.Tensor, vocab: Vocabulary, first: str) -> torch.Tensor:
    """context_slice of the order-3 table from its sparse cells: (V, V) int64, row = the second context character."""
    V = len(vocab)
    if first not in vocab.stoi:
        raise BigramError(f"{first!r} is not in the vocabulary ({vocab.describe()}).")
    block = cells // (V * V) == vocab.stoi[first]
    return torch.zeros(V * V, dtype=torch.int64).index_add_(0, cells[block] % (V * V), counts[block]).view(V, V)
