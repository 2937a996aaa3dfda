"""The Smoothing view's figures: training NLL against k and against λ, the k that matches each λ, P as heatmaps
on one colour scale, and one row of both models on a log axis."""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import torch

from bigram_core import Vocabulary

from . import CHART_PX, COLORS, HEATMAP_PX, hover, layout, matrix_heatmap

K0_X = 10**-2.7  # where k = 0 is drawn: a log axis has no 0, so it gets its own tick left of the curve
CHOSEN = {"size": 13, "line": {"color": "black", "width": 1.5}}  # the marker of the user's setting


def power(x: float) -> str:
    """A power of ten as a log axis labels it: 10⁻², 1, 10, 10³."""
    e = round(np.log10(x))
    return {0: "1", 1: "10"}.get(e, "10" + str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")))


def nll_curve(
    x, y, *, floor: float, top: float, V: int, chosen: tuple[float, float], color: str, xaxis: dict
) -> go.Figure:
    """Training NLL y (n,) along a log axis x (n,), between the unsmoothed counts' floor and the uniform log V."""
    fig = go.Figure(
        [
            go.Scatter(
                x=x, y=y, mode="lines", line={"color": color, "width": 3}, hovertemplate=hover("%{x:g}: NLL %{y:.4f}")
            ),
            go.Scatter(
                x=[chosen[0]],
                y=[chosen[1]],
                mode="markers",
                marker={"color": color, **CHOSEN},
                hovertemplate=hover("%{x:g}: NLL %{y:.4f}"),
            ),
        ]
    )
    for y_line, dash, text, where in (
        (top, "dash", f"uniform 1/{V}: log {V} = {top:.4f}", "top left"),
        (floor, "dot", f"counts, k = 0: {floor:.4f}", "bottom right"),
    ):
        fig.add_hline(y=y_line, line_dash=dash, line_color="gray", annotation_text=text, annotation_position=where)
    pad = (top - floor) * 0.1  # room for the two lines' labels
    fig.update_xaxes(type="log", **xaxis)
    return layout(fig, CHART_PX, showlegend=False, yaxis={"title": "training NLL", "range": [floor - pad, top + pad]})


def nll_against_k(ks: Sequence[float], nlls: list[float], k: float, nll_k: float, floor: float, top: float, V: int):
    """The counts model's NLL along ks (n,), with k = 0 at its own tick left of the log axis."""
    fig = nll_curve(
        ks,
        nlls,
        floor=floor,
        top=top,
        V=V,
        chosen=(k or K0_X, nll_k),
        color=COLORS["counts"],
        xaxis={
            "title": "k (log axis; k = 0 drawn at the left edge)",
            "range": [np.log10(K0_X) - 0.2, 4.3],
            "tickvals": [K0_X, *(10.0**e for e in range(-2, 5))],
            "ticktext": ["0", *(power(10.0**e) for e in range(-2, 5))],
        },
    )
    point = go.Scatter(x=[K0_X], y=[floor], mode="markers", marker={"color": COLORS["counts"], "size": 8})
    return fig.add_trace(point.update(hovertemplate=hover("k = 0: NLL %{y:.4f}")))


def nll_against_reg(
    regs: Sequence[float], nlls: list[float], reg: float, nll_reg: float, floor: float, top: float, V: int
):
    """The net's NLL at each λ of regs (L,), trained to convergence."""
    return nll_curve(
        regs,
        nlls,
        floor=floor,
        top=top,
        V=V,
        chosen=(reg, nll_reg),
        color=COLORS["net"],
        xaxis={
            "title": "λ (log axis)",
            "dtick": 1,
            "exponentformat": "power",
            "range": [np.log10(regs[0]) - 0.2, np.log10(regs[-1]) + 0.2],
        },
    )


def matching_k(regs: Sequence[float], ks: list[float], fake: list[float], reg: float, k_at: float) -> go.Figure:
    """The k matching each λ of regs (L,), and the line k = 2Bλ/V² it approaches at large λ."""
    fig = go.Figure(
        [
            go.Scatter(
                x=regs,
                y=[k or None for k in ks],  # k = 0 (tiny lists) has no log
                mode="lines+markers",
                name="matching k",
                line={"color": COLORS["net"], "width": 3},
                hovertemplate=hover("λ = %{x:g}: k = %{y:.3g}"),
            ),
            go.Scatter(
                x=regs,
                y=fake,
                mode="lines",
                name="k = 2Bλ/V²",
                line={"color": "gray", "dash": "dash"},
                hovertemplate=hover("λ = %{x:g}: 2Bλ/V² = %{y:.3g}"),
            ),
            go.Scatter(
                x=[reg],
                y=[k_at or None],
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                marker={"color": COLORS["net"], **CHOSEN},
            ),
        ]
    )
    fig.update_xaxes(type="log", title="λ (log axis)", dtick=1, exponentformat="power")
    fig.update_yaxes(type="log", title="matching k (log axis)", dtick=1, exponentformat="power")
    return layout(fig, CHART_PX, legend={"x": 1, "xanchor": "right", "y": 0, "yanchor": "bottom"})  # the empty corner


def heatmap(Z: torch.Tensor, vocab: Vocabulary, colorbar: str, **kwargs) -> go.Figure:
    """matrix_heatmap of Z (V, V) with every character labelled and the colour bar underneath, so that two
    heatmaps side by side get square cells as large as half the page allows."""
    fig = matrix_heatmap(Z, vocab, colorbar=colorbar, height=HEATMAP_PX, **kwargs)
    bar = {
        "orientation": "h",
        "y": -0.02,
        "yanchor": "top",
        "thickness": 10,
        "title": {"text": colorbar, "side": "right"},
    }
    fig.update_traces(colorbar=bar)
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(dtick=1)
    return fig


def row_bars(counts: torch.Tensor, net: torch.Tensor, vocab: Vocabulary, k: float, reg: float) -> go.Figure:
    """One row of both models, counts (V,) and net (V,), as bars on a log axis, over the uniform 1/V."""
    chars, V = list(vocab.itos), len(vocab)
    fig = go.Figure(
        [
            go.Bar(x=chars, y=counts.numpy(), name=f"counts, k = {k:g}", opacity=0.45, marker_color=COLORS["counts"]),
            go.Bar(x=chars, y=net.numpy(), name=f"net, λ = {reg:g}", width=0.4, marker_color=COLORS["net"]),
            go.Scatter(
                x=chars,
                y=[1 / V] * V,
                mode="lines",
                name=f"uniform 1/{V}",
                line={"color": "gray", "dash": "dash"},
                hoverinfo="skip",
            ),
        ]
    )
    fig.update_traces(hovertemplate=hover("%{x}: %{y:.4f}"), selector={"type": "bar"})
    fig.update_xaxes(type="category", dtick=1)
    fig.update_yaxes(type="log", dtick=1, exponentformat="power", title="P(next)")
    return layout(fig, HEATMAP_PX, margin={"t": 40}, barmode="overlay", legend={"orientation": "h", "y": 1.08})
