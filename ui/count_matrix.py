"""The Counts view's sections: the settings, the matrix N (or a trigram slice) with its numbers, heatmap and CSV,
one row of P, the keepdim pitfall and every n-gram counted."""

import pandas as pd
import streamlit as st
import torch

from bigram_core import BigramError, Vocabulary, WordList, dataset_nll, probabilities, probabilities_keepdim_bug, sample
from bigram_core.counts import top_bigrams
from bigram_core.ngram import sparse_counts, sparse_nll, sparse_slice
from bigram_core.sampling import names
from ui import presenter, state, url
from ui.charts.counts import counts_heatmap, row_bars, row_sums
from ui.format import md, num

TOP = 15
SAMPLES = 8
GRAMS = {2: "bigram", 3: "trigram"}  # the orders this view draws: n = 3 as V×V slices of its V²×V table
COLOUR = url.Choice("colour", "linear", ("linear", "log"))
ORDER = url.Number("order", 2, 2, 3, integer=True)
NO_KEEPDIM = url.Flag("no_keepdim")


@state.word_list_cache(max_entries=4)
def trigram_cells(digest: str, _words: WordList) -> tuple[torch.Tensor, torch.Tensor]:
    """The trigrams that occur and their counts, counted once per list: the dense V²×V table is up to
    400 MB, and would be rebuilt for every k."""
    return sparse_counts(_words.words, _words.vocab, 3)


def trigram(digest: str, first: str, k: float, _words: WordList) -> tuple[torch.Tensor, float]:
    """The trigram counts whose context starts with `first`, (V, V) int64 (row = the previous character), and
    the average NLL of the whole trigram model at smoothing k."""
    cells, counts = trigram_cells(digest, _words)
    return sparse_slice(cells, counts, _words.vocab, first), sparse_nll(cells, counts, len(_words.vocab), k)


def matrix_csv(M: torch.Tensor, vocab: Vocabulary, float_format: str | None = None) -> str:
    """M (V, V) as CSV, rows and columns labelled by the vocabulary: row = previous, column = next."""
    frame = pd.DataFrame(M.numpy(), index=pd.Index(vocab.itos, name="previous \\ next"), columns=list(vocab.itos))
    return frame.to_csv(float_format=float_format)


def ngrams(N: torch.Tensor, P: torch.Tensor, vocab: Vocabulary, context: str, limit: int, height, split=False) -> None:
    """The `limit` largest cells of N (V, V) that occur, largest first: n-gram, count and P(next | previous);
    with `split`, the n-gram's previous characters and next character as columns of their own too."""
    seen = [(context + pair, count) for pair, count in top_bigrams(N, vocab, limit) if count]
    gram = GRAMS[len(context) + 2]
    columns: dict[str, list] = {gram: [label for label, _ in seen]}
    if split:
        columns |= {"previous": [label[:-1] for label, _ in seen], "next": [label[-1] for label, _ in seen]}
    columns["count"] = [count for _, count in seen]
    columns["P(next | previous)"] = [float(P[vocab.stoi[label[-2]], vocab.stoi[label[-1]]]) for label, _ in seen]
    st.dataframe(
        pd.DataFrame(columns, index=pd.RangeIndex(1, len(seen) + 1, name="rank")),
        column_config={"P(next | previous)": st.column_config.NumberColumn(format="%.4f")},
        height=height,
    )


# k, colour and order; at n = 3, which slice: the first character of its contexts.
def settings(vocab: Vocabulary) -> tuple[float, bool, str]:
    V = len(vocab)
    first = url.Choice("first", vocab.itos[min(1, V - 1)], vocab.itos)  # after '.', the first letter
    with presenter.controls():
        cols = st.columns(4, vertical_alignment="bottom")
        with cols[0]:
            k = state.smoothing_k()
        scale = url.widget(
            COLOUR,
            cols[1].segmented_control,
            "Colour",
            COLOUR.options,
            default=COLOUR.default,
            required=True,
            help="Log colour shows the rare pairs that linear colour washes out.",
        )
        order = url.widget(
            ORDER,
            cols[2].segmented_control,
            "Order n",
            list(GRAMS),
            default=ORDER.default,
            required=True,
            help="2: the bigram model; 3: the next character given the two before it, counted as trigrams.",
        )
        if order != 3:
            return k, scale == "log", ""
        about = f"The trigram counts have a row for each of the {V}² two-character contexts: this shows the {V} "
        about += "contexts that start with this character, one per row ('.' is the word's start)."
        first = url.widget(
            first, cols[3].selectbox, "First context character", vocab.itos, index=min(1, V - 1), help=about
        )
        return k, scale == "log", first


