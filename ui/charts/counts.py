"""The Counts view's figures: the labelled count heatmap, one row of P, and the keepdim pitfall's row sums."""

import numpy as np
import plotly.graph_objects as go
import torch

from bigram_core import Vocabulary
from ui.format import plotly_text

from . import COLORS, layout, matrix_heatmap, next_char_bars

HEATMAP_PX = 900  # the lecture's figure is big and square: every cell must fit its pair and count
COLORBAR_PX = 60
PLOT_FRACTION = 0.9  # of HEATMAP_PX left for the cells after the axis labels and margins
MIN_FONT, MAX_FONT = 8, 11  # px: below 8 the labels are unreadable on a projector, above 11 they crowd the cell
ROW_CHART_PX = 380  # as tall as the top-bigrams table beside it
ROW_SUMS_PX = 320


def cell_font(V: int, max_count: int, order: int = 2) -> int | None:
    """The font size (px) at which a cell's two lines, n-gram over count, fit in it; None if that is unreadable."""
    cell = HEATMAP_PX * PLOT_FRACTION / V
    text_em = max(order * 0.75, 0.62 * len(str(max_count)))  # the widest line in ems: the n-gram ('mw') or the count
    size = int(min((cell - 4) / text_em, (cell - 2) / 2.4))  # two lines of 1.2 em each must fit the height
    return min(size, MAX_FONT) if size >= MIN_FONT else None


def cell_labels(N: torch.Tensor, vocab: Vocabulary, context: str = "") -> np.ndarray:
    """'pair<br>count' for every cell, (V, V) strings: the pair on top, the count below, as in the lecture;
    at n = 3 the trigram, `context` (the slice's first character) then the pair."""
    chars = np.array([plotly_text(ch) for ch in vocab.itos])
    pairs = np.char.add(plotly_text(context), np.char.add(chars[:, None], chars[None, :]))
    return np.char.add(np.char.add(pairs, "<br>"), N.numpy().astype(str))


def log_colorbar(max_count: int) -> dict:
    """Ticks for z = log10(1 + N), labelled with the counts themselves."""
    counts = [0] + [10**e for e in range(len(str(max_count)))]
    return {"tickvals": [np.log10(1 + c) for c in counts], "ticktext": [f"{c:,}" for c in counts]}


def square(fig: go.Figure) -> go.Figure:
    """A V×V heatmap drawn square, its plot area giving up width (not range) to stay so: no blank band above row '.'."""
    fig.update_layout(width=HEATMAP_PX + COLORBAR_PX, height=HEATMAP_PX)
    return fig.update_xaxes(constrain="domain").update_yaxes(constrain="domain")


def plain(fig: go.Figure) -> go.Figure:
    """fig with its own plain template and the app's font, to be drawn with theme=None: Streamlit's theming of
    729 labelled cells is slow (docs/performance.md)."""
    return fig.update_layout(
        template="plotly_white", font_family="Source Sans Pro, sans-serif", margin={"l": 70, "r": 10, "t": 70, "b": 10}
    )


def counts_heatmap(
    N: torch.Tensor, P: torch.Tensor, vocab: Vocabulary, *, context: str, log: bool, k: float
) -> go.Figure:
    """N (V, V) coloured by count (log10(1 + N) when `log`), every cell labelled with its n-gram and count while
    they fit, hover with P (V, V) at smoothing k. `context` is the first character of a trigram slice, or ''."""
    font = cell_font(len(vocab), int(N.max()), 3 if context else 2)
    context_html = plotly_text(context)
    fig = matrix_heatmap(
        torch.log10(1 + N.double()) if log else N,
        vocab,
        text=cell_labels(N, vocab, context) if font else None,
        hover=f"{context_html}%{{y}}%{{x}}: N = %{{customdata[0]:,}}<br>"
        f"P(%{{x}} | {context_html}%{{y}}) = %{{customdata[1]:.4f}} at k = {k:g}",
        customdata=np.stack([N.numpy(), P.numpy()], axis=-1),
        colorbar="count",
        height=HEATMAP_PX,
        font_size=font or MIN_FONT,
    )
    if context:
        fig.update_yaxes(title_text=f"previous character, after '{context_html}'")
    if log:
        fig.update_traces(colorbar=log_colorbar(int(N.max())))
    return plain(square(fig))


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
