"""The Name generator view's sections: the settings, the model's P, the names drawn, and one name traced draw by
draw."""

import contextlib
import sys

import pandas as pd
import streamlit as st
import torch
from streamlit.errors import StreamlitAPIException

from bigram_core import BigramError, breakdown, dataset_nll, limits, probabilities, probs, sample, score_words, uniform
from bigram_core.data import WordList
from bigram_core.sampling import DEFAULT_MAX_LEN, SAMPLER_NOTE, SAMPLERS, Sample
from ui import presenter, state, url
from ui.charts.generator import CURRENT_STEP, draw_bars
from ui.format import md, num
from ui.sidebar import SEED_PARAM

MODELS = ("counts", "net", "uniform")
# ?from=, not ?model=: Breakdown's model radio has that key and no uniform model, and a key is one session state.
FROM = url.Choice("from", "counts", MODELS)
HOW_MANY = url.Number("n", 20, 0, limits.SERVER_NAMES, integer=True)
PREFIX = url.Text("prefix", "", limits.WORD_LENGTH)
TEMPERATURE = url.Number("temperature", 1.0, 0.0, sys.float_info.max)
LONGEST = url.Number("max_len", DEFAULT_MAX_LEN, 1, limits.SERVER_NAME_LENGTH, integer=True)
SAMPLER = url.Choice("sampler", "torch", SAMPLERS)
SEED_HERE = "generator_seed"  # this page's copy of the app's seed widget
DRAWS = {
    "torch": "torch.multinomial draw",
    "video": "inverse-CDF draw (a float64 uniform u, then the first character whose cumulative probability exceeds u)",
}


def model_probs(model: str, k: float, words: WordList) -> tuple[torch.Tensor, str]:
    """P (V, V) of the chosen model and a sentence saying what it is."""
    if model == "counts":
        return probabilities(words.counts, k), f"P = (N + {k:g}) / row sums, counted from {md(words.name)}."
    if model == "net":
        with st.spinner("Training the lecture's net …"):
            W, about = state.net_weights()
        return probs(W), f"P = softmax(W) of {about}."
    V = len(words.vocab)
    return uniform(V), f"Every next character equally likely: P = 1/{V} everywhere."


def label(s: Sample) -> str:
    """A name as a reader should see it: visible when empty, marked when cut at the maximum length."""
    return (s.name or "(empty)") + ("" if s.ended else " …")


# ?model=, Breakdown's name for the model, opens this page on it too: a link may be written either way.
def model_alias() -> None:
    raw = st.query_params.get("model")
    if raw is None or FROM.key in st.query_params:
        return
    model, note = url.Choice("model", FROM.default, MODELS).parse(raw)
    if note:
        st.warning(md(note), icon=":material/link:")
        return
    st.session_state[FROM.key] = model  # the radio shows it; the address says it from now on
    with contextlib.suppress(StreamlitAPIException):  # bound already: the radio writes it
        st.query_params[FROM.key] = model


# The app's seed (?seed=, the sidebar's), drawn here too: this is the page where one tries seeds.
def seed_field(where) -> int:
    if SEED_PARAM.key not in url.hidden():
        st.session_state[SEED_HERE] = state.seed()
        where.number_input(
            "Seed",
            SEED_PARAM.lo,
            SEED_PARAM.hi,
            step=1,
            key=SEED_HERE,
            on_change=lambda: st.session_state.update(seed=st.session_state[SEED_HERE]),
            help="The app's seed, as in the sidebar: a fresh torch.Generator seeded with it draws the names, "
            "as in the lecture.",
        )
    return state.seed()


# Which model, how many names from which seed, and how each is drawn: what the notebook rebuilds, too.
def settings() -> dict:
    with presenter.controls():
        top, bottom = st.columns([1.4, 1, 1, 1]), st.columns([1.4, 1, 1, 1])
        model = url.widget(FROM, top[0].radio, "Model", MODELS, horizontal=True)
        k = state.smoothing_k(top[1], disabled=model != "counts")
        n = url.number_input(HOW_MANY, top[2], "How many", step=1)
        seed = seed_field(top[3])
        prefix = url.widget(
            PREFIX,
            bottom[0].text_input,
            "Prefix",
            max_chars=PREFIX.max_chars,
            help="Every name starts with these characters; drawing goes on from the last.",
        )
        temperature = url.number_input(
            TEMPERATURE,
            bottom[1],
            "Temperature",
            step=0.1,
            format="%g",
            help="P ** (1/T), rows renormalised: below 1 sharper, above 1 flatter.",
        )
        max_len = url.number_input(LONGEST, bottom[2], "Maximum length", step=1)
        sampler = url.widget(
            SAMPLER, bottom[3].segmented_control, "Sampler", SAMPLERS, default="torch", required=True, help=SAMPLER_NOTE
        )
    return {
        "model": model,
        "k": k,
        "n": int(n),
        "seed": seed,
        "temperature": temperature,
        "prefix": prefix.strip(),
        "max_len": int(max_len),
        "sampler": sampler,
    }


