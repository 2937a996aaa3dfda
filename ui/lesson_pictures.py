"""The lesson's pictures: one function per Chapter.picture, drawn from what the chapter's cell kept (Run.values).

The numbers are the cell's; a picture only draws them, with the shared builders of ui/charts.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import torch

from bigram_core import WordList, breakdown, probabilities
from bigram_core.lesson import Run, impossible_word
from ui.charts import COLORS, layout, matrix_heatmap, next_char_bars
from ui.charts.counts import counts_heatmap, row_sums, square
from ui.format import num, plotly_text

PICTURE_PX = 340
LOSS_CURVE_POINTS = 600  # a curve over 228,146 bigrams is drawn from every k-th one


def _bars(x, y, title: str, **kw) -> go.Figure:
    fig = go.Figure(go.Bar(x=[plotly_text(str(v)) for v in x], y=y, marker_color=COLORS["bar"]))
    return layout(fig, PICTURE_PX, title=title, xaxis={"type": "category"}, **kw)


def _examples(fig: go.Figure, n: int) -> go.Figure:
    """A few examples by V characters: rows as tall as they need, every row and column labelled."""
    fig.update_layout(height=120 + 44 * n)
    fig.update_yaxes(scaleanchor=None, dtick=1, title_text="example: input")
    return fig.update_xaxes(dtick=1)


def _rows(xs: torch.Tensor, words: WordList) -> list[str]:
    """Row labels for examples: 'i: c', example i with input character c."""
    return [f"{i}: {plotly_text(words.vocab.itos[x])}" for i, x in enumerate(xs.tolist())]


def lengths(run: Run, words: WordList) -> None:
    counts = np.bincount(run.values["lengths"])
    ticks = np.nonzero(counts)[0]
    st.plotly_chart(
        _bars(ticks, counts[ticks], "How many names have each length", yaxis_title="names", xaxis_title="length")
    )


def dict_table(run: Run, words: WordList) -> None:
    b = sorted(run.values["b"].items(), key=lambda kv: -kv[1])
    st.dataframe(
        pd.DataFrame(
            {"first": [p[0] for p, _ in b], "second": [p[1] for p, _ in b], "count": [c for _, c in b]},
            index=pd.RangeIndex(1, len(b) + 1, name="rank"),
        ),
        height=340,
    )


def n28(run: Run, words: WordList) -> None:
    labels = [plotly_text(c) for c in run.values["chars"]] + ["&lt;S&gt;", "&lt;E&gt;"]
    fig = matrix_heatmap(run.values["N28"], words.vocab, rows=labels, cols=labels, colorbar="count")
    st.plotly_chart(square(fig).update_xaxes(tickangle=0), width="content")


def heatmap(run: Run, words: WordList) -> None:
    N = run.values["N"]
    with st.container(key="fit_lesson_heatmap"):  # square, and no taller than the screen (ui/style.css)
        st.vega_lite_chart(
            counts_heatmap(N, probabilities(N, 0), words.vocab, context="", log=False, k=0), height="stretch"
        )


def row(run: Run, words: WordList) -> None:
    st.plotly_chart(next_char_bars(run.values["p"], words.vocab, "p = N[0] / N[0].sum(): the first character"))


def tiny(run: Run, words: WordList) -> None:
    p, draws = run.values["p"], run.values["draws"]
    seen = torch.bincount(draws, minlength=3) / len(draws)
    fig = go.Figure(
        [
            go.Bar(x=["0", "1", "2"], y=p.numpy(), name="p", marker_color=COLORS["bar"]),
            go.Bar(
                x=["0", "1", "2"], y=seen.numpy(), name=f"share of the {len(draws)} draws", marker_color=COLORS["mark"]
            ),
        ]
    )
    title = "p and what was drawn"
    st.plotly_chart(layout(fig, PICTURE_PX, barmode="group", title=title, xaxis={"type": "category"}))


def sums(run: Run, words: WordList) -> None:
    st.plotly_chart(row_sums(run.values["P"], run.values["wrong"], words.vocab))


def word_table(run: Run, words: WordList) -> None:
    """The impossible word bigram by bigram, from bigram_core.breakdown under the same P (k = 0)."""
    wordq = impossible_word(words.vocab, words.counts, words.words)[1]
    b = breakdown(wordq, probabilities(words.counts, 0), words.counts, words.vocab)
    st.dataframe(
        pd.DataFrame(
            {
                "bigram": [r.pair for r in b.bigrams],
                "count": [r.count for r in b.bigrams],
                "P": [f"{r.prob:.4f}" for r in b.bigrams],
                "−log P": [num(r.nll) for r in b.bigrams],
            }
        ),
        hide_index=True,
    )


def smoothed_row(run: Run, words: WordList) -> None:
    word, wordq = impossible_word(words.vocab, words.counts, words.words)
    last, q = words.vocab.stoi[word[-1]], wordq[-1]
    fig = next_char_bars(run.values["P"][last], words.vocab, f"P(next | '{plotly_text(word[-1])}') at k = 1, log scale")
    fig.update_traces(marker_color=[COLORS["mark"] if c == q else COLORS["bar"] for c in words.vocab.itos])
    st.plotly_chart(fig.update_yaxes(type="log"))  # log: the smoothed pair is a thousand times below the likely ones


def drift(run: Run, words: WordList) -> None:
    running, logp = run.values["running"], run.values["logp"]
    exact = np.cumsum(logp.double().numpy())  # the same logs, summed in float64
    step = max(1, len(running) // LOSS_CURVE_POINTS)
    fig = go.Figure(go.Scatter(x=np.arange(len(running))[::step], y=(running - exact)[::step], mode="lines"))
    st.plotly_chart(
        layout(
            fig,
            PICTURE_PX,
            title="float32 running sum − float64 running sum (k = 1)",
            xaxis_title="bigrams added",
            yaxis_title="drift",
        )
    )


def onehot(run: Run, words: WordList) -> None:
    fig = matrix_heatmap(run.values["xenc"], words.vocab, rows=_rows(run.values["xs"], words))
    fig.update_xaxes(title_text="position in the one-hot vector (its character)")
    st.plotly_chart(_examples(fig.update_traces(showscale=False), len(run.values["xs"])))


def neuron(run: Run, words: WordList) -> None:
    st.plotly_chart(
        _bars(
            _rows(run.values["xs"], words),
            run.values["out"][:, 0].numpy(),
            "xenc @ W: one number per example",
            xaxis_title="example: input",
        )
    )


def logits(run: Run, words: WordList) -> None:
    fig = matrix_heatmap(
        run.values["logits"],
        words.vocab,
        rows=_rows(run.values["xs"], words),
        colorscale="RdBu",
        zmid=0,
        colorbar="logit",
        hover="%{y} → %{x}: %{z:.4f}",
    )
    fig.update_xaxes(title_text="neuron j (one per next character)")
    st.plotly_chart(_examples(fig, len(run.values["xs"])))


def softmax(run: Run, words: WordList) -> None:
    probs, y = run.values["probs"], int(run.values["ys"][0])
    fig = next_char_bars(probs[0], words.vocab, "probs[0]: what the random net expects after '.'")
    colors = [COLORS["mark"] if i == y else COLORS["bar"] for i in range(len(words.vocab))]
    st.plotly_chart(fig.update_traces(marker_color=colors))


def nlls(run: Run, words: WordList) -> None:
    chars = "." + words.words[0] + "."
    pairs = [chars[i : i + 2] for i in range(len(chars) - 1)]
    st.plotly_chart(_bars(pairs, run.values["nlls"].numpy(), "−log p of the correct next character", yaxis_title="nll"))


def grad(run: Run, words: WordList) -> None:
    fig = matrix_heatmap(
        run.values["W.grad"],
        words.vocab,
        colorscale="RdBu",
        zmid=0,
        colorbar="W.grad",
        hover="W.grad[%{y}, %{x}] = %{z:.5f}",
    )
    fig.update_yaxes(title_text="input character (row of W)").update_xaxes(title_text="neuron (column of W)")
    st.plotly_chart(square(fig), width="content")
    st.caption(
        "W.grad after the last backward. Red: a negative gradient, so the step −0.1 · W.grad raises that "
        "weight, as it does for each example's correct next character."
    )


def losses(run: Run, words: WordList) -> None:
    loss = [float(line) for line in run.output.split()]  # the cell prints one loss per step
    fig = go.Figure(go.Scatter(x=list(range(len(loss))), y=loss, mode="lines+markers", marker={"size": 4}))
    st.plotly_chart(layout(fig, PICTURE_PX, title="The printed losses", xaxis_title="step", yaxis_title="loss"))


def same(run: Run, words: WordList) -> None:
    P, P_net = run.values["P"].flatten().numpy(), run.values["P_net"].flatten().numpy()
    fig = go.Figure(
        [
            go.Scatter(x=P, y=P_net, mode="markers", marker={"size": 5, "opacity": 0.6}, name="cells"),
            go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"dash": "dot", "color": "grey"}, name="P_net = P"),
        ]
    )
    st.plotly_chart(
        layout(
            fig,
            420,
            title="Every cell: the counts' P against the net's",
            xaxis_title="P (counts, k = 1)",
            yaxis_title="P_net (softmax W)",
            showlegend=False,
        )
    )


PICTURES = {
    "lengths": lengths,
    "dict": dict_table,
    "N28": n28,
    "heatmap": heatmap,
    "row": row,
    "tiny": tiny,
    "row_sums": sums,
    "breakdown": word_table,
    "smoothed_row": smoothed_row,
    "drift": drift,
    "onehot": onehot,
    "neuron": neuron,
    "logits": logits,
    "softmax": softmax,
    "nlls": nlls,
    "grad": grad,
    "losses": losses,
    "same": same,
}


def draw(picture: str, run: Run, words: WordList) -> None:
    """Draw the chapter's picture (nothing for a chapter without one)."""
    if picture:
        PICTURES[picture](run, words)
