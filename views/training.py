"""Training: the lecture's one-layer net on one word, then live full-batch gradient descent on the word list.

The live part is a fragment that asks to be rerun every TICK seconds only while a run is in progress. Each
rerun trains for at most SLICE seconds (train_chunk) and redraws, so Streamlit gets control back many times
a second and a click on Stop (a full rerun) cuts in at the next redraw. A session has one script thread and
the fragment one id, so however fast the buttons are clicked, at most one run is ever in progress. The run
ends with a full rerun, which stops the browser's timer. softmax(W) is a second fragment that only draws,
every HEATMAP_TICK seconds. AppTest never fires the timer but runs fragments inline in every full run, so
there each at.run() trains one slice.
"""
import io
import math
import time
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import torch

from bigram_core import BigramError, WordList, init_weights, probabilities, probs, sample, walkthrough
from bigram_core.evaluate import dataset_nll
from bigram_core.neural import Diverged, train_chunk
from bigram_core.sampling import names
from ui import state
from ui.charts import matrix_heatmap
from ui.format import code, md, num, plotly_text

TICK = 0.05  # seconds between the browser's requests for a live redraw; requests made while one runs merge
SLICE = 0.025  # seconds of training per redraw
HEATMAP_TICK = 0.5  # seconds between redraws of softmax(W) during a run
MAX_POINTS = 300  # per curve: a long run is drawn from every k-th step
INITS = {"random": "randn", "zeros": "zeros"}
SPEEDS = {"full speed": None, "100 steps/s": 100, "10 steps/s": 10}
LECTURE = state.LECTURE_TRAINING
DEFAULTS = {"training_lr": LECTURE["lr"], "training_steps": LECTURE["steps"], "training_reg": LECTURE["reg"],
            "training_init": "random", "training_speed": "full speed"}


@dataclass
class Run:
    """A run in progress: train the session's net up to step `target`, at `pace` steps/s (None: flat out)."""

    target: int
    lr: float
    reg: float
    pace: int | None
    clock: float  # time.perf_counter() the pace counts from


@state.word_list_cache(max_entries=4)
def counts_model(digest: str, _N: torch.Tensor) -> tuple[torch.Tensor, float]:
    """The counts model without smoothing, P (V, V), and its NLL on the data: the floor the net approaches."""
    P = probabilities(_N, k=0)
    return P, dataset_nll(P, _N).nll


# --- 1. one word through the net ---------------------------------------------------------------------------

