"""The Counts view's figures: the labelled count heatmap, one row of P, and the keepdim pitfall's row sums."""

import numpy as np
import plotly.graph_objects as go
import torch

from bigram_core import Vocabulary
from ui.format import plotly_text

from . import COLORS, layout, next_char_bars
from .heatmap import fit_heatmap

SQUARE_PX = 900  # the lesson's 28×28 figure is big and square
COLORBAR_PX = 60
ROW_CHART_PX = 380  # as tall as the top-bigrams table beside it
ROW_SUMS_PX = 320


def square(fig: go.Figure) -> go.Figure:
    """A V×V heatmap drawn square, its plot area giving up width (not range) to stay so: no blank band above row '.'."""
    fig.update_layout(width=SQUARE_PX + COLORBAR_PX, height=SQUARE_PX)
    return fig.update_xaxes(constrain="domain").update_yaxes(constrain="domain")


def counts_heatmap(N: torch.Tensor, P: torch.Tensor, vocab: Vocabulary, *, context: str, log: bool, k: float) -> dict:
    """N (V, V) as the lecture draws it, each cell labelled with its n-gram over its count where the screen has
    room, and P (V, V) at smoothing k on hover. `context` is the first character of a trigram slice, or ''."""
    chars = np.array(vocab.itos)
    grams = np.char.add(context, np.char.add(chars[:, None], chars[None, :]))  # (V, V): 'an', or 'ean' at n = 3
    counts = N.numpy()
    return fit_heatmap(
        N,
        list(vocab.itos),
        top=grams,
        bottom=counts.astype(str),
        tooltip={
            "trigram" if context else "bigram": grams,
            "count": np.char.mod("%d", counts),
            f"P(next | previous) at k = {k:g}": np.char.mod("%.4f", P.numpy()),
        },
        log=log,
        legend="count",
        rows_title=f"previous character, after '{context}'" if context else "previous character",
    )


def row_bars(row: torch.Tensor, vocab: Vocabulary, context: str, k: float) -> go.Figure:
    """One row of P (V,): the next character after `context` at smoothing k."""
    fig = next_char_bars(row, vocab, title=f"P(next | '{plotly_text(context)}') at k = {k:g}")
    return fig.update_layout(height=ROW_CHART_PX)


def row_sums(P: torch.Tensor, wrong: torch.Tensor, vocab: Vocabulary) -> go.Figure:
    """The row sums of P (V, V), all 1, beside those of P normalised without keepdim=True."""
    x = [plotly_text(ch) for ch in vocab.itos]
    fig = go.Figure(
        [
            go.Bar(x=x, y=P.sum(1).numpy(), name="keepdim=True", marker_color=COLORS["bar"]),
            go.Bar(x=x, y=wrong.sum(1).numpy(), name="without keepdim", marker_color=COLORS["mark"]),
        ]
    )
    return layout(
        fig,
        ROW_SUMS_PX,
        barmode="group",
        hovermode="x unified",
        title="Row sums P.sum(1)",
        xaxis={"type": "category", "title": "previous character"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )
