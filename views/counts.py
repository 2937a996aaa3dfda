"""Counts (/counts): the count matrix N as the lecture draws it, P = (N + k) / row sums, and the keepdim pitfall.

At order n = 3 the counts are a V²×V table, one row per two-character context; the view shows the V×V slice
whose contexts start with a chosen character, drawn and read like the bigram matrix.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import torch

from bigram_core import BigramError, Vocabulary, WordList, dataset_nll, probabilities, probabilities_keepdim_bug, sample
from bigram_core.counts import top_bigrams
from bigram_core.ngram import sparse_counts, sparse_nll, sparse_slice
from bigram_core.sampling import names
from ui import notebook, state
from ui.charts import matrix_heatmap, next_char_bars
from ui.format import md, num, plotly_text

HEATMAP_PX = 900  # the lecture's figure is big and square: every cell must fit its pair and count
COLORBAR_PX = 60
PLOT_FRACTION = 0.9  # of HEATMAP_PX left for the cells after the axis labels and margins
MIN_FONT, MAX_FONT = 8, 11  # px: below 8 the labels are unreadable on a projector, above 11 they crowd the cell
TOP = 15
ROW_CHART_PX = 380  # as tall as the top-bigrams table beside it
SAMPLES = 8
GRAMS = {2: "bigram", 3: "trigram"}  # the orders this view draws: n = 3 as V×V slices of its V²×V table


def cell_font(V: int, max_count: int, order: int = 2) -> int | None:
    """The font size (px) at which a cell's two lines, n-gram over count, fit in it; None if that is unreadable."""
    cell = HEATMAP_PX * PLOT_FRACTION / V
    text_em = max(order * 0.75, 0.62 * len(str(max_count)))  # the widest line in ems: the n-gram ('mw') or the count
    size = int(min((cell - 4) / text_em, (cell - 2) / 2.4))  # two lines of 1.2 em each must fit the height
    return min(size, MAX_FONT) if size >= MIN_FONT else None


def cell_labels(N: torch.Tensor, vocab: Vocabulary, context: str = "") -> np.ndarray:
    """'pair<br>count' for every cell, (V, V) strings: the pair on top, the count below, as in the lecture;
    at n = 3 the trigram, `context` (the slice's first character) then the pair."""
    chars = np.array([plotly_text(ch) for ch in vocab.itos])
    pairs = np.char.add(plotly_text(context), np.char.add(chars[:, None], chars[None, :]))
    return np.char.add(np.char.add(pairs, "<br>"), N.numpy().astype(str))


def log_colorbar(max_count: int) -> dict:
    """Ticks for z = log10(1 + N), labelled with the counts themselves."""
    counts = [0] + [10**e for e in range(len(str(max_count)))]
    return {"tickvals": [np.log10(1 + c) for c in counts], "ticktext": [f"{c:,}" for c in counts]}


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


words = state.words()
with st.spinner("Counting bigrams…"):  # shows only past half a second: a long uploaded list
    bigrams = words.counts  # (V, V), shared and read-only: everything below builds new tensors
vocab = words.vocab
V = len(vocab)

st.title("Counts")
st.write(
    "**N[i, j]** counts how often character j follows character i in the word list; normalising each row "
    "gives the bigram model **P(next | previous)**. At order n = 3 the context is the two previous characters."
)

controls = st.columns(4, vertical_alignment="bottom")
with controls[0]:
    k = state.smoothing_k()
with controls[1]:
    scale = st.segmented_control(
        "Colour",
        ["linear", "log"],
        default="linear",
        required=True,
        key="counts_scale",
        persist_state="session",
        help="Log colour shows the rare pairs that linear colour washes out.",
    )
with controls[2]:
    order = st.segmented_control(
        "Order n",
        list(GRAMS),
        default=2,
        required=True,
        key="counts_order",
        format_func=lambda n: f"{n} · {GRAMS[n]}",
        persist_state="session",
        help="n = 3: the next character given the two before it, counted as trigrams.",
    )
N, context = bigrams, ""  # the matrix drawn, and at n = 3 the first character of its contexts
if order == 3:
    first = controls[3].selectbox(
        "First context character",
        vocab.itos,
        index=min(1, V - 1),
        key="counts_first",
        persist_state="session",
        format_func=lambda ch: "'.' (the word's start)" if ch == "." else ch,
        help=f"The trigram counts have a row for each of the {V}² two-character contexts: this shows the {V} "
        "contexts that start with this character, one per row.",
    )
    try:
        with st.spinner("Counting trigrams…"):
            N, trigram_nll = trigram(words.digest, first, k, words)
        context = first
    except BigramError as e:  # a vocabulary too large for a V²×V table: the bigram matrix instead
        st.error(md(str(e)))
