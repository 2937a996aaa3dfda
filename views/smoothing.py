"""Smoothing vs regularisation (/smoothing): fake counts k and the net's penalty λ·mean(W²) side by side."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import torch

from bigram_core import BigramError, probabilities
from bigram_core.limits import SMOOTHING_CELLS
from bigram_core.regularisation import (
    fake_counts,
    mean_kl,
    smoothed_probs,
    smoothing_nll,
    smoothing_vs_reg,
    uniform_nll,
)
from ui import state, worker
from ui.charts import matrix_heatmap, next_char_bars
from ui.format import md, num

REG_OPTIONS = (*(m * 10.0**e for e in range(-4, 2) for m in (1, 2, 5)), 100.0)  # 10⁻⁴ … 10², each trained
K_CURVE = tuple(np.logspace(-2, 4, 121).tolist())  # 20 points a decade: a smooth curve for k > 0
K0_X = 10**-2.7  # where k = 0 is drawn: a log axis has no 0, so it gets its own tick left of the curve
COUNTS_COLOR, NET_COLOR = "#1f77b4", "#ff7f0e"
CHART_HEIGHT = 340
HEATMAP_HEIGHT = 520


def label(x: float) -> str:
    """A k or λ as people write it: 0.01, 5, 10000."""
    return f"{x:g}"


def k_text(k: float) -> str:
    """A matched k to 3 significant figures (the grid it comes from is 2.3 % apart): 5.25, 61,700."""
    return f"{float(f'{k:.3g}'):,g}"


@state.word_list_cache(max_entries=8)
def correspondence(digest: str, regs: tuple[float, ...], ks: tuple[float, ...], _N: torch.Tensor):
    """The net at every λ, the k matching each, and the counts' NLL along ks and at the matched k."""
    return worker.run(smoothing_vs_reg, _N, regs, ks)  # a V×V net at every λ: seconds and 100+ MB at V = 200


def power(x: float) -> str:
    """A power of ten as a log axis labels it: 10⁻², 1, 10, 10³."""
    e = round(np.log10(x))
    return {0: "1", 1: "10"}.get(e, "10" + str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")))


def heatmap(Z: torch.Tensor, vocab, colorbar: str, **kwargs) -> go.Figure:
    """matrix_heatmap with every character labelled and the colour bar underneath, so that two heatmaps
    side by side get square cells as large as half the page allows."""
    fig = matrix_heatmap(Z, vocab, colorbar=colorbar, height=HEATMAP_HEIGHT, **kwargs)
    fig.update_traces(
        colorbar={
            "orientation": "h",
            "y": -0.02,
            "yanchor": "top",
            "thickness": 10,
            "title": {"text": colorbar, "side": "right"},
        }
    )
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(dtick=1)
    return fig


def nll_chart(
    x, y, *, floor: float, top: float, V: int, chosen: tuple[float, float], name: str, color: str, xaxis: dict
) -> go.Figure:
    """Training NLL along a log axis, between the unsmoothed counts' floor and the uniform limit log V."""
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            name=name,
            line={"color": color, "width": 3},
            hovertemplate="%{x:g}: NLL %{y:.4f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[chosen[0]],
            y=[chosen[1]],
            mode="markers",
            name="your choice",
            marker={"color": color, "size": 13, "line": {"color": "black", "width": 1.5}},
            hovertemplate="%{x:g}: NLL %{y:.4f}<extra></extra>",
        )
    )
    fig.add_hline(
        y=top,
        line_dash="dash",
        line_color="gray",
        annotation_text=f"uniform 1/{V}: log {V} = {top:.4f}",
        annotation_position="top left",
    )
    fig.add_hline(
        y=floor,
        line_dash="dot",
        line_color="gray",
        annotation_text=f"counts, k = 0: {floor:.4f}",
        annotation_position="bottom right",
    )
    pad = (top - floor) * 0.1  # room for the two lines' labels
    fig.update_layout(
        height=CHART_HEIGHT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        showlegend=False,
        yaxis={"title": "training NLL", "range": [floor - pad, top + pad]},
    )
    fig.update_xaxes(type="log", **xaxis)
    return fig


st.title("Smoothing vs regularisation")
st.write(
    "Two ways to keep the bigram model from being sure of anything: add **k** fake counts to every cell of N, "
    "or train the net with the penalty **λ·mean(W²)** — both pull every row of P toward uniform, and a "
    "given λ acts like some k."
)

