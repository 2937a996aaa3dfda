"""The Exercises view's figures: loss against the order n (E01) and against the smoothing strength (E03)."""

import plotly.graph_objects as go

from bigram_core.tuning import STRENGTH, Tuning

from . import COLORS, MARGIN, layout

CHART_PX = 340
# The training view's colours: train as its loss, dev as its held-out NLL, test as the reference.
PARTS = {"train": COLORS["loss"], "dev": COLORS["nll"], "test": COLORS["reference"]}
UNTITLED = MARGIN | {"t": 10}


def orders_chart(runs: dict[int, Tuning]) -> go.Figure:
    """Train, dev and test NLL against the order n, each order at its dev-chosen k."""
    fig = go.Figure()
    lines = {
        "train": [t.best.train_nll for t in runs.values()],
        "dev": [t.best.dev_nll for t in runs.values()],
        "test": [t.test_nll for t in runs.values()],
    }
    for part, y in lines.items():
        fig.add_trace(
            go.Scatter(
                x=list(runs),
                y=y,
                mode="lines+markers",
                name=part,
                line={"color": PARTS[part]},
                hovertemplate=f"n = %{{x}}: {part} NLL %{{y:.4f}}<extra></extra>",
            )
        )
    xaxis = {"title": "order n (context of n − 1 characters)", "dtick": 1}
    return layout(fig, CHART_PX, margin=UNTITLED, xaxis=xaxis, yaxis={"title": "NLL"})


def sweep_chart(t: Tuning) -> go.Figure:
    """Train and dev NLL against the strength on a log axis (k = 0 has no place on it), the chosen one marked."""
    points = [p for p in t.sweep if p.strength > 0]
    fig = go.Figure()
    for part in ("train", "dev"):
        fig.add_trace(
            go.Scatter(
                x=[p.strength for p in points],
                y=[getattr(p, f"{part}_nll") for p in points],
                mode="lines+markers",
                name=part,
                line={"color": PARTS[part]},
                hovertemplate=f"%{{x:.3g}}: {part} NLL %{{y:.4f}}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[t.chosen],
            y=[t.best.dev_nll],
            mode="markers",
            name="chosen on dev",
            marker={"color": PARTS["dev"], "size": 14, "line": {"color": "black", "width": 1.5}},
            hovertemplate="chosen %{x:.3g}: dev NLL %{y:.4f}<extra></extra>",
        )
    )
    penalty = "fake counts in every cell" if t.model == "counts" else "the net's penalty λ·mean(W²)"
    fig.update_xaxes(type="log", title_text=f"{STRENGTH[t.model]}, {penalty}")
    return layout(fig, CHART_PX, margin=UNTITLED, yaxis={"title": "NLL"})