# The matrix drawn (N, or at n = 3 the slice after `first`), its context and the model's average NLL.
def counted(words: WordList, first: str, k: float) -> tuple[torch.Tensor, str, float]:
    with st.spinner("Counting bigrams…"):  # shows only past half a second: a long uploaded list
        N = words.counts  # (V, V), shared and read-only: everything here builds new tensors
    if first:
        try:
            with st.spinner("Counting trigrams…"):
                N, nll = trigram(words.digest, first, k, words)
            return N, first, nll
        except BigramError as e:  # a vocabulary too large for a V²×V table: the bigram matrix instead
            st.error(md(str(e)))
    return N, "", dataset_nll(probabilities(N, k), N).nll


# How many n-grams, the largest cell, the ones never seen and the model's loss, in large type.
def metrics(N: torch.Tensor, vocab: Vocabulary, context: str, k: float, nll: float) -> None:
    gram, V = GRAMS[len(context) + 2], len(vocab)
    (top, largest), never_seen = top_bigrams(N, vocab, 1)[0], int((N == 0).sum())
    cols = st.columns(4)
    cols[0].metric(
        f"{gram.capitalize()}s counted",
        f"{int(N.sum()):,}",
        help=f"N.sum(): the trigrams that start with '{md(context)}'."
        if context
        else "N.sum(): every word of length L gives L + 1 bigrams.",
    )
    shown = f"'{md(context + top)}'" if largest else None
    cols[1].metric("Largest cell", f"{largest:,}", delta=shown, delta_color="off", delta_arrow="off")
    cols[2].metric(
        f"Never-seen {'trigrams' if context else 'pairs'}",
        f"{never_seen:,} of {V * V:,}",
        delta="P = 0 at k = 0" if never_seen else None,
        delta_color="off",
        delta_arrow="off",
        help=f"A word containing one of these {gram}s has infinite loss unless k > 0.",
    )
    cols[3].metric(
        f"Average NLL at k = {k:g}",
        num(nll),
        help=f"The mean negative log-likelihood of every {gram} of the list under the order-{len(context) + 2} "
        "model: its loss.",
    )


# The heatmap, what its rows and columns are, and N and P as CSV (the container, for the notebook's button).
def heatmap(N: torch.Tensor, P: torch.Tensor, vocab: Vocabulary, context: str, log: bool, k: float):
    with st.container(key="fit_heatmap"):  # square, and no taller than the screen (ui/style.css)
        st.vega_lite_chart(counts_heatmap(N, P, vocab, context=context, log=log, k=k), height="stretch", key="heatmap")
    V, gram = len(vocab), GRAMS[len(context) + 2]
    st.caption(f"A cell shows its {gram} and count when the screen gives it room; hover any cell for its numbers.")
    if context:
        st.caption(
            f"Row i is the context '{md(context)}' then character i, column j the next character: N[i, j] "
            f"counts '{md(context)}' i j. Together the {V} slices, one per first character, are the {V}²×{V} "
            "trigram table. Row '.' is empty unless the first character is '.' too: inside a context '.' only "
            "pads a word's start."
        )
    else:
        st.caption(
            "Row i is the previous character, column j the next; '.' is the start (its row) and the end "
            "(its column) of every word."
        )
    # A file name per slice; a character that is not a letter or digit ('.', '/') is written as its code point.
    part = "" if not context else "_" + (context if context.isalnum() else f"U+{ord(context):04X}")
    downloads = st.container(horizontal=True)
    csv = {"N as CSV": (matrix_csv(N, vocab), f"{gram}_counts{part}.csv")}
    csv[f"P at k = {k:g} as CSV"] = (matrix_csv(P, vocab, "%.8g"), f"{gram}_probs{part}_k{k:g}.csv")
    for label, (data, file_name) in csv.items():
        downloads.download_button(label, data, file_name=file_name, mime="text/csv", icon=":material/download:")
    return downloads


