"""Smoothing vs regularisation (/smoothing): fake counts k and the net's penalty λ·mean(W²) side by side."""

import numpy as np
import streamlit as st
import torch

from bigram_core import BigramError, Vocabulary, WordList, probabilities
from bigram_core.limits import SMOOTHING_CELLS
from bigram_core.regularisation import (
    Correspondence,
    correspondence,
    fake_counts,
    mean_kl,
    smoothed_probs,
    smoothing_nll,
    uniform_nll,
)
from ui import presenter, state, tables, url, worker
from ui.charts import smoothing as charts
from ui.format import md, num, significant

REG_OPTIONS = tuple(float(f"{m}e{e}") for e in range(-4, 2) for m in (1, 2, 5)) + (100.0,)  # each one trained
REG = url.Stops("reg", 0.01, REG_OPTIONS)
K_CURVE = tuple(np.logspace(-2, 4, 121).tolist())  # 20 points a decade: a smooth curve for k > 0
ROW = "smoothing_row"


@state.word_list_cache(max_entries=8)
def cached(digest: str, regs: tuple[float, ...], ks: tuple[float, ...], _N: torch.Tensor) -> Correspondence:
    return worker.run(correspondence, _N, regs, ks)  # a V×V net at every λ: seconds and 100+ MB at V = 200


def settings(vocab: Vocabulary) -> tuple[float, float, str]:
    """k, λ and the row to look at, in one row."""
    default = "q" if "q" in vocab.stoi else vocab.itos[1]
    bound = {"bind": "query-params", "persist_state": "session"}
    with presenter.controls():
        left, middle, right = st.columns([2, 2, 1])
        k = state.smoothing_k(left, label="Smoothing k (fake counts per cell)")
        reg = url.control(
            REG,
            lambda: middle.select_slider(
                "Regularisation λ (the net, trained to convergence)",
                REG_OPTIONS,
                value=REG.default,
                format_func=lambda x: f"{x:g}",
                key=REG.key,
                help="W minimises NLL + λ·(W**2).mean(); the lecture uses λ = 0.01. Each λ is trained to "
                "convergence with Newton steps on the lecture's loss: plain gradient descent would need "
                "10⁴–10⁵ steps at small λ.",
                **bound,
            ),
            "Regularisation λ",
        )
        row = url.control(
            url.Choice(ROW, default, vocab.itos),
            lambda: right.selectbox(
                "Row (previous character)", vocab.itos, index=vocab.stoi[default], key=ROW, **bound
            ),
            "Row",
        )
    return k, reg, row


def fit(words: WordList) -> Correspondence:
    """The net at every λ and the k matching each; the page stops with a sentence when they cannot be had."""
    V = len(words.vocab)
    if V * V > SMOOTHING_CELLS:  # every λ trains a V×V net to convergence, and each is matched to a k
        st.error(
            f"This list has {V} characters: training its {V}×{V} net to convergence at {len(REG_OPTIONS)} values "
            f"of λ is more than one click may compute (up to {int(SMOOTHING_CELLS**0.5)} characters). The Counts "
            "and Breakdown views show smoothing k on this list."
        )
        st.stop()
    try:
        with st.spinner(f"Training the net to convergence at {len(REG_OPTIONS)} values of λ …"):
            return cached(words.digest, REG_OPTIONS, K_CURVE, words.counts)
    except BigramError as e:
        st.error(md(str(e)))
        st.stop()


def numbers(c: Correspondence, N: torch.Tensor, k: float, i: int) -> None:
    """Both models' NLL against the k = 0 floor, the k matching λ, and how far apart the two models are."""
    reg, versus = REG_OPTIONS[i], {"delta_color": "off", "delta_arrow": "off", "delta_description": "vs k = 0"}
    floor, nll_k, nll_net = smoothing_nll(N, [0]).item(), smoothing_nll(N, [k]).item(), c.sweep.data_nll[i].item()
    cols = st.columns(4)
    cols[0].metric(f"NLL · counts, k = {k:g}", num(nll_k), f"{nll_k - floor:+.4f}", **versus)
    cols[1].metric(f"NLL · net, λ = {reg:g}", num(nll_net), f"{nll_net - floor:+.4f}", **versus)
    cols[2].metric(
        f"k that matches λ = {reg:g}",
        significant(c.match.k[i].item()),
        help="The k whose P_k is closest to the net's softmax(W): least mean KL(P_k ‖ net) over the rows.",
    )
    cols[3].metric(
        "Mean KL(P_k ‖ net), your pair",
        f"{mean_kl(smoothed_probs(N, [k])[0], c.sweep.net_probs()[i]).item():.2e}",
        f"{c.match.kl[i].item():.2e}",
        **versus | {"delta_description": "at the matching k"},
        help="How far apart your two models are; it is smallest when k is the matching k.",
    )