n = 3 if context else 2
gram = GRAMS[n]
P = probabilities(N, k)  # (V, V): each row sums to 1

top = [(context + pair, count) for pair, count in top_bigrams(N, vocab, TOP)]  # largest first
never_seen = int((N == 0).sum())
metrics = st.columns(4)
metrics[0].metric(
    f"{gram.capitalize()}s counted",
    f"{int(N.sum()):,}",
    help=f"N.sum(): the trigrams that start with '{md(context)}'."
    if context
    else "N.sum(): every word of length L gives L + 1 bigrams.",
)
metrics[1].metric(
    "Largest cell",
    f"{top[0][1]:,}",
    delta=f"'{md(top[0][0])}'" if top[0][1] else None,
    delta_color="off",
    delta_arrow="off",
)
metrics[2].metric(
    f"Never-seen {'trigrams' if context else 'pairs'}",
    f"{never_seen:,} of {V * V:,}",
    delta="P = 0 at k = 0" if never_seen else None,
    delta_color="off",
    delta_arrow="off",
    help=f"A word containing one of these {gram}s has infinite loss unless k > 0.",
)
metrics[3].metric(
    f"Average NLL at k = {k:g}",
    num(trigram_nll if context else dataset_nll(P, N).nll),
    help=f"The mean negative log-likelihood of every {gram} of the list under the order-{n} model: its loss.",
)

# The heatmap: colour by count, every cell labelled, hover with P at the current k.
log = scale == "log"
font = cell_font(V, int(N.max()), n)
context_html = plotly_text(context)
fig = matrix_heatmap(
    np.log10(1 + N.numpy()) if log else N.numpy(),
    vocab,
    text=cell_labels(N, vocab, context) if font else None,
    hover=f"{context_html}%{{y}}%{{x}}: N = %{{customdata[0]:,}}<br>"
    f"P(%{{x}} | {context_html}%{{y}}) = %{{customdata[1]:.4f}} at k = {k:g}",
    customdata=np.stack([N.numpy(), P.numpy()], axis=-1),
    colorbar="count",
    height=HEATMAP_PX,
    font_size=font or MIN_FONT,
)
if context:
    fig.update_yaxes(title_text=f"previous character, after '{context_html}'")
# A square figure whose plot area gives up width (not range) to stay square: no blank band above row '.'.
fig.update_layout(width=HEATMAP_PX + COLORBAR_PX)
fig.update_xaxes(constrain="domain")
fig.update_yaxes(constrain="domain")
if log:
    fig.update_traces(colorbar=log_colorbar(int(N.max())))
