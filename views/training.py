"""Training: the lecture's one-layer net on one word (forward, backward, one step), then live gradient descent.

While a run is in progress the live part is a fragment that the browser reruns every TICK seconds; each rerun
trains the steps the pace allows (ui.live_training) and redraws. softmax(W) and W.grad are a second, slower
fragment. Fragments exist only during a run (registered idle, a rerun the browser had queued could arrive as a
full run ends and drop that run's output); between runs the same parts are drawn in plain containers. AppTest
never fires the timer but runs fragments inline, so there each at.run() trains one slice.
"""

import io
import math

import pandas as pd
import streamlit as st
import torch

from bigram_core import BigramError, WordList, init_weights, probabilities, probs, sample, walkthrough, word_step
from bigram_core.evaluate import dataset_nll
from bigram_core.neural import count_loss_and_grad
from bigram_core.sampling import names
from ui import notebook, state, url
from ui.charts import examples_heatmap, live_heatmap, loss_curve, matrix_heatmap
from ui.format import code, md, num, plotly_text
from ui.live_training import DEFAULTS, INITS, MAX_LR, MAX_REG, MAX_STEPS, PACES, PARAMS, LiveTraining, act

TICK = 0.05  # seconds between the browser's requests for a live redraw; requests made while one runs merge
HEATMAP_TICK = 0.5  # seconds between redraws of softmax(W) and W.grad during a run
MAX_POINTS = 400  # per curve: a long run is drawn from every k-th step
WORD_LR = 0.1  # the lecture's learning rate for the one-word steps


@state.word_list_cache(max_entries=4)
def counts_model(digest: str, _N: torch.Tensor) -> tuple[torch.Tensor, float]:
    """The counts model without smoothing, P (V, V), and its NLL on the data: the floor the net approaches."""
    P = probabilities(_N, k=0)
    return P, dataset_nll(P, _N).nll


def loss_text(x: float, sign: str = "") -> str:
    """A (finite) loss to 4 decimals, or as a power of ten once a diverging run makes it too long to read."""
    return f"{x:{sign}.4f}" if abs(x) < 1e4 else f"{x:{sign}.3g}"


# --- 1. one word through the net ---------------------------------------------------------------------------


def one_word(words: WordList) -> str | None:
    """The forward pass on a typed word; returns the word if it can go through the net."""
    st.subheader("1 · One word through the net")
    left, right = st.columns([1, 2])
    url.bind(url.Text("word", state.default_word("emma"), state.MAX_WORD))
    word = left.text_input(
        "Word",
        state.default_word("emma"),
        max_chars=state.MAX_WORD,
        key="word",
        bind="query-params",
        persist_state="session",
    ).strip()
    seed, net = state.seed(), state.trained_net()
    weights = "initial"
    if net is not None:
        url.bind(url.Choice("weights", "initial", ("initial", "trained")))
        weights = right.radio(
            "Weights",
            ["initial", "trained"],
            horizontal=True,
            key="weights",
            bind="query-params",
            persist_state="session",
            format_func={
                "initial": f"W at init (seed {seed})",
                "trained": f"W after {len(net.records):,} steps of training",
            }.get,
        )
    W = net.W if weights == "trained" else init_weights(len(words.vocab), seed)
    if not word:
        st.info("Type a word to send its bigrams through the net.")
        return None
    try:
        w = walkthrough(word, W, words.vocab)
    except BigramError as e:
        st.warning(md(str(e)))
        return None
    rows = [f"{i + 1}: {plotly_text(pair)}" for i, pair in enumerate(w.pairs)]
    chars = words.vocab.decode(w.xs.tolist()), words.vocab.decode(w.ys.tolist())
    st.markdown(
        f"“{md(word)}” gives {len(rows)} examples: the net sees the input character (xs) and should "
        "predict the label (ys), the character that follows it."
    )
    st.code(
        f"xs = {w.xs.tolist()}   # {' '.join(chars[0])}\nys = {w.ys.tolist()}   # {' '.join(chars[1])}",
        language="python",
    )
    st.markdown(f"**xenc = F.one_hot(xs, {len(words.vocab)}).float()**: each input as a row with a single 1.")
    st.plotly_chart(
        examples_heatmap(
            w.xenc,
            rows,
            words.vocab,
            colorscale="Greys",
            zmin=0,
            zmax=1.4,  # 1: grey
            texttemplate="%{text}",
            hover="%{y} · %{x}: %{z:.0f}",
        ).update_traces(text=[["1" if v else "" for v in row] for row in w.xenc.tolist()], showscale=False)
    )
    st.markdown("**logits = xenc @ W**: the one-hot row picks out one row of W, read as log-counts.")
    st.plotly_chart(
        examples_heatmap(
            w.logits,
            rows,
            words.vocab,
            colorscale="RdBu",
            zmid=0,
            texttemplate="%{z:.1f}",
            hover="%{y} · %{x}: logit %{z:.4f}",
        )
    )
    st.markdown(
        "**probs = softmax(logits)**: exp, then each row divided by its sum — a distribution over the "
        "next character. The outlined cell is the correct one."
    )
    st.plotly_chart(
        examples_heatmap(
            w.probs,
            rows,
            words.vocab,
            colorscale="Blues",
            zmin=0,
            texttemplate="%{z:.2f}",
            hover="%{y} · %{x}: P = %{z:.4f}",
            labels=w.ys,
        )
    )
    table, number = st.columns([3, 1])
    table.dataframe(
        pd.DataFrame(
            {
                "bigram": w.pairs,
                "input x": w.xs.tolist(),
                "label y": w.ys.tolist(),
                "P(label)": w.label_probs.tolist(),
                "log P": (-w.nlls).tolist(),
                "NLL": w.nlls.tolist(),
            }
        ),
        hide_index=True,
        column_config={c: st.column_config.NumberColumn(format="%.4f") for c in ("P(label)", "log P", "NLL")},
    )
    number.metric(
        f"Mean NLL on “{md(word)}”",
        num(w.nll),
        border=True,
        help="The loss: the average of −log P(label) over the word's examples.",
    )
    number.caption(f"Guessing uniformly would score ln {len(words.vocab)} = {num(math.log(len(words.vocab)))}.")
    return word


