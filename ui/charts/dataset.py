"""The Dataset view's figures: the word list's lengths and characters as bars."""

import plotly.graph_objects as go

from . import CHART_PX, COLORS, hover, layout


def bars(x: list, y: list, xtitle: str, ytitle: str, tooltip: str) -> go.Figure:
    """One bar per category x (n,), of height y (n,), in the page's one colour."""
    fig = go.Figure(go.Bar(x=x, y=y, marker_color=COLORS["bar"], hovertemplate=hover(tooltip)))
    return layout(fig, CHART_PX, xaxis={"type": "category", "title": xtitle}, yaxis={"title": ytitle})