# theme=None: Streamlit's theming of 729 labelled cells costs ~0.7 s of browser time on every page visit, so
# this figure brings its own plain template and the app's font.
fig.update_layout(
    template="plotly_white", font_family="Source Sans Pro, sans-serif", margin={"l": 70, "r": 10, "t": 70, "b": 10}
)
st.plotly_chart(fig, key="heatmap", width="content", theme=None)
if font is None:
    st.caption(
        f"With {V} characters the {V}×{V} cells are too small to label legibly; hover a cell for its pair, "
        "count and probability."
    )
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
slice_name = "" if not context else "_" + (context if context.isalnum() else f"U+{ord(context):04X}")
downloads = st.container(horizontal=True)
downloads.download_button(
    "N as CSV",
    matrix_csv(N, vocab),
    file_name=f"{gram}_counts{slice_name}.csv",
    mime="text/csv",
    icon=":material/download:",
)
downloads.download_button(
    f"P at k = {k:g} as CSV",
    matrix_csv(P, vocab, "%.8g"),
    file_name=f"{gram}_probs{slice_name}_k{k:g}.csv",
    mime="text/csv",
    icon=":material/download:",
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("One row: the next-character distribution")
    prev = st.pills(
        "Previous character",
        vocab.itos,
        default=vocab.itos[0],
        required=True,
        key="counts_row",
        wrap=True,
        persist_state="session",
    )
    i = vocab.stoi[prev]
    row_p = P[i]  # (V,)
    best = int(row_p.argmax())
    bars = next_char_bars(row_p, vocab, title=f"P(next | '{plotly_text(context + prev)}') at k = {k:g}")
    st.plotly_chart(bars.update_layout(height=ROW_CHART_PX), key="row")
    if followed := int(N[i].sum()):
        st.caption(
            f"'{md(context + prev)}' is followed {followed:,} times; the likeliest next character is "
            f"'{md(vocab.itos[best])}' with P = {num(float(row_p[best]))}. Sampling draws from exactly "
            "this row."
        )
    else:
        st.caption(
            f"'{md(context + prev)}' never occurs in the word list: its row holds only the k fake counts, "
            "so P is uniform."
        )
with right:
    st.subheader(f"Top {TOP} {gram}s" + (f" after '{md(context)}'" if context else ""))
    seen = [(label, count) for label, count in top if count]  # a small list may have fewer than TOP
    rows = [(vocab.stoi[label[-2]], vocab.stoi[label[-1]]) for label, _ in seen]
    st.dataframe(
        pd.DataFrame(
            {
                gram: [label for label, _ in seen],
                "count": [count for _, count in seen],
                "P(next | previous)": [float(P[a, b]) for a, b in rows],
            },
            index=pd.RangeIndex(1, len(seen) + 1, name="rank"),
        ),
        column_config={"P(next | previous)": st.column_config.NumberColumn(format="%.4f")},
        height="content",
    )
if not context:  # the notebook rebuilds the bigram model; n = 3 is the app's own extension
    notebook.offer("counts", words, where=downloads, k=k, row=prev)

st.subheader("The keepdim pitfall")
st.caption(
    "Normalising the rows looks like one line of broadcasting, and one missing argument makes it silently wrong."
    + (" Shown on the bigram matrix." if context else "")
)
if st.toggle("Normalise without keepdim=True", key="counts_keepdim_bug", persist_state="session"):
    correct, wrong = probabilities(bigrams, k), probabilities_keepdim_bug(bigrams, k)  # (V, V) each: the bigram model
    code = st.columns(2)
    code[0].code(
        f"P = (N + {k:g}).float()\nP /= P.sum(1, keepdim=True)  # ({V}, 1): rows", language="python", wrap_lines=True
    )
    code[1].code(
        f"P = (N + {k:g}).float()\nP /= P.sum(1)  # ({V},) acts as (1, {V}): columns",
        language="python",
        wrap_lines=True,
    )
    st.write(
        f"Without keepdim, `P.sum(1)` has shape ({V},), and broadcasting aligns shapes from the right, so it "
        f"acts as a (1, {V}) row: **column j is divided by row j's total**. Nothing fails, but the rows no "
        "longer sum to 1 and the samples change."
    )
    fig = go.Figure(
        [
            go.Bar(x=list(vocab.itos), y=correct.sum(1).numpy(), name="keepdim=True", marker_color="#9ecae1"),
            go.Bar(x=list(vocab.itos), y=wrong.sum(1).numpy(), name="without keepdim", marker_color="#d62728"),
        ]
    )
    fig.update_layout(
        height=320,
        barmode="group",
        hovermode="x unified",
        title="Row sums P.sum(1)",
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"type": "category", "title": "previous character"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )
    st.plotly_chart(fig, key="row_sums")
    seed = state.seed()
    st.dataframe(
        pd.DataFrame(
            {
                "sampled with keepdim=True": names(sample(correct, vocab, SAMPLES, seed)),
                "sampled without keepdim": names(sample(wrong, vocab, SAMPLES, seed)),
            },
            index=pd.RangeIndex(1, SAMPLES + 1, name="name"),
        ),
        height="content",
    )
    st.caption(
        f"Both columns use seed {seed}. torch.multinomial renormalises each row it draws from, so the wrong "
        "P still samples, but each next character j is weighted by 1 / row j's total: rare characters win."
    )

seen_all = [(context + pair, count) for pair, count in top_bigrams(N, vocab, V * V) if count]
st.subheader(f"Every {gram} counted" + (f" after '{md(context)}'" if context else ""))
st.caption(
    f"The lecture's dictionary of counts in full: {len(seen_all):,} distinct {gram}s, largest first. "
    "Click a column's header to sort by it."
)
st.dataframe(
    pd.DataFrame(
        {
            gram: [label for label, _ in seen_all],
            "previous": [label[:-1] for label, _ in seen_all],
            "next": [label[-1] for label, _ in seen_all],
            "count": [count for _, count in seen_all],
            "P(next | previous)": [float(P[vocab.stoi[label[-2]], vocab.stoi[label[-1]]]) for label, _ in seen_all],
        },
        index=pd.RangeIndex(1, len(seen_all) + 1, name="rank"),
    ),
    column_config={"P(next | previous)": st.column_config.NumberColumn(format="%.4f")},
    height=420,
)
