"""Plotly figures shared by the pages: a V×V matrix over the vocabulary, a next-character bar chart."""
import numpy as np
import plotly.graph_objects as go
import torch

from bigram_core import Vocabulary


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
    fig.update_yaxes(autorange="reversed", type="category", title_text="previous character", tickfont={"size": 11},
                     scaleanchor="x")
    return fig


def next_char_bars(row: torch.Tensor, vocab: Vocabulary, title: str = "", color: str = "#1f77b4") -> go.Figure:
    """One row of P (V,): the distribution over the next character, one bar per character."""
    fig = go.Figure(go.Bar(x=list(vocab.itos), y=row.numpy(), marker_color=color,
                           hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.update_layout(title=title, height=300, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      yaxis_title="P(next)", xaxis={"type": "category"})
    return fig