def examples_heatmap(Z: torch.Tensor, rows: list[str], vocab, *, colorscale: str, texttemplate: str,
                     hover: str, zmin=None, zmax=None, zmid=None, labels: torch.Tensor | None = None) -> go.Figure:
    """Z (n, V), one row per example, as an image; `labels` (n,) outlines each example's correct next character."""
    fig = go.Figure(go.Heatmap(z=Z.numpy(), x=list(vocab.itos), y=rows, colorscale=colorscale, zmin=zmin,
                               zmax=zmax, zmid=zmid, texttemplate=texttemplate, textfont={"size": 10},
                               hovertemplate=hover + "<extra></extra>", xgap=1, ygap=1,
                               colorbar={"thickness": 10}))
    for i, y in enumerate([] if labels is None else labels.tolist()):
        fig.add_shape(type="rect", x0=y - 0.5, x1=y + 0.5, y0=i - 0.5, y1=i + 0.5,
                      line={"color": "#d62728", "width": 2})
    fig.update_layout(height=110 + 30 * len(rows), margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_xaxes(side="top", type="category", title_text="character", tickfont={"size": 12})
    fig.update_yaxes(autorange="reversed", type="category", title_text="example")
    return fig


def one_word(words: WordList) -> None:
    st.subheader("1 · One word through the net")
    left, right = st.columns([1, 2])
    word = left.text_input("Word", value="emma", max_chars=state.MAX_WORD, key="training_word",
                           persist_state="session").strip()
    seed, net = state.seed(), state.trained_net()
    weights = "initial"
    if net is not None:
        weights = right.radio("Weights", ["initial", "trained"], horizontal=True, key="training_word_weights",
                              format_func={"initial": f"W at init (seed {seed})",
                                           "trained": f"W after {len(net.records):,} steps of training"}.get)
    W = net.W if weights == "trained" else init_weights(len(words.vocab), seed)
    if not word:
        st.info("Type a word to send its bigrams through the net.")
        return
    try:
        w = walkthrough(word, W, words.vocab)
    except BigramError as e:
        st.warning(md(str(e)))
        return
    rows = [f"{i + 1}: {plotly_text(pair)}" for i, pair in enumerate(w.pairs)]
    chars = words.vocab.decode(w.xs.tolist()), words.vocab.decode(w.ys.tolist())
    st.markdown(f"“{md(word)}” gives {len(rows)} examples: the net sees the input character (xs) and should "
                "predict the label (ys), the character that follows it.")
    st.code(f"xs = {w.xs.tolist()}   # {' '.join(chars[0])}\nys = {w.ys.tolist()}   # {' '.join(chars[1])}",
            language="python")
    st.markdown(f"**xenc = F.one_hot(xs, {len(words.vocab)}).float()**: each input as a row with a single 1.")
    st.plotly_chart(examples_heatmap(w.xenc, rows, words.vocab, colorscale="Greys", zmin=0, zmax=1.4,  # 1: grey
                                     texttemplate="%{text}", hover="%{y} · %{x}: %{z:.0f}").update_traces(
                        text=[["1" if v else "" for v in row] for row in w.xenc.tolist()], showscale=False))
    st.markdown("**logits = xenc @ W**: the one-hot row picks out one row of W, read as log-counts.")
    st.plotly_chart(examples_heatmap(w.logits, rows, words.vocab, colorscale="RdBu", zmid=0,
                                     texttemplate="%{z:.1f}", hover="%{y} · %{x}: logit %{z:.4f}"))
    st.markdown("**probs = softmax(logits)**: exp, then each row divided by its sum — a distribution over the "
                "next character. The outlined cell is the correct one.")
    st.plotly_chart(examples_heatmap(w.probs, rows, words.vocab, colorscale="Blues", zmin=0,
                                     texttemplate="%{z:.2f}", hover="%{y} · %{x}: P = %{z:.4f}", labels=w.ys))
    table, number = st.columns([3, 1])
    table.dataframe(
        pd.DataFrame({"bigram": w.pairs, "input x": w.xs.tolist(), "label y": w.ys.tolist(),
                      "P(label)": w.label_probs.tolist(), "log P": (-w.nlls).tolist(), "NLL": w.nlls.tolist()}),
        hide_index=True,
        column_config={c: st.column_config.NumberColumn(format="%.4f") for c in ("P(label)", "log P", "NLL")},
    )
    number.metric(f"Mean NLL on “{md(word)}”", num(w.nll), border=True,
                  help="The loss: the average of −log P(label) over the word's examples.")
    number.caption(f"Guessing uniformly would score ln {len(words.vocab)} = {num(math.log(len(words.vocab)))}.")


# --- 2. gradient descent on the whole word list --------------------------------------------------------------

def init_inputs() -> None:
    """The lecture's defaults for the inputs; the seed follows the sidebar's unless changed here."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    if st.session_state.get("training_seed_of") != state.seed():
        st.session_state["training_seed"] = st.session_state["training_seed_of"] = state.seed()


def settings() -> dict:
    """The inputs as the session holds them: callbacks run before the widgets are drawn again."""
    ss = st.session_state
    return {"lr": float(ss["training_lr"]), "reg": float(ss["training_reg"]), "seed": int(ss["training_seed"]),
            "init": INITS[ss["training_init"]]}


def fresh_net(s: dict) -> state.Net:
    """A net at step 0 with the inputs' seed and init, made the session's net."""
    words = state.words()
    net = state.Net(init_weights(len(words.vocab), s["seed"], s["init"]), words.digest, dict(s))
    st.session_state["net"] = net
    return net


def current_net(s: dict) -> state.Net:
    """The session's net if it started from the inputs' seed and init, else a fresh one."""
    net = state.trained_net()
    if net is None or (net.settings["seed"], net.settings["init"]) != (s["seed"], s["init"]):
        return fresh_net(s)
    return net


def train_net(net: state.Net, steps: int, lr: float, reg: float, seconds: float | None = None) -> bool:
    """Up to `steps` steps on the session's net; False, with the reason kept for the page, if it cannot go on."""
    error = None
    try:
        net.records += train_chunk(net.W, state.words().counts, steps, lr, reg, len(net.records), seconds)
    except Diverged as e:
        net.records += e.records
        error = str(e)
    except BigramError as e:
        error = str(e)
    net.settings.update(lr=lr, reg=reg)
    if error:
        st.session_state["training_error"] = error
    if not net.records:  # nothing trained: leave the other views no net
        st.session_state.pop("net", None)
    return error is None


def on_start() -> None:
    st.session_state.pop("training_error", None)
    s, target = settings(), int(st.session_state["training_steps"])
    if len(current_net(s).records) >= target:  # already there: run it again from the initial W
        fresh_net(s)
    pace = SPEEDS[st.session_state["training_speed"]]
    st.session_state["training_run"] = Run(target, s["lr"], s["reg"], pace, time.perf_counter())


def on_step() -> None:
    st.session_state.pop("training_error", None)
    s = settings()
    train_net(current_net(s), 1, s["lr"], s["reg"])


def on_stop() -> None:
    st.session_state.pop("training_run", None)


def on_reset() -> None:
    for key in ("training_run", "net", "training_error"):
        st.session_state.pop(key, None)


def steps_due(run: Run, done: int) -> int:
    """How many steps this redraw may train: the rest of the run flat out, or what the pace allows by now."""
    if run.pace is None:
        return run.target - done
    now = time.perf_counter()
    elapsed = min(now - run.clock, 1.0)  # back from another page: go on at the pace, no burst to catch up
    due = int(elapsed * run.pace)
    run.clock = now - (elapsed - due / run.pace)
    return min(due, run.target - done)


def loss_curve(records: list, target: int, reference: float) -> go.Figure:
    """Loss and data NLL per step (every k-th step of a long run), on an x axis as long as the run."""
    shown = records[:: max(1, len(records) // MAX_POINTS)]
    if records and shown[-1] is not records[-1]:
        shown.append(records[-1])
    x = [r.step for r in shown]
    fig = go.Figure([
        go.Scatter(x=x, y=[r.loss for r in shown], name="loss = NLL + λ·mean(W²)", mode="lines",
                   line={"color": "#1f77b4", "width": 2.5}),
        go.Scatter(x=x, y=[r.data_nll for r in shown], name="data NLL", mode="lines",
                   line={"color": "#ff7f0e", "width": 1.5, "dash": "dash"}),
    ])
    fig.add_hline(y=reference, line={"color": "#2ca02c", "dash": "dot"},
                  annotation_text=f"counts model, k = 0: {num(reference)} (the best the net can reach)",
                  annotation_position="bottom right")
    # Fixed margins: plotly's automatic ones make the browser lay the chart out twice on every redraw.
    fig.update_layout(height=330, margin={"l": 60, "r": 10, "t": 40, "b": 50, "autoexpand": False},
                      hovermode="x unified", legend={"orientation": "h", "y": 1.12, "x": 0}, xaxis_title="step",
                      yaxis_title="loss")
    fig.update_xaxes(range=[0, max(target, len(records))])
    if not records:
        fig.update_yaxes(range=[reference - 0.3, 4.0])
    return fig


def loss_text(x: float, sign: str = "") -> str:
    """A (finite) loss to 4 decimals, or as a power of ten once a diverging run makes it too long to read."""
    return f"{x:{sign}.4f}" if abs(x) < 1e4 else f"{x:{sign}.3g}"


def square_heatmap(P: torch.Tensor, vocab, zmax: float) -> go.Figure:
    """P (V, V) on a fixed colour scale, every character labelled (plotly would skip every other one)."""
    fig = matrix_heatmap(P, vocab, hover="%{y}%{x}: P = %{z:.4f}", zmin=0, zmax=zmax, colorbar="P", height=470)
    return fig.update_xaxes(dtick=1, tickfont={"size": 10}).update_yaxes(dtick=1, tickfont={"size": 10})


def live(reference: float) -> None:
    """Train one slice if a run is in progress, then draw its progress, numbers and loss curve."""
    run, net = st.session_state.get("training_run"), state.trained_net()
    if run is not None:
        due = steps_due(run, len(net.records)) if net else 0
        ok = net is not None and (due == 0 or train_net(net, due, run.lr, run.reg, SLICE))
        if not ok or len(net.records) >= run.target:  # finished, failed, or the word list changed
            st.session_state.pop("training_run", None)
            st.rerun()  # a full run: ends the browser's timer, draws the results
    done = len(net.records) if net else 0
    target = run.target if run else max(int(st.session_state["training_steps"]), done)
    st.progress(done / target, text=f"step {done:,} of {target:,}" + (" · training…" if run else ""))
    first, last = (net.records[0], net.records[-1]) if done else (None, None)
    steps, loss, nll, ref = st.columns(4)
    steps.metric("Step", f"{done:,}", border=True, height="stretch", help="Updates of W so far.")
    loss.metric("Loss", loss_text(last.loss) if last else "—", border=True, height="stretch", delta_color="inverse",
                delta=f"{loss_text(last.loss - first.loss, '+')} since step 0" if done > 1 else None,
                help="The loss of the last step, computed before its update: the number the lecture prints.")
    nll.metric("Data NLL", loss_text(last.data_nll) if last else "—", border=True, height="stretch",
               help="The loss without the regularisation term λ·mean(W²).")
    ref.metric("Counts model NLL (k = 0)", num(reference), border=True, height="stretch",
               help="P = N / row sums: no net of this form can score the training words better.")
    st.plotly_chart(loss_curve(net.records if net else [], target, reference))


def softmax_W(zmax: float) -> None:
    """softmax(W) of the session's net (or of the initial W), on the counts model's colour scale."""
    words, net = state.words(), state.trained_net()
    s = settings()
    W = net.W if net else init_weights(len(words.vocab), s["seed"], s["init"])
    st.markdown(f"**softmax(W)**, the net's P(next | previous) at step {len(net.records) if net else 0:,}")
    st.plotly_chart(square_heatmap(probs(W), words.vocab, zmax=zmax))


def controls(running: bool) -> None:
    lr, steps, reg, seed, init, speed = st.columns([1, 1, 1, 1.3, 1.1, 1.1])
    lr.number_input("Learning rate", min_value=0.0, step=10.0, format="%g", key="training_lr", disabled=running,
                    persist_state="session")
    steps.number_input("Steps", min_value=1, max_value=100_000, step=100, key="training_steps", disabled=running,
                       persist_state="session")
    reg.number_input("λ (reg)", min_value=0.0, step=0.01, format="%g", key="training_reg", disabled=running,
                     persist_state="session", help="Strength of the L2 term λ·mean(W²) added to the loss.")
    seed.number_input("Seed", min_value=0, max_value=2**53 - 1, step=1, key="training_seed", disabled=running,
                      persist_state="session", help="Seeds the random initial W (the sidebar's seed by default).")
    init.radio("Init", list(INITS), horizontal=True, key="training_init", disabled=running, persist_state="session",
               help="random: torch.randn, as the lecture; zeros: every row of softmax(W) starts uniform.")
    speed.selectbox("Speed", list(SPEEDS), key="training_speed", disabled=running, persist_state="session",
                    help="Slow the run down to watch the first steps.")
    buttons = st.container(horizontal=True)
    buttons.button("Start", type="primary", icon=":material/play_arrow:", key="training_start", on_click=on_start,
                   disabled=running, help="Train up to Steps, resuming a stopped run; a finished run starts over.")
    buttons.button("Stop", icon=":material/stop:", key="training_stop", on_click=on_stop, disabled=not running)
    buttons.button("Step", icon=":material/skip_next:", key="training_step", on_click=on_step, disabled=running,
                   help="One step of gradient descent.")
    buttons.button("Reset", icon=":material/restart_alt:", key="training_reset", on_click=on_reset,
                   help="Discard the trained net and go back to the initial W.")


def results(words: WordList) -> None:
    """After (or between) runs: names sampled from the net, and W to download."""
    net = state.trained_net()
    if net is None or "training_run" in st.session_state:
        return
    st.subheader("3 · Names from the net")
    sampled = names(sample(probs(net.W), words.vocab, 5, seed=state.seed()))
    st.markdown(f"Five names drawn from softmax(W) after {len(net.records):,} steps, with a generator seeded "
                f"{state.seed()} (the Breakdown and Name generator views use this net too):")
    st.markdown("  ".join(code(name) for name in sampled))
    buffer = io.BytesIO()
    torch.save(net.W, buffer)
    st.download_button("Download W (.pt)", buffer.getvalue(), file_name="W.pt", mime="application/octet-stream",
                       icon=":material/download:", help="torch.load('W.pt') gives the (V, V) weight tensor.")


def gradient_descent(words: WordList) -> None:
    st.subheader("2 · Gradient descent on the whole word list")
    st.markdown(f"Each step scores all {words.n_bigrams:,} bigrams at once — loss = mean NLL + λ·mean(W²) — and "
                "moves W against the gradient: W −= lr · ∇W.")
    init_inputs()
    running = "training_run" in st.session_state
    controls(running)
    if message := st.session_state.get("training_error"):
        st.error(md(message))
    P, reference = counts_model(words.digest, words.counts)
    # Fragments only while a run is in progress. Registered idle (run_every=None) they still get reruns
    # queued by the browser's last timer tick, and such a rerun arriving as a full run ends can drop that
    # run's unsent output: under load a tab went blank ("'setIn' cannot be called on an ElementNode").
    (st.fragment(run_every=TICK)(live) if running else live)(reference)
    left, right = st.columns(2)
    with left:  # its own slower fragment: a few redraws a second show W settling and spare the browser
        (st.fragment(run_every=HEATMAP_TICK)(softmax_W) if running else softmax_W)(float(P.max()))
    right.markdown("**The counts model's P** (k = 0): where the net heads as λ → 0")
    right.plotly_chart(square_heatmap(P, words.vocab, zmax=float(P.max())))
    results(words)


words = state.words()
st.title("Training")
st.markdown("The lecture's neural net — one-hot input, logits = xenc @ W, softmax — first on a single word, then "
            f"trained by gradient descent on all {len(words.words):,} words until it comes close to the counts model.")
one_word(words)
st.divider()
gradient_descent(words)