# --- 2. backward and one step on that word -------------------------------------------------------------------


def word_steps(word: str, words: WordList) -> dict:
    """The session's one-word steps: W from the seeded init, the loss after each step, the last W.grad."""
    owner = (word, state.seed(), words.digest)
    steps = st.session_state.get("training_word_steps")
    if steps is None or steps["owner"] != owner:
        W = init_weights(len(words.vocab), state.seed())
        steps = {"owner": owner, "W": W, "losses": [walkthrough(word, W, words.vocab).nll], "grad": None}
        st.session_state["training_word_steps"] = steps
    return steps


def on_word_step(word: str, words: WordList) -> None:
    steps = word_steps(word, words)
    w = walkthrough(word, steps["W"], words.vocab)
    _, steps["grad"] = word_step(steps["W"], w.xs, w.ys, WORD_LR)
    steps["losses"].append(walkthrough(word, steps["W"], words.vocab).nll)


def backward_step(word: str, words: WordList) -> None:
    st.subheader("2 · Backward, and one step downhill")
    st.markdown(
        f"`loss.backward()` fills `W.grad`: how the loss on “{md(word)}” changes as each weight moves. "
        f"The update `W.data += -{WORD_LR} * W.grad` steps every weight against its gradient."
    )
    steps = word_steps(word, words)
    buttons = st.container(horizontal=True)
    buttons.button(
        "Step",
        icon=":material/skip_next:",
        key="training_word_step",
        on_click=on_word_step,
        args=(word, words),
        help="loss.backward(), then W.data += -0.1 * W.grad.",
    )
    buttons.button(
        "Reset",
        icon=":material/restart_alt:",
        key="training_word_reset",
        on_click=st.session_state.pop,
        args=("training_word_steps", None),
        help="Back to the seeded initial W.",
    )
    losses = steps["losses"]
    picture, number = st.columns([3, 1])
    n = len(losses) - 1
    number.metric(
        f"Loss on “{md(word)}” after {n} step{'' if n == 1 else 's'}",
        num(losses[-1]),
        border=True,
        delta=f"{losses[-1] - losses[-2]:+.4f}" if len(losses) > 1 else None,
        delta_color="inverse",
    )
    number.markdown(" → ".join(num(x) for x in losses[-8:]))
    if steps["grad"] is None:
        picture.info("Press Step to run the backward pass and see W.grad.")
        return
    grad = steps["grad"]
    top = float(grad.abs().max()) or 1.0
    picture.plotly_chart(
        matrix_heatmap(
            grad,
            words.vocab,
            colorscale="RdBu_r",
            zmin=-top,
            zmax=top,
            colorbar="W.grad",
            height=440,
            hover="W[%{y}, %{x}].grad = %{z:.5f}",
        )
        .update_xaxes(dtick=1)
        .update_yaxes(dtick=1)
    )
    picture.caption(
        "Only the rows of the input characters move: the gradient of the loss with respect to the "
        "logits is (probs − one_hot(ys)) / n, and the one-hot input routes example i's row to row "
        "xs[i] of W. Red cells go down (the correct next character's weight goes up)."
    )


