"""Training: the lecture's one-layer net on one word (forward, backward, one step), then live gradient descent
(drawn by ui/live_panel.py), then names from the net."""

import io
import math

import streamlit as st
import torch

from bigram_core import BigramError, WordList, init_weights, limits, probs, sample, walkthrough
from bigram_core.sampling import names
from ui import live_panel, presenter, state, tables, url, word_steps
from ui.charts import training as charts
from ui.format import code, md, num, plotly_text
from ui.live_training import PARAMS

WEIGHTS = url.Choice("weights", "initial", ("initial", "trained"))


# --- 1. one word through the net ---------------------------------------------------------------------------


def one_word(words: WordList) -> str | None:
    """The forward pass on a typed word; returns the word if it can go through the net."""
    st.subheader("1 · One word through the net")
    word, W = word_and_weights(words)
    if not word:
        st.info("Type a word to send its bigrams through the net.")
        return None
    try:
        w = walkthrough(word, W, words.vocab)
    except BigramError as e:
        st.warning(md(str(e)))
        return None
    rows, V = [f"{i + 1}: {plotly_text(pair)}" for i, pair in enumerate(w.pairs)], len(words.vocab)
    xs, ys = words.vocab.decode(w.xs.tolist()), words.vocab.decode(w.ys.tolist())
    st.markdown(
        f"“{md(word)}” gives {len(rows)} examples: the net sees the input character (xs) and should "
        "predict the label (ys), the character that follows it."
    )
    st.code(f"xs = {w.xs.tolist()}   # {' '.join(xs)}\nys = {w.ys.tolist()}   # {' '.join(ys)}", language="python")
    st.markdown(f"**xenc = F.one_hot(xs, {V}).float()**: each input as a row with a single 1.")
    st.plotly_chart(charts.one_hot(w, rows, words.vocab))
    st.markdown("**logits = xenc @ W**: the one-hot row picks out one row of W, read as log-counts.")
    st.plotly_chart(charts.logits(w, rows, words.vocab))
    st.markdown(
        "**probs = softmax(logits)**: exp, then each row divided by its sum — a distribution over the "
        "next character. The outlined cell is the correct one."
    )
    st.plotly_chart(charts.probs(w, rows, words.vocab))
    table, number = st.columns([3, 1])
    table.dataframe(tables.walkthrough(w), hide_index=True)
    help = "The loss: the average of −log P(label) over the word's examples."
    number.metric(f"Mean NLL on “{md(word)}”", num(w.nll), border=True, help=help)
    number.caption(f"Guessing uniformly would score ln {V} = {num(math.log(V))}.")
    return word


def word_and_weights(words: WordList) -> tuple[str, torch.Tensor]:
    """The typed word, and the W it goes through: the seeded initial one, or the trained net's once there is one."""
    seed, net, default = state.seed(), state.trained_net(), state.default_word("emma")
    bound = {"bind": "query-params", "persist_state": "session"}
    with presenter.controls():
        left, right = st.columns([1, 2])
        word = url.control(
            url.Text("word", default, limits.WORD_LENGTH),
            lambda: left.text_input("Word", default, max_chars=limits.WORD_LENGTH, key="word", **bound),
            "Word",
        ).strip()
        if net is None:
            return word, init_weights(len(words.vocab), seed)
        # Captions, not format_func: a bound radio's address carries the label it shows, and this one changes.
        about = [f"W at init (seed {seed})", f"W after {len(net.records):,} steps of training"]
        weights = url.control(
            WEIGHTS,
            lambda: right.radio("Weights", WEIGHTS.options, captions=about, horizontal=True, key=WEIGHTS.key, **bound),
            "Weights",
        )
    return word, net.W if weights == "trained" else init_weights(len(words.vocab), seed)


# --- 2. backward and one step on that word -------------------------------------------------------------------


def backward_step(word: str, words: WordList) -> None:
    st.subheader("2 · Backward, and one step downhill")
    st.markdown(
        f"`loss.backward()` fills `W.grad`: how the loss on “{md(word)}” changes as each weight moves. "
        f"The update `W.data += -{word_steps.LR} * W.grad` steps every weight against its gradient."
    )
    args = st.session_state, word, words, state.seed()
    buttons = st.container(horizontal=True)
    help = f"loss.backward(), then W.data += -{word_steps.LR} * W.grad."
    buttons.button(
        "Step", icon=":material/skip_next:", key="training_word_step", on_click=word_steps.step, args=args, help=help
    )
    buttons.button(
        "Reset",
        icon=":material/restart_alt:",
        key="training_word_reset",
        on_click=word_steps.reset,
        args=(st.session_state,),
        help="Back to the seeded initial W.",
    )
    held, (picture, number) = word_steps.steps(*args), st.columns([3, 1])
    losses, n = held["losses"], len(held["losses"]) - 1
    number.metric(
        f"Loss on “{md(word)}” after {n} step{'' if n == 1 else 's'}",
        num(losses[-1]),
        border=True,
        delta=f"{losses[-1] - losses[-2]:+.4f}" if n else None,
        delta_color="inverse",
    )
    number.markdown(" → ".join(num(x) for x in losses[-8:]))
    if held["grad"] is None:
        picture.info("Press Step to run the backward pass and see W.grad.")
        return
    picture.plotly_chart(charts.word_grad(held["grad"], words.vocab))
    picture.caption(
        "Only the rows of the input characters move: the gradient of the loss with respect to the "
        "logits is (probs − one_hot(ys)) / n, and the one-hot input routes example i's row to row "
        "xs[i] of W. Red cells go down (the correct next character's weight goes up)."
    )


# --- 3. gradient descent on the whole word list --------------------------------------------------------------


def gradient_descent(words: WordList) -> None:
    st.subheader("3 · Gradient descent on the whole word list")
    st.markdown(
        f"Each step scores all {words.n_bigrams:,} bigrams at once — loss = mean NLL + λ·mean(W²) — and "
        "moves W against the gradient: W −= lr · W.grad."
    )
    live_panel.show(words)


# --- 4. names from the trained net -----------------------------------------------------------------------------


def names_from_net(words: WordList) -> None:
    """After (or between) runs: names sampled from the net, and W to download."""
    net = state.trained_net()
    if net is None or "training_run" in st.session_state:
        return
    st.subheader("4 · Names from the net")
    sampled = names(sample(probs(net.W), words.vocab, 5, seed=state.seed()))
    st.markdown(
        f"Five names drawn from softmax(W) after {len(net.records):,} steps, with a generator seeded "
        f"{state.seed()} (the Breakdown and Name generator views use this net too):"
    )
    st.markdown("  ".join(code(name) for name in sampled))
    buffer = io.BytesIO()
    torch.save(net.W, buffer)
    st.download_button(
        "Download W (.pt)",
        buffer.getvalue(),
        file_name="W.pt",
        mime="application/octet-stream",
        icon=":material/download:",
        help="torch.load('W.pt') gives the (V, V) weight tensor.",
    )


words = state.words()
url.keep_only("word", WEIGHTS.key, "trained", *(p.key for p in PARAMS))
st.title("Training")
st.markdown(
    "The lecture's neural net — one-hot input, logits = xenc @ W, softmax — first on a single word, then "
    f"trained by gradient descent on all {len(words.words):,} words until it comes close to the counts model."
)
if word := one_word(words):
    backward_step(word, words)
st.divider()
gradient_descent(words)
names_from_net(words)