words = state.words()
N, vocab, V = words.counts, words.vocab, len(words.vocab)
controls = st.columns([2, 2, 1])
k = state.smoothing_k(controls[0], label="Smoothing k (fake counts per cell)")
reg = controls[1].select_slider(
    "Regularisation λ (the net, trained to convergence)",
    REG_OPTIONS,
    value=0.01,
    format_func=label,
    key="reg",
    bind="query-params",
    help="W minimises NLL + λ·(W**2).mean(); the lecture uses λ = 0.01. Each λ is "
    "trained to convergence with Newton steps on the lecture's loss: plain "
    "gradient descent would need 10⁴–10⁵ steps at small λ.",
)
ch = controls[2].selectbox(
    "Row (previous character)", vocab.itos, index=vocab.stoi.get("q", 1), key="smoothing_row", persist_state="session"
)
row = vocab.stoi[ch]

if V * V > SMOOTHING_CELLS:  # every λ trains a V×V net to convergence, and each is matched to a k
    st.error(
        f"This list has {V} characters: training its {V}×{V} net to convergence at {len(REG_OPTIONS)} values "
        f"of λ is more than one click may compute (up to {int(SMOOTHING_CELLS**0.5)} characters). The Counts "
        "and Breakdown views show smoothing k on this list."
    )
    st.stop()
try:
    with st.spinner(f"Training the net to convergence at {len(REG_OPTIONS)} values of λ …"):
        sweep, match, curve_nll, matched_nll = correspondence(words.digest, REG_OPTIONS, K_CURVE, N)
    P_k, nll_k = probabilities(N, k), smoothing_nll(N, [k]).item()
except BigramError as e:
    st.error(md(str(e)))
    st.stop()

i = REG_OPTIONS.index(reg)
P_net = sweep.net_probs()[i]  # (V, V) float64
floor, top = smoothing_nll(N, [0]).item(), uniform_nll(V)

metrics = st.columns(4)
metrics[0].metric(
    f"NLL · counts, k = {label(k)}",
    num(nll_k),
    f"{nll_k - floor:+.4f}",
    delta_color="off",
    delta_arrow="off",
    delta_description="vs k = 0",
)
metrics[1].metric(
    f"NLL · net, λ = {label(reg)}",
    num(sweep.data_nll[i].item()),
    f"{sweep.data_nll[i].item() - floor:+.4f}",
    delta_color="off",
    delta_arrow="off",
    delta_description="vs k = 0",
)
metrics[2].metric(
    f"k that matches λ = {label(reg)}",
    k_text(match.k[i].item()),
    help="The k whose P_k is closest to the net's softmax(W): least mean KL(P_k ‖ net) over the rows.",
)
metrics[3].metric(
    "Mean KL(P_k ‖ net), your pair",
    f"{mean_kl(smoothed_probs(N, [k])[0], P_net).item():.2e}",
    f"{match.kl[i].item():.2e}",
    delta_color="off",
    delta_arrow="off",
    delta_description="at the matching k",
    help="How far apart your two models are; it is smallest when k is the matching k.",
)

curves = st.columns(3)
with curves[0]:
    st.markdown("##### NLL against smoothing k")
    fig = nll_chart(
        K_CURVE,
        curve_nll.tolist(),
        floor=floor,
        top=top,
        V=V,
        chosen=(k or K0_X, nll_k),
        name="counts",
        color=COUNTS_COLOR,
        xaxis={
            "title": "k (log axis; k = 0 drawn at the left edge)",
            "range": [np.log10(K0_X) - 0.2, 4.3],
            "tickvals": [K0_X, *(10.0**e for e in range(-2, 5))],
            "ticktext": ["0", *(power(10.0**e) for e in range(-2, 5))],
        },
    )
    fig.add_trace(
        go.Scatter(
            x=[K0_X],
            y=[floor],
            mode="markers",
            marker={"color": COUNTS_COLOR, "size": 8},
            hovertemplate="k = 0: NLL %{y:.4f}<extra></extra>",
        )
    )
    st.plotly_chart(fig, key="nll_k")
with curves[1]:
    st.markdown("##### NLL against regularisation λ")
    st.plotly_chart(
        nll_chart(
            REG_OPTIONS,
            sweep.data_nll.tolist(),
            floor=floor,
            top=top,
            V=V,
            chosen=(reg, sweep.data_nll[i].item()),
            name="net",
            color=NET_COLOR,
            xaxis={
                "title": "λ (log axis)",
                "dtick": 1,
                "exponentformat": "power",
                "range": [np.log10(REG_OPTIONS[0]) - 0.2, np.log10(REG_OPTIONS[-1]) + 0.2],
            },
        ),
        key="nll_reg",
    )
