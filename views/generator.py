"""Name generator: sample names from the counts model, the trained net or uniform; trace one name draw by draw."""

import pandas as pd
import streamlit as st
import torch

from bigram_core import BigramError, breakdown, dataset_nll, probabilities, probs, sample, score_words, uniform
from bigram_core.sampling import MAX_LEN, SAMPLER_NOTE, SAMPLERS, Sample
from ui import notebook, state
from ui.charts.generator import draw_bars
from ui.format import md, num

MODELS = ("counts", "net", "uniform")
MAX_NAMES = 1000  # a table and a download of a thousand names is plenty; more only slows the page
MAX_LENGTH = 100  # characters: the lecture's longest name has 15; a longer cut only widens the trace
CURRENT = "background-color: rgba(214, 39, 40, 0.15)"


def model_probs(model: str, k: float) -> tuple[torch.Tensor, str]:
    """P (V, V) of the chosen model and a sentence saying what it is."""
    words = state.words()
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
    st.dataframe(draws.style.apply(lambda col: [CURRENT if col.name == str(j) else ""] * len(col)))
    st.plotly_chart(draw_bars(step, j, vocab))


def show(samples: list[Sample], P, words, sampler: str) -> None:
    """The names with their NLL and novelty, a download, and the trace of one."""
    known = set(words.words)
    scores = [breakdown(s.name, P, words.counts, words.vocab) for s in samples]
    new = sum(s.name not in known for s in samples)
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
    cols[2].download_button(
        "Download the names",
        "".join(s.name + "\n" for s in samples),
        file_name="names.txt",
        mime="text/plain",
        icon=":material/download:",
        on_click="ignore",
    )

    table = pd.DataFrame(
        {
            "name": [label(s) for s in samples],
            "NLL": [b.nll for b in scores],
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
        how = (
            "torch.multinomial draw"
            if sampler == "torch"
            else "inverse-CDF draw (a float64 uniform u, then "
            "the first character whose cumulative probability exceeds u)"
        )
        st.caption(
            f"Each step is one {how} from the row of P of the last character; the red bar is the character it drew."
        )
        trace(samples, words.vocab)


st.title("Name generator")
st.write(
    "New names drawn one character at a time: start at '.', draw the next character from that row of P, "
    "and stop when '.' is drawn."
)

words = state.words()
top = st.columns([1.4, 1, 1, 1])
model = top[0].radio("Model", MODELS, key="gen_model", horizontal=True, persist_state="session")
k = state.smoothing_k(top[1], disabled=model != "counts")
n = top[2].number_input(
    "How many",
    min_value=0,
    value=20,
    step=1,
    key="gen_n",
    persist_state="session",
    help=f"Up to {MAX_NAMES:,} at a time.",
)
# No key: the default is the sidebar's seed, and a keyed widget would keep its old value when that changes.
seed = top[3].number_input(
    "Seed",
    min_value=0,
    max_value=2**53 - 1,
    value=state.seed(),
    step=1,
    help="A fresh torch.Generator seeded with this draws the names, as in the lecture.",
)
bottom = st.columns([1.4, 1, 1, 1])
prefix = (
    bottom[0]
    .text_input(
        "Prefix",
        "",
        max_chars=state.MAX_WORD,
        key="gen_prefix",
        persist_state="session",
        help="Every name starts with these characters; drawing goes on from the last.",
    )
    .strip()
)
temperature = bottom[1].number_input(
    "Temperature",
    min_value=0.0,
    value=1.0,
    step=0.1,
    format="%g",
    key="gen_temperature",
    persist_state="session",
    help="P ** (1/T), rows renormalised: below 1 sharper, above 1 flatter.",
)
max_len = bottom[2].number_input(
    "Maximum length",
    min_value=1,
    value=MAX_LEN,
    step=1,
    key="gen_max_len",
    persist_state="session",
    help=f"Up to {MAX_LENGTH} characters.",
)
sampler = bottom[3].segmented_control(
    "Sampler", SAMPLERS, default="torch", required=True, key="gen_sampler", persist_state="session", help=SAMPLER_NOTE
)

P, about = model_probs(model, k)
st.caption(f"Model: {about}")
st.caption(f"Sampler: {SAMPLER_NOTE}")
if n < 1:
    st.warning("Choose at least one name to draw.")
else:
    if n > MAX_NAMES:
        st.info(f"Drawing {MAX_NAMES:,} names, the most this page draws at once.")
    if max_len > MAX_LENGTH:
        st.info(f"Cutting names at {MAX_LENGTH} characters, the longest this page draws.")
    try:
        with st.spinner("Drawing names …"):
            samples = sample(
                P, words.vocab, min(n, MAX_NAMES), seed, temperature, prefix, min(max_len, MAX_LENGTH), sampler=sampler
            )
    except BigramError as e:
        st.error(md(str(e)))
    else:
        show(samples, P, words, sampler)
        notebook.offer(
            "generator",
            words,
            model=model,
            k=k,
            n=min(n, MAX_NAMES),
            seed=seed,
            temperature=temperature,
            prefix=prefix,
            max_len=min(max_len, MAX_LENGTH),
            sampler=sampler,
            net=notebook.net_settings(),
        )
