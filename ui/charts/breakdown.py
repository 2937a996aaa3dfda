"""The Breakdown view's figure: a loss per bigram (or per word) as bars, an infinite one red and labelled ∞."""

import math

import plotly.graph_objects as go

from ui.format import num, plotly_text

from . import CHART_PX, COLORS, hover, layout


def nll_bars(labels: list[str], nlls: list[float], y_title: str, mean: float | None = None) -> go.Figure:
    """One bar per NLL (n,), labelled with its value; an infinite NLL reaches the top of the chart, red, as ∞."""
    finite = [x for x in nlls if math.isfinite(x)]
    top = 1.2 * max(finite, default=1.0) or 1.0
    # x is the position, not the label: a word can repeat a bigram ("aa" in "aaa"), and plotly would stack
    # equal category labels into one bar.
    fig = go.Figure(
        go.Bar(
            x=list(range(len(labels))),
            y=[x if math.isfinite(x) else top for x in nlls],
            text=[num(x, 2) for x in nlls],
            textposition="outside",
            textfont={"size": [12 if math.isfinite(x) else 22 for x in nlls]},
            marker_color=[COLORS["bar"] if math.isfinite(x) else COLORS["mark"] for x in nlls],
            customdata=[num(x) for x in nlls],
            hovertext=[plotly_text(label) for label in labels],
            hovertemplate=hover("%{hovertext}: %{customdata}"),
        )
    )
    if mean is not None and math.isfinite(mean):
        fig.add_hline(
            y=mean,
            line_dash="dash",
            line_color="grey",
            annotation_text=f"mean {num(mean, 2)}",
            annotation_position="right",
        )  # in the margin, clear of the bars
    pad = max(0.5, (4 - len(labels)) / 2)  # one or two bars stay bar-sized, centred, instead of filling the chart
    fig.update_xaxes(
        tickvals=list(range(len(labels))),
        ticktext=[plotly_text(label) for label in labels],
        tickfont={"size": 14},
        range=[-pad, len(labels) - 1 + pad],
    )
    return layout(
        fig, CHART_PX, margin={"r": 80, "t": 20}, yaxis_title=y_title, yaxis_range=[0, top * 1.1], showlegend=False
    )