with curves[2]:
    st.markdown("##### The k that matches each λ")
    fig = go.Figure(
        [
            go.Scatter(
                x=REG_OPTIONS,
                y=[k_ or None for k_ in match.k.tolist()],  # k = 0 (tiny lists) has no log
                mode="lines+markers",
                name="matching k",
                line={"color": NET_COLOR, "width": 3},
                hovertemplate="λ = %{x:g}: k = %{y:.3g}<extra></extra>",
            ),
            go.Scatter(
                x=REG_OPTIONS,
                y=[fake_counts(N, r) for r in REG_OPTIONS],
                mode="lines",
                name="k = 2Bλ/V²",
                line={"color": "gray", "dash": "dash"},
                hovertemplate="λ = %{x:g}: 2Bλ/V² = %{y:.3g}<extra></extra>",
            ),
            go.Scatter(
                x=[reg],
                y=[match.k[i].item() or None],
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                marker={"color": NET_COLOR, "size": 13, "line": {"color": "black", "width": 1.5}},
            ),
        ]
    )
    fig.update_layout(
        height=CHART_HEIGHT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"x": 1, "xanchor": "right", "y": 0, "yanchor": "bottom"},
    )  # the empty corner
    fig.update_xaxes(type="log", title="λ (log axis)", dtick=1, exponentformat="power")
    fig.update_yaxes(type="log", title="matching k (log axis)", dtick=1, exponentformat="power")
    st.plotly_chart(fig, key="matching")
st.caption(
    f"The net's loss averages over B = {int(N.sum()):,} bigrams, so once λ is large its penalty weighs like "
    f"2Bλ/V² = {fake_counts(N, 1):.3g}·λ fake counts per cell (dashed). At small λ the two pulls toward uniform "
    "differ in shape, and the match leaves the line. The matching k minimises the mean over rows of KL(P_k ‖ net)."
)

st.markdown(
    f"##### P(next | previous): the counts at k = {label(k)} and the net at λ = {label(reg)}, on one colour scale"
)
P_net_f = P_net.float()
zmax = float(max(P_k.max(), P_net_f.max()))
heatmaps = st.columns(2)
for column, P, name, key in (
    (heatmaps[0], P_k, f"counts, k = {label(k)}", "P_k"),
    (heatmaps[1], P_net_f, f"net, λ = {label(reg)}", "P_net"),
):
    column.plotly_chart(heatmap(P, vocab, name, hover="%{y}%{x}: %{z:.4f}", zmin=0, zmax=zmax), key=key)

left, right = st.columns(2)
with left:
    st.markdown("##### The difference: net − counts")
    diff = P_net_f - P_k
    dmax = float(diff.abs().max()) or 1e-12  # a colour scale needs a nonzero range even when the two agree
    st.plotly_chart(
        heatmap(
            diff,
            vocab,
            "net − counts",
            hover="%{y}%{x}: net − counts %{z:+.4f}",
            colorscale="RdBu",
            zmin=-dmax,
            zmax=dmax,
        ),
        key="P_diff",
    )
with right:
    st.markdown(f"##### Row '{md(ch)}': P(next | '{md(ch)}'), log axis")
    fig = next_char_bars(P_k[row], vocab, color=COUNTS_COLOR)
    fig.data[0].update(name=f"counts, k = {label(k)}", opacity=0.45)
    fig.add_trace(
        go.Bar(
            x=list(vocab.itos),
            y=P_net_f[row].numpy(),
            name=f"net, λ = {label(reg)}",
            width=0.4,
            marker_color=NET_COLOR,
            hovertemplate="%{x}: %{y:.4f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(vocab.itos),
            y=[1 / V] * V,
            mode="lines",
            name=f"uniform 1/{V}",
            line={"color": "gray", "dash": "dash"},
            hoverinfo="skip",
        )
    )
    fig.update_layout(barmode="overlay", height=HEATMAP_HEIGHT, legend={"orientation": "h", "y": 1.08})
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(type="log", dtick=1, exponentformat="power")
    st.plotly_chart(fig, key="row_bars")
    if k == 0:
        st.caption(f"At k = 0 a bigram never seen after '{md(ch)}' has probability 0, which a log axis cannot draw.")

with st.expander("Every λ: its matching k, and both models' NLL"):
    st.dataframe(
        pd.DataFrame(
            {
                "λ": [label(r) for r in REG_OPTIONS],
                "matching k": [k_text(x) for x in match.k.tolist()],
                "mean KL there": match.kl.tolist(),
                "NLL · net": sweep.data_nll.tolist(),
                "NLL · counts at that k": matched_nll.tolist(),
                "Newton steps": sweep.steps,
            }
        ),
        hide_index=True,
        column_config={
            "mean KL there": st.column_config.NumberColumn(format="%.2e"),
            "NLL · net": st.column_config.NumberColumn(format="%.4f"),
            "NLL · counts at that k": st.column_config.NumberColumn(format="%.4f"),
        },
    )
