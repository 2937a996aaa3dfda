"""Breakdown: why a word gets the probability it gets, bigram by bigram; several words side by side."""

import math
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from bigram_core import BigramError, breakdown, dataset_nll, probabilities, probs
from bigram_core.evaluate import Breakdown, most_surprising
from ui import notebook, state
from ui.format import count, md, num, plotly_text

# The option strings are what the URL carries (?model=net), so they are short words.
MODELS = ("counts", "net")
COMPARE_DEFAULT = ["emma", "olivia", "andrej", "andrejq", "zzyzx"]  # those the list can spell
MAX_COMPARED = 20  # words side by side: more would not fit the chart's axis
# A word is a table row and a bar per bigram: past this it is unreadable. Longer than a typed word may be
# elsewhere (state.MAX_WORD), so that a word's probability can underflow a float, which P(word) handles.
MAX_SCORED = 1000
BAR, IMPOSSIBLE = "#1f77b4", "#d62728"
TINT = "background-color: rgba(214, 39, 40, 0.15)"


def nll_bars(labels: list[str], nlls: list[float], y_title: str, mean: float | None = None) -> go.Figure:
    """One bar per NLL, labelled with its value; an infinite NLL reaches the top of the chart, red, as ∞."""
    finite = [x for x in nlls if math.isfinite(x)]
    top = 1.2 * max(finite, default=1.0) or 1.0
    # x is the position, not the label: a word can repeat a bigram ("aa" in "aaa"), and plotly would stack
    # equal category labels into one bar.
    fig = go.Figure(
        go.Bar(
            x=list(range(len(labels))),
            y=[x if math.isfinite(x) else top for x in nlls],
            text=[num(x, 2) for x in nlls],
            textposition="outside",
            textfont={"size": [12 if math.isfinite(x) else 22 for x in nlls]},
            marker_color=[BAR if math.isfinite(x) else IMPOSSIBLE for x in nlls],
            customdata=[num(x) for x in nlls],
            hovertext=[plotly_text(label) for label in labels],
            hovertemplate="%{hovertext}: %{customdata}<extra></extra>",
        )
    )
    if mean is not None and math.isfinite(mean):
        fig.add_hline(
            y=mean,
            line_dash="dash",
            line_color="grey",
            annotation_text=f"mean {num(mean, 2)}",
            annotation_position="right",
        )  # in the margin, clear of the bars
    fig.update_layout(
        height=340,
        margin={"l": 10, "r": 80, "t": 20, "b": 10},
        yaxis_title=y_title,
        yaxis_range=[0, top * 1.1],
        showlegend=False,
    )
    pad = max(0.5, (4 - len(labels)) / 2)  # one or two bars stay bar-sized, centred, instead of filling the chart
    fig.update_xaxes(
        tickvals=list(range(len(labels))),
        ticktext=[plotly_text(label) for label in labels],
        tickfont={"size": 14},
        range=[-pad, len(labels) - 1 + pad],
    )
    return fig


def tint_rows(df: pd.DataFrame, marked: list[bool]) -> Styler:
    """The table with the rows marked True tinted red."""
    styles = [[TINT if m else ""] * df.shape[1] for m in marked]
    return df.style.apply(lambda _: pd.DataFrame(styles, index=df.index, columns=df.columns), axis=None)


def prob(p: float) -> str:
    """A probability to 4 decimals, but an exact 0 as 0: impossible, not merely small."""
    return "0" if p == 0 else f"{p:.4f}"


def impossible_reason(b: Breakdown, smoothable: bool) -> str:
    """One sentence on why the loss is infinite, naming the bigrams with P = 0."""
    pairs = " and ".join(f"'{md(p)}'" for p in b.zero_bigrams)
    unseen = all(r.count == 0 for r in b.bigrams if r.prob == 0)
    cause = (
        f"{pairs} never {'occurs' if len(b.zero_bigrams) == 1 else 'occur'} in the data"
        if unseen
        else f"the model gives {pairs} probability 0"
    )
    fix = "; smoothing (k > 0) fixes it" if smoothable else ""
    return f"{cause}, so P = 0 and −log 0 = ∞{fix}."


