"""Dataset (/): the word list at a glance, and how one word becomes the lecture's bigram examples xs, ys."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from bigram_core import BigramError, bigram_examples
from bigram_core.counts import character_counts
from bigram_core.limits import shown
from ui import state
from ui.format import code, md

FIRST_ROWS = 10  # the lecture looks at words[:10]
CHART_HEIGHT = 320


def fact(label: str, value: str, note: str = "", help: str | None = None) -> None:
    """A metric whose small grey note (an example word, say) is a caption, not a change up or down."""
    st.metric(label, value, delta=note or None, delta_color="off", delta_arrow="off", help=help)


def characters(n: int) -> str:
    return f"{n} character" + ("" if n == 1 else "s")


def bar_chart(x: list, y: list, xtitle: str, ytitle: str, hover: str) -> go.Figure:
    """One bar per category x, of height y, in the page's one colour."""
    fig = go.Figure(go.Bar(x=x, y=y, marker_color="#1f77b4", hovertemplate=hover + "<extra></extra>"))
    fig.update_layout(
        height=CHART_HEIGHT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"type": "category", "title": xtitle},
        yaxis={"title": ytitle},
    )
    return fig


words = state.words()
with st.spinner("Reading the word list…"):  # shows only past half a second: a long uploaded list
    summary = words.summary  # summarised and counted once, then kept on the word list (an upload's in the worker)
    N = words.counts
vocab = words.vocab

st.title("Dataset")
st.write(
    f"The word list the model learns from, **{md(words.name)}**: its size, repeats, lengths and characters, "
    "and how each word becomes training examples."
)

row = st.columns(4)
with row[0]:
    fact("Words", f"{summary.words:,}")
with row[1]:
    fact("Unique words", f"{summary.unique_words:,}")
with row[2]:
    fact(
        "Repeated words",
        f"{summary.repeated_words:,}",
        f"{summary.words - summary.unique_words:,} extra copies",
        help="Distinct words that occur more than once. Repeats are kept: each copy adds its bigrams to the counts.",
    )
with row[3]:
    if summary.most_repeated is None:
        fact("Most repeated", "—", "no word repeats")
    else:
        word, times = summary.most_repeated
        ties = summary.most_repeated_ties - 1
        fact("Most repeated", f"{md(shown(word))} ×{times}", f"and {ties:,} more ×{times}" if ties else "")
row = st.columns(4)
with row[0]:
    fact("Shortest", characters(len(summary.shortest)), md(shown(summary.shortest)))
with row[1]:
    fact("Longest", characters(len(summary.longest)), md(shown(summary.longest)))
with row[2]:
    fact(
        "Vocabulary V",
        f"{len(vocab)}",
        f"'.' + {len(vocab) - 1} characters",
        help=f"In index order: {code(' '.join(vocab.itos))}. '.' (index 0) marks the start and the end of every word.",
    )
with row[3]:
    fact(
        "Bigrams",
        f"{words.n_bigrams:,}",
        "training examples",
        help="A word of length L gives L + 1 bigrams: '.' to its first letter, each inner pair, "
        "its last letter to '.'.",
    )

left, right = st.columns(2)
with left:
    st.subheader("Word lengths")
    lengths = summary.length_counts
    st.plotly_chart(
        bar_chart(list(lengths), list(lengths.values()), "length (characters)", "words", "%{y:,} words of length %{x}"),
        key="lengths",
    )
with right:
    st.subheader("Character frequencies")
    occurrences = character_counts(N)[1:].tolist()  # drop '.': its count is the number of words
    by_frequency = sorted(zip(vocab.itos[1:], occurrences), key=lambda pair: -pair[1])
    st.plotly_chart(
        bar_chart(
            [ch for ch, _ in by_frequency],
            [n for _, n in by_frequency],
            "character",
            "occurrences",
            "'%{x}' occurs %{y:,} times",
        ),
        key="characters",
    )
    st.caption(
        "These are the row sums of the count matrix N: every character is followed by exactly one "
        "bigram partner, so row i of N counts each occurrence of character i once."
    )

left, right = st.columns([1, 2], gap="large")
with left:
    st.subheader(f"The first {min(FIRST_ROWS, summary.words)} words")
    first = list(words.words[:FIRST_ROWS])
    st.dataframe(
        pd.DataFrame(
            {"word": [shown(w) for w in first], "length": [len(w) for w in first]},
            index=pd.RangeIndex(1, len(first) + 1, name="#"),
        ),
        height="content",
    )
with right:
    st.subheader("One word as training examples")
    st.caption(
        "The lecture wraps each word in '.' and reads its consecutive pairs: each pair is one example, "
        "the index of the first character is the input (xs), the index of the second the label (ys)."
    )
    word = st.text_input(
        "A word",
        value=state.default_word("emma"),
        max_chars=state.MAX_WORD,
        key="dataset_word",
        persist_state="session",
    ).strip()
    if not word:
        st.info("Type a word to see the bigrams it contributes.")
    else:
        try:
            xs, ys = bigram_examples([word], vocab)
        except BigramError as e:
            st.error(md(str(e)))
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        "bigram": [vocab.itos[x] + vocab.itos[y] for x, y in zip(xs.tolist(), ys.tolist())],
                        "xs (input)": xs.tolist(),
                        "ys (label)": ys.tolist(),
                        "times in the list": N[xs, ys].tolist(),
                    },
                    index=pd.RangeIndex(1, len(xs) + 1, name="example"),
                ),
            )
            st.code(f"xs = {xs}\nys = {ys}", language="python")
            st.caption(f"'{md(word)}' has {len(word)} characters, so it contributes {len(xs)} examples.")
            st.page_link(
                "views/breakdown.py",
                label=f"Score '{md(word)}' bigram by bigram",
                icon=":material/troubleshoot:",
                query_params={"word": word},
            )