# The names, or the one sentence that says why there are none.
def drawn(P: torch.Tensor, words: WordList, s: dict) -> list[Sample]:
    if s["n"] < 1:
        st.warning("Choose at least one name to draw.")
        return []
    try:
        with st.spinner("Drawing names …"):
            return sample(
                P, words.vocab, s["n"], s["seed"], s["temperature"], s["prefix"], s["max_len"], sampler=s["sampler"]
            )
    except BigramError as e:
        st.error(md(str(e)))
        return []


# How many are new, how typical they are, and the names to download.
def summary(samples: list[Sample], P: torch.Tensor, words: WordList) -> None:
    new = sum(s.name not in set(words.words) for s in samples)
    pooled = score_words(P, [s.name for s in samples], words.vocab).nll
    data_nll = dataset_nll(P, words.counts).nll
    cols = st.columns(3)
    cols[0].metric("New names", f"{new:,} of {len(samples):,}", help="Names that are not in the loaded word list.")
    cols[1].metric(
        "Mean NLL of these names",
        num(pooled),
        delta=f"{pooled - data_nll:+.2f} vs the data's {data_nll:.2f}",
        delta_color="inverse",
        delta_arrow="off",
        help="Under the model at temperature 1, over every bigram of the names, '.' at both ends.",
    )
    names = "".join(s.name + "\n" for s in samples)
    cols[2].download_button(
        "Download the names", names, "names.txt", "text/plain", icon=":material/download:", on_click="ignore"
    )


# Each name with its NLL and whether the list has it; beside them, one name draw by draw.
def names_and_trace(samples: list[Sample], P: torch.Tensor, words: WordList, sampler: str) -> None:
    known = set(words.words)
    table = pd.DataFrame(
        {
            "name": [label(s) for s in samples],
            "NLL": [breakdown(s.name, P, words.counts, words.vocab).nll for s in samples],
            "in the data": [s.name in known for s in samples],
        },
        index=pd.RangeIndex(1, len(samples) + 1),
    )  # numbered as in the trace's name picker
    names_col, trace_col = st.columns([1.3, 2], gap="large")
    with names_col:
        st.subheader("Names")
        st.dataframe(table.style.format({"NLL": num}), height=min(560, 35 * (len(table) + 1) + 3))
        if cut := sum(not s.ended for s in samples):
            st.caption(f"{cut:,} name(s) reached the maximum length before drawing '.', so they were cut (marked …).")
    with trace_col:
        st.subheader("Trace one name")
        st.caption(
            f"Each step is one {DRAWS[sampler]} from the row of P of the last character; the red bar is the "
            "character it drew."
        )
        trace(samples, words.vocab)


@st.fragment
def trace(samples: list[Sample], vocab) -> None:
    """One name, draw by draw: the row of P it drew from, and what it drew. Reruns alone, not the whole page."""
    pick, slide = st.columns(2)
    # No key: a keyed selectbox keeps showing the old names' labels after a new draw; without one, new names
    # make a new widget.
    i = pick.selectbox("Name", range(len(samples)), format_func=lambda i: f"{i + 1}. {label(samples[i])}")
    s = samples[i]
    # A slider needs two positions; a name that ended at its first draw has one step to show.
    j = slide.slider("Step", 1, len(s.steps), key="gen_step") if len(s.steps) > 1 else 1
    step = s.steps[j - 1]
    # One column per draw, so the table reads left to right like the name itself; all text, as the columns
    # mix characters and probabilities.
    draws = pd.DataFrame(
        [[d.context for d in s.steps], [d.char for d in s.steps], [f"{d.prob:.4f}" for d in s.steps]],
        index=["after", "drew", "P"],
        columns=[str(n) for n in range(1, len(s.steps) + 1)],
    )
    st.dataframe(draws.style.apply(lambda col: [CURRENT_STEP if col.name == str(j) else ""] * len(col)))
    st.plotly_chart(draw_bars(step, j, vocab))
