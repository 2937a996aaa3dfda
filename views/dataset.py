"""Dataset (/): the word list at a glance, and how one word becomes the lecture's bigram examples xs, ys."""

import pandas as pd
import streamlit as st
import torch

from bigram_core import BigramError, Vocabulary, WordList, bigram_examples, limits
from bigram_core.counts import character_counts
from bigram_core.data import Summary
from bigram_core.limits import shown
from ui import presenter, state, url
from ui.charts import dataset as charts
from ui.format import code, count, md

FIRST_ROWS = 10  # the lecture looks at words[:10]
WORD = "dataset_word"  # the URL's name for the typed word: Breakdown's and Training's `word` is another


def fact(where, label: str, value: str, note: str = "", help: str | None = None) -> None:
    """A metric whose small grey note (an example word, say) is a caption, not a change up or down."""
    where.metric(label, value, delta=note or None, delta_color="off", delta_arrow="off", help=help)


def figures(s: Summary, words: WordList) -> None:
    """Eight numbers in two rows: how many words, how many repeat, how long, which characters, how many bigrams."""
    V = len(words.vocab)
    most = "—", "no word repeats"
    if s.most_repeated is not None:
        (word, times), ties = s.most_repeated, s.most_repeated_ties - 1
        most = f"{md(shown(word))} ×{times}", f"and {ties:,} more ×{times}" if ties else ""
    top, bottom = st.columns(4), st.columns(4)
    fact(top[0], "Words", f"{s.words:,}")
    fact(top[1], "Unique words", f"{s.unique_words:,}")
    fact(
        top[2],
        "Repeated words",
        f"{s.repeated_words:,}",
        f"{s.words - s.unique_words:,} extra copies",
        help="Distinct words that occur more than once. Repeats are kept: each copy adds its bigrams to the counts.",
    )
    fact(top[3], "Most repeated", *most)
    fact(bottom[0], "Shortest", count(len(s.shortest), "character"), md(shown(s.shortest)))
    fact(bottom[1], "Longest", count(len(s.longest), "character"), md(shown(s.longest)))
    fact(
        bottom[2],
        "Vocabulary V",
        f"{V}",
        f"'.' + {V - 1} characters",
        help=f"In index order: {code(' '.join(words.vocab.itos))}. '.' (index 0) marks the start and the end "
        "of every word.",
    )
    fact(
        bottom[3],
        "Bigrams",
        f"{words.n_bigrams:,}",
        "training examples",
        help="A word of length L gives L + 1 bigrams: '.' to its first letter, each inner pair, "
        "its last letter to '.'.",
    )


def distributions(s: Summary, vocab: Vocabulary, N: torch.Tensor) -> None:
    """Word lengths and character frequencies, side by side."""
    left, right = st.columns(2)
    left.subheader("Word lengths")
    lengths = s.length_counts
    left.plotly_chart(
        charts.bars(
            list(lengths), list(lengths.values()), "length (characters)", "words", "%{y:,} words of length %{x}"
        ),
        key="lengths",
    )
    right.subheader("Character frequencies")
    occurrences = character_counts(N)[1:].tolist()  # drop '.': its count is the number of words
    by_frequency = sorted(zip(vocab.itos[1:], occurrences), key=lambda pair: -pair[1])
    x, y = [ch for ch, _ in by_frequency], [n for _, n in by_frequency]
    right.plotly_chart(charts.bars(x, y, "character", "occurrences", "'%{x}' occurs %{y:,} times"), key="characters")
    right.caption(
        "These are the row sums of the count matrix N: every character is followed by exactly one "
        "bigram partner, so row i of N counts each occurrence of character i once."
    )


def first_words(words: WordList) -> None:
    first = list(words.words[:FIRST_ROWS])
    st.subheader(f"The first {len(first)} words")
    table = {"word": [shown(w) for w in first], "length": [len(w) for w in first]}
    st.dataframe(pd.DataFrame(table, index=pd.RangeIndex(1, len(first) + 1, name="#")), height="content")


def as_examples(words: WordList) -> None:
    """A typed word wrapped in '.', cut into its bigrams: the inputs xs and labels ys it adds to the data."""
    st.subheader("One word as training examples")
    st.caption(
        "The lecture wraps each word in '.' and reads its consecutive pairs: each pair is one example, "
        "the index of the first character is the input (xs), the index of the second the label (ys)."
    )
    default = state.default_word("emma")
    with presenter.controls():
        word = url.control(
            url.Text(WORD, default, limits.WORD_LENGTH),
            lambda: st.text_input(
                "A word", default, max_chars=limits.WORD_LENGTH, key=WORD, bind="query-params", persist_state="session"
            ),
            "A word",
        ).strip()
    if not word:
        st.info("Type a word to see the bigrams it contributes.")
        return
    vocab = words.vocab
    try:
        xs, ys = bigram_examples([word], vocab)
    except BigramError as e:
        st.error(md(str(e)))
        return
    examples = {
        "bigram": [vocab.itos[x] + vocab.itos[y] for x, y in zip(xs.tolist(), ys.tolist())],
        "xs (input)": xs.tolist(),
        "ys (label)": ys.tolist(),
        "times in the list": words.counts[xs, ys].tolist(),
    }
    st.dataframe(pd.DataFrame(examples, index=pd.RangeIndex(1, len(xs) + 1, name="example")))
    st.code(f"xs = {xs}\nys = {ys}", language="python")
    st.caption(f"'{md(word)}' has {len(word)} characters, so it contributes {len(xs)} examples.")
    st.page_link(
        "views/breakdown.py",
        label=f"Score '{md(word)}' bigram by bigram",
        icon=":material/troubleshoot:",
        query_params={"word": word},
    )


words = state.words()
url.keep_only(WORD)
with st.spinner("Reading the word list…"):  # shows only past half a second: a long uploaded list
    summary = words.summary  # summarised and counted once, then kept on the word list (an upload's in the worker)
    N = words.counts
st.title("Dataset")
st.write(
    f"The word list the model learns from, **{md(words.name)}**: its size, repeats, lengths and characters, "
    "and how each word becomes training examples."
)
figures(summary, words)
distributions(summary, words.vocab, N)
left, right = st.columns([1, 2], gap="large")
with left:
    first_words(words)
with right:
    as_examples(words)