# One row of P, the distribution sampling draws from; beside it the largest cells.
def one_row(N: torch.Tensor, P: torch.Tensor, vocab: Vocabulary, context: str, k: float) -> str:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("One row: the next-character distribution")
        row = url.Choice("row", vocab.itos[0], vocab.itos)
        prev = url.widget(
            row, st.pills, "Previous character", vocab.itos, default=row.default, required=True, wrap=True
        )
        i = vocab.stoi[prev]
        best = int(P[i].argmax())
        st.plotly_chart(row_bars(P[i], vocab, context + prev, k), key="row_chart")
        if followed := int(N[i].sum()):
            st.caption(
                f"'{md(context + prev)}' is followed {followed:,} times; the likeliest next character is "
                f"'{md(vocab.itos[best])}' with P = {num(float(P[i, best]))}. Sampling draws from exactly this row."
            )
        else:
            st.caption(
                f"'{md(context + prev)}' never occurs in the word list: its row holds only the k fake counts, "
                "so P is uniform."
            )
    with right:
        st.subheader(f"Top {TOP} {GRAMS[len(context) + 2]}s" + (f" after '{md(context)}'" if context else ""))
        ngrams(N, P, vocab, context, TOP, "content")
    return prev


# Normalising without keepdim=True: what goes wrong, and why, on the bigram matrix.
def keepdim_pitfall(N: torch.Tensor, vocab: Vocabulary, k: float, sliced: bool) -> None:
    st.subheader("The keepdim pitfall")
    st.caption(
        "Normalising the rows looks like one line of broadcasting, and one missing argument makes it silently wrong."
        + (" Shown on the bigram matrix." if sliced else "")
    )
    if not url.widget(NO_KEEPDIM, st.toggle, "Normalise without keepdim=True"):
        return
    P, wrong, V = probabilities(N, k), probabilities_keepdim_bug(N, k), len(vocab)  # (V, V) each
    right, wrong_code = st.columns(2)
    right.code(
        f"P = (N + {k:g}).float()\nP /= P.sum(1, keepdim=True)  # ({V}, 1): rows", language="python", wrap_lines=True
    )
    wrong_code.code(
        f"P = (N + {k:g}).float()\nP /= P.sum(1)  # ({V},) acts as (1, {V}): columns",
        language="python",
        wrap_lines=True,
    )
    st.write(
        f"Without keepdim, `P.sum(1)` has shape ({V},), and broadcasting aligns shapes from the right, so it "
        f"acts as a (1, {V}) row: **column j is divided by row j's total**. Nothing fails, but the rows no "
        "longer sum to 1 and the samples change."
    )
    st.plotly_chart(row_sums(P, wrong, vocab), key="row_sums")
    seed = state.seed()
    drawn = {"sampled with keepdim=True": P, "sampled without keepdim": wrong}
    st.dataframe(
        pd.DataFrame(
            {label: names(sample(M, vocab, SAMPLES, seed)) for label, M in drawn.items()},
            index=pd.RangeIndex(1, SAMPLES + 1, name="name"),
        ),
        height="content",
    )
    st.caption(
        f"Both columns use seed {seed}. torch.multinomial renormalises each row it draws from, so the wrong "
        "P still samples, but each next character j is weighted by 1 / row j's total: rare characters win."
    )


# The lecture's dictionary of counts, every n-gram that occurs.
def every_count(N: torch.Tensor, P: torch.Tensor, vocab: Vocabulary, context: str) -> None:
    gram = GRAMS[len(context) + 2]
    st.subheader(f"Every {gram} counted" + (f" after '{md(context)}'" if context else ""))
    st.caption(
        f"The lecture's dictionary of counts in full: {int((N > 0).sum()):,} distinct {gram}s, largest first. "
        "Click a column's header to sort by it."
    )
    ngrams(N, P, vocab, context, N.numel(), 420, split=True)