def show_word(b: Breakdown, data_nll: float, smoothable: bool) -> None:
    """The word's score in large type, then its bigrams as a table and as bars."""
    cols = st.columns(3)
    cols[0].metric(
        "Log-likelihood", num(b.log_likelihood), help="log P(word): the sum of the bigrams' log-probabilities."
    )
    cols[1].metric(
        "Mean NLL (the loss)",
        num(b.nll),
        delta=f"{b.nll - data_nll:+.2f} vs the data's {data_nll:.2f}" if math.isfinite(b.nll) else None,
        delta_color="inverse",
        delta_arrow="off",
        help="−log-likelihood / number of bigrams. The delta compares it with the mean over every "
        "bigram of the loaded word list.",
    )
    # Decimal, because a long word's probability underflows a float to 0, which would read as impossible.
    cols[2].metric(
        "P(word)", f"{Decimal(b.log_likelihood).exp():.3g}", help="The product of the bigrams' probabilities."
    )
    if b.zero_bigrams:
        st.error(impossible_reason(b, smoothable), icon=":material/all_inclusive:")

    table = pd.DataFrame(
        {
            "bigram": [r.pair for r in b.bigrams],
            "count": [r.count for r in b.bigrams],
            "P": [r.prob for r in b.bigrams],
            "log P": [r.logprob for r in b.bigrams],
            "NLL": [r.nll for r in b.bigrams],
        }
    )
    styled = tint_rows(table, [r.count == 0 for r in b.bigrams]).format(
        {"count": "{:,}", "P": prob, "log P": num, "NLL": num}
    )
    left, right = st.columns([1, 1.3])
    left.dataframe(styled, hide_index=True)
    if any(r.count == 0 for r in b.bigrams):
        left.caption("Tinted: bigrams that never occur in the data.")
    right.plotly_chart(nll_bars(table["bigram"].tolist(), table["NLL"].tolist(), "NLL = −log P", b.nll))


def compare(text: str, P, words) -> None:
    """Several words scored under the same model: a table and a chart of their mean NLL."""
    requested = list(dict.fromkeys(w.strip() for w in text.split(",") if w.strip()))  # in order, once each
    if not requested:
        st.info("Type a few words, separated by commas.")
        return
    if len(requested) > MAX_COMPARED:
        st.info(f"Comparing the first {MAX_COMPARED} of the {len(requested)} words.")
        requested = requested[:MAX_COMPARED]
    scored, problems = [], []
    for w in requested:
        try:
            if len(w) > state.MAX_WORD:
                raise BigramError(f"{w[:12]!r}… is longer than {state.MAX_WORD} characters.")
            scored.append(breakdown(w, P, words.counts, words.vocab))
        except BigramError as e:
            problems.append(str(e))
    if problems:
        st.warning(md("Skipped: " + " ".join(problems)))
    if not scored:
        return
    worst = [most_surprising(b) for b in scored]
    table = pd.DataFrame(
        {
            "word": [b.word for b in scored],
            "log-likelihood": [b.log_likelihood for b in scored],
            "mean NLL": [b.nll for b in scored],
            "most surprising bigram": [r.pair for r in worst],
            "its NLL": [r.nll for r in worst],
        }
    )
    styled = tint_rows(table, [math.isinf(b.nll) for b in scored]).format(
        {"log-likelihood": num, "mean NLL": num, "its NLL": num}
    )
    left, right = st.columns([1.3, 1])
    left.dataframe(styled, hide_index=True)
    right.plotly_chart(nll_bars(table["word"].tolist(), table["mean NLL"].tolist(), "mean NLL"))


st.title("Breakdown")
st.write(
    "How likely the model finds one word, bigram by bigram: each bigram's probability, and the loss of the whole word."
)

words = state.words()
word_col, model_col, k_col = st.columns([2, 1.2, 1])
# A bound input keeps only its first max_chars characters of ?word=; say so rather than cut it silently.
cut = len(st.query_params.get("word", "")) > MAX_SCORED
word = word_col.text_input(
    "Word",
    state.default_word("andrej"),
    max_chars=MAX_SCORED,
    key="word",
    bind="query-params",
    help="Scored with '.' at both ends: '.andrej.' has the bigrams .a an nd dr re ej j.",
).strip()
model = model_col.radio("Model", MODELS, key="model", bind="query-params", horizontal=True)
# Disabled rather than hidden for the net: a bound widget that is not drawn drops its value from the URL.
k = state.smoothing_k(k_col, disabled=model != "counts")

if model == "counts":
    P = probabilities(words.counts, k)
    st.caption(
        f"Model: P = (N + {k:g}) / row sums, counted from the {count(len(words.words), 'word')} of {md(words.name)}."
    )
else:
    with st.spinner("Training the lecture's net …"):
        W, about = state.net_weights()
    P = probs(W)
    st.caption(f"Model: P = softmax(W) of {about}.")

if cut:
    st.info(f"The word in the address was cut to its first {MAX_SCORED:,} characters.")
if not word:
    st.warning("Type a word to see how the model scores it.")
else:
    try:
        scored = breakdown(word, P, words.counts, words.vocab)
    except BigramError as e:
        st.error(md(str(e)))
    else:
        show_word(scored, dataset_nll(P, words.counts).nll, smoothable=model == "counts")
        notebook.offer("breakdown", words, word=word, k=k, model=model, net=notebook.net_settings())
st.caption(
    "P(word) is the product of its bigram probabilities, a tiny number; its log is the sum of their logs "
    "(the log-likelihood). Negated and divided by the number of bigrams it is the loss: lower is better, "
    "and 0 would mean the model was sure of every next character."
)

st.subheader("Compare words")
compare(
    st.text_input(
        "Words, separated by commas",
        state.default_words(COMPARE_DEFAULT),
        max_chars=MAX_COMPARED * (state.MAX_WORD + 2),
        key="compare",
        bind="query-params",
    ),
    P,
    words,
)
