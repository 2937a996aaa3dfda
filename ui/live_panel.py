"""The live part of /training as drawn: the run's settings, its buttons, the numbers and the loss curve, then
softmax(W) and W.grad beside the counts model's P.

While a run is in progress the buttons, numbers and curve are a fragment that the browser reruns every TICK
seconds; each rerun trains the steps the pace allows (ui.live_training) and redraws. softmax(W) and W.grad are a
second, slower fragment. Fragments exist only during a run (registered idle, a rerun the browser had queued could
arrive as a full run ends and drop that run's output); between runs the same parts are drawn in plain containers.
AppTest never fires the timer but runs fragments inline, so there each at.run() trains one slice.
"""

from typing import Any

import pandas as pd
import streamlit as st
import torch

from bigram_core import WordList, probabilities, probs
from bigram_core.evaluate import dataset_nll
from bigram_core.neural import count_loss_and_grad

from . import notebook, presenter, state, url
from .charts import training as charts
from .format import md, num
from .live_training import INIT, INITS, LOG, LR, PACE, PACES, REG, STEPS, LiveTraining, act
from .url import Number

TICK = 0.05  # seconds between the browser's requests for a live redraw; requests made while one runs merge
HEATMAP_TICK = 0.5  # seconds between redraws of softmax(W) and W.grad during a run
BOUND: dict[str, Any] = {"bind": "query-params", "persist_state": "session"}


def loss_text(x: float, sign: str = "") -> str:
    """A (finite) loss to 4 decimals, or as a power of ten once a diverging run makes it too long to read."""
    return f"{x:{sign}.4f}" if abs(x) < 1e4 else f"{x:{sign}.3g}"


def number(where, p: Number, label: str, step: float, **kwargs) -> None:
    """A bound number input for p, with p's bounds and default."""
    url.control(
        p, lambda: where.number_input(label, p.lo, p.hi, p.default, step=step, key=p.key, **BOUND, **kwargs), label
    )


def settings(running: bool) -> None:
    """Inputs that define the run are fixed during it; the learning rate, λ and the pace apply live."""
    with presenter.controls():
        cols = st.columns([1, 1, 1, 1, 1.3])
        number(cols[0], LR, "Learning rate", 10.0, format="%g", help="Applies from the next step, also during a run.")
        number(cols[1], STEPS, "Steps", 100, disabled=running)
        help = "Strength of the L2 term λ·mean(W²); applies from the next step."
        number(cols[2], REG, "λ (reg)", 0.01, format="%g", help=help)
        url.control(
            INIT,
            lambda: cols[3].radio(
                "Init",
                list(INITS),
                horizontal=True,
                key=INIT.key,
                disabled=running,
                help="random: torch.randn with the sidebar's seed, as the lecture; zeros: every row of softmax(W) "
                "starts uniform.",
                **BOUND,
            ),
            "Init",
        )
        url.control(
            PACE,
            lambda: cols[4].selectbox(
                "Pace",
                list(PACES),
                index=list(PACES).index(PACE.default),
                key=PACE.key,
                help="How fast the curve is drawn. Training itself runs at full speed either way.",
                **BOUND,
            ),
            "Pace",
        )