# --- 3. gradient descent on the whole word list --------------------------------------------------------------


def controls(running: bool) -> None:
    """Inputs that define the run are fixed during it; the learning rate, λ and the pace apply live."""
    lr, steps, reg, init, pace = st.columns([1, 1, 1, 1, 1.3])
    bound = {"bind": "query-params", "persist_state": "session"}
    lr.number_input(
        "Learning rate",
        0.0,
        MAX_LR,
        DEFAULTS["lr"],
        step=10.0,
        format="%g",
        key="lr",
        **bound,
        help="Applies from the next step, also during a run.",
    )
    steps.number_input("Steps", 1, MAX_STEPS, DEFAULTS["steps"], step=100, key="steps", disabled=running, **bound)
    reg.number_input(
        "λ (reg)",
        0.0,
        MAX_REG,
        DEFAULTS["lambda"],
        step=0.01,
        format="%g",
        key="lambda",
        **bound,
        help="Strength of the L2 term λ·mean(W²); applies from the next step.",
    )
    init.radio(
        "Init",
        list(INITS),
        horizontal=True,
        key="init",
        disabled=running,
        **bound,
        help="random: torch.randn with the sidebar's seed, as the lecture; zeros: every row of softmax(W) "
        "starts uniform.",
    )
    pace.selectbox(
        "Pace",
        list(PACES),
        index=list(PACES).index(DEFAULTS["pace"]),
        key="pace",
        **bound,
        help="How fast the curve is drawn. Training itself runs at full speed either way.",
    )


def run_buttons(running: bool) -> None:
    """Start, Stop, Step, Reset; drawn in the live part, so Stop during a run reruns only that part."""
    buttons = st.container(horizontal=True, vertical_alignment="center")
    buttons.button(
        "Start",
        type="primary",
        icon=":material/play_arrow:",
        key="training_start",
        on_click=act,
        args=("start",),
        disabled=running,
        help="Train up to Steps, resuming a stopped run; a finished run starts over.",
    )
    buttons.button(
        "Stop", icon=":material/stop:", key="training_stop", on_click=act, args=("stop",), disabled=not running
    )
    buttons.button(
        "Step",
        icon=":material/skip_next:",
        key="training_step",
        on_click=act,
        args=("step",),
        disabled=running,
        help="One step of gradient descent.",
    )
    buttons.button(
        "Reset",
        icon=":material/restart_alt:",
        key="training_reset",
        on_click=act,
        args=("reset",),
        help="Discard the trained net and go back to the initial W.",
    )
    buttons.toggle(
        "Log scale", key="log", bind="query-params", persist_state="session", help="A log loss axis, for long runs."
    )


