"""The Training view's figures: one word's examples through the net (one-hot, logits, probs), that word's W.grad,
and the live run's loss curve and heatmaps of softmax(W), W.grad and the counts model's P."""

import plotly.graph_objects as go
import torch

from bigram_core import Vocabulary
from bigram_core.neural import TrainRecord, Walkthrough

from . import examples_heatmap, live_heatmap, loss_curve, matrix_heatmap

WORD_GRAD_PX = 440  # three quarters of the page wide, beside the loss it came from
TRAINING_CURVE_POINTS = 400  # per curve: a long run is drawn from every k-th step


def one_hot(w: Walkthrough, rows: list[str], vocab: Vocabulary) -> go.Figure:
    """xenc (n, V): each input as a row with a single 1."""
    fig = examples_heatmap(
        w.xenc, rows, vocab, colorscale="Greys", zmin=0, zmax=1.4, texttemplate="%{text}", hover="%{y} · %{x}: %{z:.0f}"
    )  # zmax above 1: a 1 is grey, and its label stays readable
    return fig.update_traces(text=[["1" if v else "" for v in row] for row in w.xenc.tolist()], showscale=False)


def logits(w: Walkthrough, rows: list[str], vocab: Vocabulary) -> go.Figure:
    """xenc @ W (n, V): one row of W per example, read as log-counts."""
    return examples_heatmap(
        w.logits, rows, vocab, colorscale="RdBu", zmid=0, texttemplate="%{z:.1f}", hover="%{y} · %{x}: logit %{z:.4f}"
    )


def probs(w: Walkthrough, rows: list[str], vocab: Vocabulary) -> go.Figure:
    """softmax of the logits (n, V), the correct next character of each example outlined."""
    return examples_heatmap(
        w.probs,
        rows,
        vocab,
        colorscale="Blues",
        zmin=0,
        texttemplate="%{z:.2f}",
        hover="%{y} · %{x}: P = %{z:.4f}",
        labels=w.ys,
    )


def word_grad(grad: torch.Tensor, vocab: Vocabulary) -> go.Figure:
    """W.grad (V, V) of one word's loss on a colour scale centred on 0, every character labelled."""
    top = float(grad.abs().max()) or 1.0
    fig = matrix_heatmap(
        grad,
        vocab,
        colorscale="RdBu_r",
        zmin=-top,
        zmax=top,
        colorbar="W.grad",
        height=WORD_GRAD_PX,
        hover="W[%{y}, %{x}].grad = %{z:.5f}",
    )
    return fig.update_xaxes(dtick=1).update_yaxes(dtick=1)


def loss(records: list[TrainRecord], target: int, reference: float, start: float, log: bool) -> dict:
    """The run's loss and data NLL per step, at most TRAINING_CURVE_POINTS of each, the last step always among them."""
    shown = records[:: max(1, len(records) // TRAINING_CURVE_POINTS)]
    if records and shown[-1] is not records[-1]:
        shown.append(records[-1])
    steps, losses, nlls = [r.step + 1 for r in shown], [r.loss for r in shown], [r.data_nll for r in shown]
    return loss_curve(steps, losses, nlls, target, reference, start, log=log)


# Titles stay the same from one redraw to the next: a changed spec is drawn anew, only new data in place.


def live_probs(P: torch.Tensor, vocab: Vocabulary, zmax: float, title: str) -> dict:
    """P (V, V), white 0 to dark blue `zmax`: the net's softmax(W) or the counts model's, on one scale."""
    return live_heatmap(P, vocab, scheme="blues", domain=(0, zmax), value="P", title=title)


def live_grad(grad: torch.Tensor, vocab: Vocabulary) -> dict:
    """W.grad (V, V) scaled to its largest magnitude, red where the net gives a pair too much probability."""
    top = float(grad.abs().max()) or 1.0
    return live_heatmap(
        grad / top,
        vocab,
        title="W.grad (scaled to its largest)",
        scheme="redblue",
        domain=(-1, 1),
        value="grad",
        raw=grad,
        reverse=True,
    )
