"""The screen-fitting heatmap: a valid Vega-Lite spec whose labels give way to small cells."""

import altair as alt
import numpy as np
import pytest
import torch

from bigram_core import load_bundled
from ui.charts.heatmap import LABEL_CELL_PX, fit_heatmap


@pytest.fixture(scope="module")
def counts():
    words = load_bundled()
    return words.counts, list(words.vocab.itos)


def spec_for(N, chars, log=False):
    pairs = np.char.add(np.array(chars)[:, None], np.array(chars)[None, :])
    return fit_heatmap(
        N, chars, top=pairs, bottom=N.numpy().astype(str), tooltip={"pair": pairs, "N": N.numpy()}, log=log
    )


@pytest.mark.parametrize("log", [False, True])
def test_the_spec_is_valid_vega_lite(counts, log):
    spec = spec_for(*counts, log=log)
    plain = spec | {"datasets": {name: frame.to_dict("records") for name, frame in spec["datasets"].items()}}
    alt.Chart.from_dict(plain)  # validates against Vega-Lite's JSON schema


def test_every_cell_once_with_its_labels_and_tooltip(counts):
    N, chars = counts
    cells = spec_for(N, chars)["datasets"]["cells"]
    assert len(cells) == len(chars) ** 2
    an, count = cells[(cells.prev == "a") & (cells.next == "n")].iloc[0], int(N[1, 14])
    assert (an.top, an.bottom, an.N) == ("an", str(count), count)


def test_labels_show_only_in_cells_large_enough(counts):
    spec = spec_for(*counts)
    assert spec["params"] == [{"name": "cell", "expr": f"min(width, height) / {len(counts[1])}"}]
    for layer in spec["layer"][1:]:
        assert layer["mark"]["opacity"] == {"expr": f"cell >= {LABEL_CELL_PX} ? 1 : 0"}


def test_dark_cells_get_white_text(counts):
    N, chars = counts
    for log in (False, True):
        cells = spec_for(N, chars, log)["datasets"]["cells"]
        assert cells.loc[cells.z.idxmax(), "dark"] and not cells.loc[cells.z.idxmin(), "dark"]
    # a count at 40 % of the largest is light on a linear scale and dark on a log one
    Z = torch.tensor([[100, 40], [0, 1]])
    linear, log = (spec_for(Z, [".", "a"], lg)["datasets"]["cells"] for lg in (False, True))
    assert not linear.dark[1] and log.dark[1]


def test_a_log_legend_is_labelled_in_powers_of_ten(counts):
    legend = spec_for(*counts, log=True)["layer"][0]["encoding"]["color"]["legend"]
    assert legend["values"] == [0, 10, 100, 1000]
