"""The charts the pages share, and their one template: colours, fonts and heights. A view's own figures live
in a module of this package named after the view.

Plotly draws what is drawn once; Vega-Lite draws what changes during a live run, because Streamlit updates a
Vega-Lite chart's data in place while its spec stays the same (a plotly chart is drawn anew and blanks meanwhile).
"""

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch

from bigram_core import Vocabulary

COLORS = {"loss": "#1f77b4", "nll": "#ff7f0e", "reference": "#2ca02c", "mark": "#d62728", "bar": "#9ecae1"}
FONT = 14  # px: axis titles and labels, readable on a projector
LOSS_CURVE_PX = 330
LIVE_HEATMAP_ROW_PX = 12  # px: a row holds its 10 px label without touching the next


def matrix_heatmap(
    Z: torch.Tensor,
    vocab: Vocabulary,
    *,
    text: np.ndarray | None = None,
    hover: str = "%{y}%{x}: %{z}",
    customdata: np.ndarray | None = None,
    colorscale: str = "Blues",
    zmin: float | None = None,
    zmax: float | None = None,
    colorbar: str = "",
    height: int = 560,
    font_size: int = 9,
    rows: list[str] | None = None,
    cols: list[str] | None = None,
    zmid: float | None = None,
) -> go.Figure:
    """Z (V, V) as the lecture draws it: row = previous character (top to bottom), column = next.

    `rows` and `cols` label a matrix of another shape, (len(rows), len(cols)), such as the one-hot of a word.
    """
    labels = list(vocab.itos)
    fig = go.Figure(
        go.Heatmap(
            z=Z.numpy() if isinstance(Z, torch.Tensor) else Z,
            x=labels if cols is None else cols,
            y=labels if rows is None else rows,
            text=text,
            texttemplate="%{text}" if text is not None else None,
            textfont={"size": font_size},
            customdata=customdata,
            hovertemplate=hover + "<extra></extra>",
            colorscale=colorscale,
            zmin=zmin,
            zmax=zmax,
            zmid=zmid,
            colorbar={"title": {"text": colorbar}, "thickness": 12},
            xgap=1,
            ygap=1,
        )
    )
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_xaxes(side="top", type="category", title_text="next character", tickfont={"size": 11})
    fig.update_yaxes(
        autorange="reversed", type="category", title_text="previous character", tickfont={"size": 11}, scaleanchor="x"
    )
    return fig


def next_char_bars(row: torch.Tensor, vocab: Vocabulary, title: str = "", color: str = "#1f77b4") -> go.Figure:
    """One row of P (V,): the distribution over the next character, one bar per character."""
    fig = go.Figure(
        go.Bar(x=list(vocab.itos), y=row.numpy(), marker_color=color, hovertemplate="%{x}: %{y:.4f}<extra></extra>")
    )
    fig.update_layout(
        title=title,
        height=300,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        yaxis_title="P(next)",
        xaxis={"type": "category"},
    )
    return fig


def examples_heatmap(
    Z: torch.Tensor,
    rows: list[str],
    vocab: Vocabulary,
    *,
    colorscale: str,
    texttemplate: str,
    hover: str,
    zmin=None,
    zmax=None,
    zmid=None,
    labels: torch.Tensor | None = None,
) -> go.Figure:
    """Z (n, V), one row per example, as an image; `labels` (n,) outlines each example's correct next character."""
    fig = go.Figure(
        go.Heatmap(
            z=Z.numpy(),
            x=list(vocab.itos),
            y=rows,
            colorscale=colorscale,
            zmin=zmin,
            zmax=zmax,
            zmid=zmid,
            texttemplate=texttemplate,
            textfont={"size": 11},
            hovertemplate=hover + "<extra></extra>",
            xgap=1,
            ygap=1,
            colorbar={"thickness": 10},
        )
    )
    for i, y in enumerate([] if labels is None else labels.tolist()):
        fig.add_shape(
            type="rect", x0=y - 0.5, x1=y + 0.5, y0=i - 0.5, y1=i + 0.5, line={"color": COLORS["mark"], "width": 2}
        )
    fig.update_layout(height=110 + 30 * len(rows), margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_xaxes(side="top", type="category", title_text="character", tickfont={"size": 12})
    fig.update_yaxes(autorange="reversed", type="category", title_text="example")
    return fig


# --- live charts (Vega-Lite) -----------------------------------------------------------------------------------


def loss_curve(
    steps: list[int],
    losses: list[float],
    nlls: list[float],
    target: int,
    reference: float,
    start: float,
    log: bool = False,
) -> dict:
    """The loss and the data NLL per step, and the counts model's NLL as a floor, as a Vega-Lite spec.

    Only the datasets change from one redraw to the next (the x axis is as long as the run, the y axis spans
    the floor and the `start` loss from the first frame), so the chart is updated in place and does not rescale.
    """
    curve = pd.DataFrame({"step": steps, "loss = NLL + λ·mean(W²)": losses, "data NLL": nlls}).melt(
        "step", var_name="curve", value_name="value"
    )
    y: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": "loss",
        "scale": {"type": "log"} if log else {"zero": False},
    }
    legend = {"orient": "top", "title": None, "labelFontSize": FONT}
    return {
        "datasets": {
            "curve": curve,
            "floor": pd.DataFrame({"value": [reference], "label": [f"counts model, k = 0: {reference:.4f}"]}),
            "frame": pd.DataFrame({"value": [reference, start]}),
        },
        "height": LOSS_CURVE_PX,
        "config": {"axis": {"labelFontSize": FONT, "titleFontSize": FONT}},
        "layer": [
            {
                "data": {"name": "curve"},
                "mark": {"type": "line", "strokeWidth": 2.5, "clip": True},
                "encoding": {
                    "x": {"field": "step", "type": "quantitative", "scale": {"domain": [0, target]}, "title": "step"},
                    "y": y,
                    "color": {
                        "field": "curve",
                        "type": "nominal",
                        "legend": legend,
                        "scale": {"range": [COLORS["nll"], COLORS["loss"]]},
                    },
                    "strokeDash": {
                        "field": "curve",
                        "type": "nominal",
                        "legend": None,
                        "scale": {"range": [[6, 3], [1, 0]]},
                    },
                    "tooltip": [{"field": "step"}, {"field": "curve"}, {"field": "value", "format": ".4f"}],
                },
            },
            {
                "data": {"name": "floor"},
                "mark": {"type": "rule", "strokeDash": [2, 3], "color": COLORS["reference"]},
                "encoding": {"y": y},
            },
            {
                "data": {"name": "floor"},
                "mark": {
                    "type": "text",
                    "align": "right",
                    "baseline": "top",
                    "dy": 4,
                    "x": "width",
                    "fontSize": FONT - 1,
                    "color": COLORS["reference"],
                },
                "encoding": {"y": y, "text": {"field": "label"}},
            },
            {"data": {"name": "frame"}, "mark": {"type": "point", "opacity": 0}, "encoding": {"y": y}},
        ],
    }


