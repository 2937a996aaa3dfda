"""Breakdown: why a word gets the probability it gets, bigram by bigram; several words side by side."""

import math
from decimal import Decimal

import streamlit as st
import torch

from bigram_core import BigramError, WordList, breakdown, dataset_nll, limits, probabilities, probs
from bigram_core.evaluate import Breakdown, breakdowns, comma_words
from ui import notebook, presenter, state, tables, url
from ui.charts.breakdown import nll_bars
from ui.format import count, md, num

MODELS = ("counts", "net")  # what the URL carries (?model=net), so short words
COMPARE_DEFAULT = ["emma", "olivia", "andrej", "andrejq", "zzyzx"]  # those the list can spell
BOUND = {"bind": "query-params", "persist_state": "session"}


def settings() -> tuple[str, str, float]:
    """The word, the model and its smoothing k, in one row."""
    default = state.default_word("andrej")
    with presenter.controls():
        word_col, model_col, k_col = st.columns([2, 1.2, 1])
        word = url.control(
            url.Text("word", default, limits.SCORED_WORD_LENGTH),
            lambda: word_col.text_input(
                "Word",
                default,
                max_chars=limits.SCORED_WORD_LENGTH,
                key="word",
                help="Scored with '.' at both ends: '.andrej.' has the bigrams .a an nd dr re ej j.",
                **BOUND,
            ),
            "Word",
        )
        model = url.control(
            url.Choice("model", MODELS[0], MODELS),
            lambda: model_col.radio("Model", MODELS, key="model", horizontal=True, **BOUND),
            "Model",
        )
        # Disabled rather than hidden for the net: a bound widget that is not drawn drops its value from the URL.
        k = state.smoothing_k(k_col, disabled=model != "counts")
    return word.strip(), model, k


def model_probs(words: WordList, model: str, k: float) -> torch.Tensor:
    """P (V, V) of the chosen model, and a caption that says which it is."""
    if model == "counts":
        st.caption(
            f"Model: P = (N + {k:g}) / row sums, counted from the {count(len(words.words), 'word')} of "
            f"{md(words.name)}."
        )
        return probabilities(words.counts, k)
    with st.spinner("Training the lecture's net …"):
        W, about = state.net_weights()
    st.caption(f"Model: P = softmax(W) of {about}.")
    return probs(W)


def one_word(b: Breakdown, data_nll: float, smoothable: bool) -> None:
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
        st.error(md(b.why_impossible(smoothable)), icon=":material/all_inclusive:")
    left, right = st.columns([1, 1.3])
    left.dataframe(tables.bigrams(b), hide_index=True)
    if any(r.count == 0 for r in b.bigrams):
        left.caption("Tinted: bigrams that never occur in the data.")
    right.plotly_chart(nll_bars([r.pair for r in b.bigrams], [r.nll for r in b.bigrams], "NLL = −log P", b.nll))


def compare(P: torch.Tensor, words: WordList) -> None:
    """Several words scored under the same model: a table and a chart of their mean NLL."""
    st.subheader("Compare words")
    default = state.default_words(COMPARE_DEFAULT)
    longest = limits.COMPARED_WORDS * (limits.WORD_LENGTH + 2)
    with presenter.controls():
        text = url.control(
            url.Text("compare", default, longest),
            lambda: st.text_input("Words, separated by commas", default, max_chars=longest, key="compare", **BOUND),
            "Words to compare",
        )
    requested = comma_words(text)
    if not requested:
        st.info("Type a few words, separated by commas.")
        return
    if len(requested) > limits.COMPARED_WORDS:
        st.info(f"Comparing the first {limits.COMPARED_WORDS} of the {len(requested)} words.")
    scored, problems = breakdowns(requested[: limits.COMPARED_WORDS], P, words.counts, words.vocab, limits.WORD_LENGTH)
    if problems:
        st.warning(md("Skipped: " + " ".join(problems)))
    if not scored:
        return
    left, right = st.columns([1.3, 1])
    left.dataframe(tables.words(scored), hide_index=True)
    right.plotly_chart(nll_bars([b.word for b in scored], [b.nll for b in scored], "mean NLL"))


st.title("Breakdown")
st.write(
    "How likely the model finds one word, bigram by bigram: each bigram's probability, and the loss of the whole word."
)
words = state.words()
url.keep_only("word", "model", "compare")
word, model, k = settings()
P = model_probs(words, model, k)
if not word:
    st.warning("Type a word to see how the model scores it.")
else:
    try:
        scored = breakdown(word, P, words.counts, words.vocab)
    except BigramError as e:
        st.error(md(str(e)))
    else:
        one_word(scored, dataset_nll(P, words.counts).nll, smoothable=model == "counts")
        notebook.offer("breakdown", words, word=word, k=k, model=model, net=notebook.net_settings())
st.caption(
    "P(word) is the product of its bigram probabilities, a tiny number; its log is the sum of their logs "
    "(the log-likelihood). Negated and divided by the number of bigrams it is the loss: lower is better, "
    "and 0 would mean the model was sure of every next character."
)
compare(P, words)