def live(reference: float, was_running: bool) -> None:
    """Train the slice that is due, then draw the buttons, the progress, the numbers and the loss curve, all at
    one step. A run that ends here (finished, failed or stopped) ends with a full rerun, which stops the timer."""
    trainer = LiveTraining.here()
    if trainer.advance() or (was_running and trainer.run is None):
        st.rerun()
    net, target, running = trainer.net, trainer.target(), trainer.run is not None
    run_buttons(running)
    records = net.records if net else []
    done, last = len(records), (records[-1] if records else None)
    st.progress(done / target, text=f"step {done:,} of {target:,}" + (" · training…" if running else ""))
    numbers, chart = st.columns([2, 3])
    top, bottom = numbers.columns(2), numbers.columns(2)
    top[0].metric("Step", f"{done:,}", border=True, help="Updates of W so far.")
    top[1].metric(
        "Loss",
        loss_text(last.loss) if last else "—",
        border=True,
        delta_color="inverse",
        delta=f"{loss_text(last.loss - records[0].loss, '+')}" if done > 1 else None,
        help="The loss computed in the last step, before its update: the number the lecture prints. "
        "The arrow: the change since step 1.",
    )
    bottom[0].metric(
        "Data NLL",
        loss_text(last.data_nll) if last else "—",
        border=True,
        help="The loss without the regularisation term λ·mean(W²).",
    )
    bottom[1].metric(
        "Counts model",
        num(reference),
        border=True,
        help="The counts model's NLL at k = 0, P = N / row sums: no net of this form can score the "
        "training words better.",
    )
    shown = records[:: max(1, done // MAX_POINTS)]
    if records and shown[-1] is not last:
        shown.append(last)
    start = records[0].loss if records else trainer.initial_loss()
    chart.container(key="training_curve_box").vega_lite_chart(
        spec=loss_curve(
            [r.step + 1 for r in shown],
            [r.loss for r in shown],
            [r.data_nll for r in shown],
            target,
            reference,
            start,
            log=bool(st.session_state.get("log")),
        ),
        key="training_curve",
        width="stretch",
    )


def weights_and_gradient(zmax: float) -> None:
    """softmax(W) and the full batch's W.grad at the net's current step."""
    trainer, words = LiveTraining.here(), state.words()
    s = trainer.settings()
    net = trainer.net
    W = net.W if net else init_weights(len(words.vocab), s["seed"], s["init"])
    grad = count_loss_and_grad(W, words.counts, s["reg"])[2]
    top = float(grad.abs().max()) or 1.0
    left, right = st.columns(2)
    # Titles stay the same from one redraw to the next: a changed spec is drawn anew, only new data in place.
    left.vega_lite_chart(
        spec=live_heatmap(
            probs(W), words.vocab, scheme="blues", domain=(0, zmax), value="P", title="softmax(W): the net's P"
        ),
        key="training_softmax",
    )
    right.vega_lite_chart(
        spec=live_heatmap(
            grad / top,
            words.vocab,
            title="W.grad (scaled to its largest)",
            scheme="redblue",
            domain=(-1, 1),
            value="grad",
            raw=grad,
            reverse=True,
        ),
        key="training_grad",
    )
    left.caption(
        f"At step {len(net.records) if net else 0:,}. White 0 to dark blue {zmax:.2f}, the counts model's "
        "largest P, as on its right. Hover a cell for its value."
    )
    right.caption(
        f"Largest |W.grad| = {top:.2e}. W.grad = (rowsum(N) · softmax(W) − N) / ΣN + 2λW / V²: red "
        "where the net gives a pair more probability than its count, so every step pulls softmax(W) "
        "toward the counts."
    )


def losses_table(net: state.Net | None) -> None:
    if net is None or not net.records:
        return
    with st.expander(f"Every step's loss ({len(net.records):,} steps)"):
        st.dataframe(
            pd.DataFrame(
                {
                    "step": [r.step + 1 for r in net.records],
                    "loss": [r.loss for r in net.records],
                    "data NLL": [r.data_nll for r in net.records],
                }
            ),
            hide_index=True,
            column_config={c: st.column_config.NumberColumn(format="%.4f") for c in ("loss", "data NLL")},
        )


def redrawn(draw, tick: float, running: bool, *args) -> None:
    """draw(*args) as a fragment rerun every `tick` seconds during a run, else in a plain container: the same
    block either way (a fragment is a container), so the page does not move when a run starts or ends."""
    if running:
        st.fragment(run_every=tick)(draw)(*args)
    else:
        with st.container():
            draw(*args)


def gradient_descent(words: WordList) -> None:
    st.subheader("3 · Gradient descent on the whole word list")
    st.markdown(
        f"Each step scores all {words.n_bigrams:,} bigrams at once — loss = mean NLL + λ·mean(W²) — and "
        "moves W against the gradient: W −= lr · W.grad."
    )
    url.bind(*PARAMS)
    trainer = LiveTraining.here()
    running = trainer.run is not None
    controls(running)
    trainer.restore(st.query_params.get("trained"))
    if message := trainer.error:
        st.error(md(message))
    P, reference = counts_model(words.digest, words.counts)
    redrawn(live, TICK, running, reference, running)
    net_side, counts_side = st.columns([2, 1])
    with net_side:
        redrawn(weights_and_gradient, HEATMAP_TICK, running, float(P.max()))
    counts_side.vega_lite_chart(
        spec=live_heatmap(
            P, words.vocab, title="the counts model's P (k = 0)", scheme="blues", domain=(0, float(P.max())), value="P"
        ),
        key="training_counts_P",
    )
    if not running:
        losses_table(trainer.net)
        link_the_net(trainer)
        net = notebook.NetSettings(int(st.session_state["steps"]), **trainer.settings())
        notebook.offer("training", words, net=net)


def link_the_net(trainer: LiveTraining) -> None:
    """?trained=N names the net by its steps, so a reload or a link retrains it from the URL's settings."""
    net = trainer.net
    linkable = net is not None and not net.settings.get("changed") and not trainer.error
    if linkable and st.query_params.get("trained") != str(len(net.records)):
        st.query_params["trained"] = str(len(net.records))
    elif not linkable and "trained" in st.query_params:
        del st.query_params["trained"]


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
url.keep_only("word", "weights", "trained", *(p.key for p in PARAMS))
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