def run_buttons(running: bool) -> None:
    """Start, Stop, Step, Reset; drawn in the live part, so Stop during a run reruns only that part."""
    buttons = st.container(horizontal=True, vertical_alignment="center")
    for action, icon, disabled, help in (
        ("start", "play_arrow", running, "Train up to Steps, resuming a stopped run; a finished run starts over."),
        ("stop", "stop", not running, None),
        ("step", "skip_next", running, "One step of gradient descent."),
        ("reset", "restart_alt", False, "Discard the trained net and go back to the initial W."),
    ):
        buttons.button(
            action.title(),
            type="primary" if action == "start" else "secondary",
            icon=f":material/{icon}:",
            key=f"training_{action}",
            on_click=act,
            args=(action,),
            disabled=disabled,
            help=help,
        )
    url.control(
        LOG,
        lambda: buttons.toggle("Log scale", key=LOG.key, help="A log loss axis, for long runs.", **BOUND),
        "Log scale",
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
        delta=f"{loss_text(records[-1].loss - records[0].loss, '+')}" if done > 1 else None,
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
    start = records[0].loss if records else trainer.initial()[1]
    chart.container(key="training_curve_box").vega_lite_chart(
        spec=charts.loss(records, target, reference, start, log=bool(st.session_state.get("log"))),
        key="training_curve",
        width="stretch",
    )


def weights_and_gradient(zmax: float) -> None:
    """softmax(W) and the full batch's W.grad at the net's current step."""
    trainer, words = LiveTraining.here(), state.words()
    net = trainer.net
    if net is None:
        W, _, grad = trainer.initial()
    else:
        W, grad = net.W, count_loss_and_grad(net.W, words.counts, trainer.settings()["reg"])[2]
    left, right = st.columns(2)
    left.vega_lite_chart(
        spec=charts.live_probs(probs(W), words.vocab, zmax, "softmax(W): the net's P"), key="training_softmax"
    )
    right.vega_lite_chart(spec=charts.live_grad(grad, words.vocab), key="training_grad")
    left.caption(
        f"At step {len(net.records) if net else 0:,}. White 0 to dark blue {zmax:.2f}, the counts model's "
        "largest P, as on its right. Hover a cell for its value."
    )
    right.caption(
        f"Largest |W.grad| = {float(grad.abs().max()) or 1.0:.2e}. W.grad = (rowsum(N) · softmax(W) − N) / ΣN + "
        "2λW / V²: red where the net gives a pair more probability than its count, so every step pulls "
        "softmax(W) toward the counts."
    )


def redrawn(draw, tick: float, running: bool, *args) -> None:
    """draw(*args) as a fragment rerun every `tick` seconds during a run, else in a plain container: the same
    block either way (a fragment is a container), so the page does not move when a run starts or ends."""
    if running:
        st.fragment(run_every=tick)(draw)(*args)
    else:
        with st.container():
            draw(*args)


@state.word_list_cache(max_entries=4)
def counts_model(digest: str, _N: torch.Tensor) -> tuple[torch.Tensor, float]:
    """The counts model without smoothing, P (V, V), and its NLL on the data: the floor the net approaches."""
    P = probabilities(_N, k=0)
    return P, dataset_nll(P, _N).nll


def show(words: WordList) -> None:
    """The settings, the live block, and between runs every step's loss, the link's ?trained= and the notebook."""
    trainer = LiveTraining.here()
    running = trainer.run is not None
    settings(running)
    if trainer.restore(st.query_params.get("trained")):
        st.rerun()  # the sections above the live part show the net the link names
    if message := trainer.error:
        st.error(md(message))
    P, reference = counts_model(words.digest, words.counts)
    draw(words, P, reference, running)
    if not running:
        losses(trainer.net)
        link_the_net(trainer)
        net = notebook.NetSettings(int(st.session_state["steps"]), **trainer.settings())
        notebook.offer("training", words, net=net)


def draw(words: WordList, P: torch.Tensor, reference: float, running: bool) -> None:
    """The live block: buttons, numbers and curve; then softmax(W) and W.grad beside the counts model's P (V, V)."""
    redrawn(live, TICK, running, reference, running)
    net_side, counts_side = st.columns([2, 1])
    with net_side:
        redrawn(weights_and_gradient, HEATMAP_TICK, running, float(P.max()))
    counts_side.vega_lite_chart(
        spec=charts.live_probs(P, words.vocab, float(P.max()), "the counts model's P (k = 0)"), key="training_counts_P"
    )


def losses(net: state.Net | None) -> None:
    """Every step's loss and data NLL, in a closed expander."""
    if net is None or not net.records:
        return
    table = {
        "step": [r.step + 1 for r in net.records],
        "loss": [r.loss for r in net.records],
        "data NLL": [r.data_nll for r in net.records],
    }
    with st.expander(f"Every step's loss ({len(net.records):,} steps)"):
        config = {c: st.column_config.NumberColumn(format="%.4f") for c in ("loss", "data NLL")}
        st.dataframe(pd.DataFrame(table), hide_index=True, column_config=config)


def link_the_net(trainer: LiveTraining) -> None:
    """?trained=N names the net by its steps, so a reload or a link retrains it from the URL's settings."""
    net = trainer.net
    steps = str(len(net.records)) if net is not None and not net.settings.get("changed") and not trainer.error else None
    if steps is not None and st.query_params.get("trained") != steps:
        st.query_params["trained"] = steps
    elif steps is None and "trained" in st.query_params:
        del st.query_params["trained"]