def live_heatmap(
    Z: torch.Tensor,
    vocab: Vocabulary,
    *,
    title: str,
    scheme: str,
    domain: tuple[float, float],
    value: str,
    raw: torch.Tensor | None = None,
    reverse: bool = False,
) -> dict:
    """Z (V, V) as a Vega-Lite heatmap on a fixed colour domain (so it updates in place); the tooltip shows
    `raw` (V, V), the unscaled values, when Z is a scaled copy."""
    chars = list(vocab.itos)  # Vega-Lite draws text as text, and its tooltip escapes HTML
    V = len(chars)
    cells = pd.DataFrame(
        {
            "prev": np.repeat(chars, V),
            "next": np.tile(chars, V),
            "z": Z.flatten().numpy(),
            value: (Z if raw is None else raw).flatten().numpy(),
        }
    )
    axis = {"labelFontSize": FONT - 4, "labelAngle": 0, "titleFontSize": FONT, "labelOverlap": False}
    return {
        "datasets": {"cells": cells},
        "data": {"name": "cells"},
        "height": {"step": LIVE_HEATMAP_ROW_PX},
        "title": {"text": title, "fontSize": FONT + 1, "anchor": "start"},
        "mark": {"type": "rect"},
        "encoding": {
            "x": {
                "field": "next",
                "type": "ordinal",
                "title": "next character",
                "axis": {"orient": "top"},
                "sort": chars,
            },
            "y": {"field": "prev", "type": "ordinal", "title": "previous character", "sort": chars},
            "color": {
                "field": "z",
                "type": "quantitative",
                "title": None,
                "scale": {"scheme": scheme, "domain": list(domain), "reverse": reverse},
                "legend": None,
            },  # a legend takes its room from the rows; the caption names the scale
            "tooltip": [
                {"field": "prev", "title": "previous"},
                {"field": "next", "title": "next"},
                {"field": value, "format": ".5f"},
            ],
        },
        "config": {"axis": axis, "view": {"strokeWidth": 0}},
    }


# --- the template of the views' own figures ---------------------------------------------------------------------

COLORS.update(counts=COLORS["loss"], net=COLORS["nll"])  # the two models wherever they are drawn side by side
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}  # px: room for a title above, the plot as wide as its column
CHART_PX = 340  # a line or bar chart in a row of two or three
HEATMAP_PX = 520  # a V×V heatmap in half the page: square cells as large as the column allows


def layout(fig: go.Figure, height: int, title: str = "", **kwargs) -> go.Figure:
    """fig `height` px tall with the template's narrow margins (room above for a title); kwargs go to
    update_layout, `margin` merged into the template's."""
    margin = MARGIN | {"t": 40 if title else 10} | kwargs.pop("margin", {})
    return fig.update_layout(height=height, title=title, margin=margin, **kwargs)


def hover(text: str) -> str:
    """A plotly hovertemplate showing `text` alone, without the trace's name in a second box."""
    return text + "<extra></extra>"