def curves(c: Correspondence, N: torch.Tensor, k: float, i: int) -> None:
    """NLL against k, NLL against λ, and the k matching each λ."""
    ends = smoothing_nll(N, [0]).item(), uniform_nll(N.shape[0]), N.shape[0]
    nll_k, nlls, matched = smoothing_nll(N, [k]).item(), c.sweep.data_nll.tolist(), c.match.k.tolist()
    cols = st.columns(3)
    cols[0].markdown("##### NLL against smoothing k")
    cols[0].plotly_chart(charts.nll_against_k(K_CURVE, c.curve_nll.tolist(), k, nll_k, *ends), key="nll_k")
    cols[1].markdown("##### NLL against regularisation λ")
    cols[1].plotly_chart(charts.nll_against_reg(REG_OPTIONS, nlls, REG_OPTIONS[i], nlls[i], *ends), key="nll_reg")
    cols[2].markdown("##### The k that matches each λ")
    fake = [fake_counts(N, r) for r in REG_OPTIONS]
    cols[2].plotly_chart(charts.matching_k(REG_OPTIONS, matched, fake, REG_OPTIONS[i], matched[i]), key="matching")
    st.caption(
        f"The net's loss averages over B = {int(N.sum()):,} bigrams, so once λ is large its penalty weighs like "
        f"2Bλ/V² = {fake_counts(N, 1):.3g}·λ fake counts per cell (dashed). At small λ the two pulls toward uniform "
        "differ in shape, and the match leaves the line. The matching k minimises the mean over rows of KL(P_k ‖ net)."
    )


def heatmaps(c: Correspondence, words: WordList, k: float, i: int, row: str) -> None:
    """Both models' P on one colour scale, their difference, and one row of each."""
    vocab, reg = words.vocab, REG_OPTIONS[i]
    P_k, P_net = probabilities(words.counts, k), c.sweep.net_probs()[i].float()
    st.markdown(f"##### P(next | previous): the counts at k = {k:g} and the net at λ = {reg:g}, on one colour scale")
    zmax, cols = float(max(P_k.max(), P_net.max())), st.columns(2)
    for col, P, name, key in (
        (cols[0], P_k, f"counts, k = {k:g}", "P_k"),
        (cols[1], P_net, f"net, λ = {reg:g}", "P_net"),
    ):
        col.plotly_chart(charts.heatmap(P, vocab, name, hover="%{y}%{x}: %{z:.4f}", zmin=0, zmax=zmax), key=key)
    left, right = st.columns(2)
    left.markdown("##### The difference: net − counts")
    diff = P_net - P_k
    dmax = float(diff.abs().max()) or 1e-12  # a colour scale needs a nonzero range even when the two agree
    between = {"hover": "%{y}%{x}: net − counts %{z:+.4f}", "colorscale": "RdBu", "zmin": -dmax, "zmax": dmax}
    left.plotly_chart(charts.heatmap(diff, vocab, "net − counts", **between), key="P_diff")
    right.markdown(f"##### Row '{md(row)}': P(next | '{md(row)}'), log axis")
    r = vocab.stoi[row]
    right.plotly_chart(charts.row_bars(P_k[r], P_net[r], vocab, k, reg), key="row_bars")
    if k == 0:
        right.caption(
            f"At k = 0 a bigram never seen after '{md(row)}' has probability 0, which a log axis cannot draw."
        )


st.title("Smoothing vs regularisation")
st.write(
    "Two ways to keep the bigram model from being sure of anything: add **k** fake counts to every cell of N, "
    "or train the net with the penalty **λ·mean(W²)** — both pull every row of P toward uniform, and a "
    "given λ acts like some k."
)
words = state.words()
url.keep_only(REG.key, ROW)
k, reg, row = settings(words.vocab)
fits, i = fit(words), REG_OPTIONS.index(reg)
numbers(fits, words.counts, k, i)
curves(fits, words.counts, k, i)
heatmaps(fits, words, k, i, row)
with st.expander("Every λ: its matching k, and both models' NLL"):
    st.dataframe(tables.matches(fits), hide_index=True)
