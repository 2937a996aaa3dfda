"""The lecture's big labelled heatmap, drawn to fit the screen: a V×V grid as tall as the window allows.

Vega-Lite sizes the grid to its box (ui/style.css keeps a `fit_…` container square and within the screen's
height), and the browser decides from the drawn cell size whether the two-line labels fit: on a small screen
or a projector at 150 % they step aside and hovering a cell still shows every number.
"""

import numpy as np
import pandas as pd
import torch

from . import FONT

LABEL_CELL_PX = 22  # a cell narrower than this cannot hold two lines of readable (≥ 8.5 px) text
DARK = 0.55  # past this share of the colour scale a cell is dark enough for white text


def fit_heatmap(
    Z: torch.Tensor,
    chars: list[str],
    *,
    top: np.ndarray,
    bottom: np.ndarray,
    tooltip: dict[str, np.ndarray],
    log: bool = False,
    legend: str = "",
    rows_title: str = "previous character",
) -> dict:
    """Z (V, V) non-negative, row = previous character and column = next, as a Vega-Lite spec.

    Each cell is labelled `top` over `bottom` ((V, V) strings each) when it is large enough on screen;
    `tooltip` maps a title to (V, V) values shown on hover. `log` colours on a symmetric-log scale, which
    keeps 0 and shows the rare cells a linear scale washes out.
    """
    V = len(chars)
    z = Z.double().flatten().numpy()
    zmax = max(float(z.max()), 1e-12)
    shade = np.log1p(z) / np.log1p(zmax) if log else z / zmax
    cells = pd.DataFrame(
        {
            "prev": np.repeat(chars, V),
            "next": np.tile(chars, V),
            "z": z,
            "top": top.flatten(),
            "bottom": bottom.flatten(),
        }
        | {title: np.asarray(values).flatten() for title, values in tooltip.items()}
    )
    cells["dark"] = shade > DARK
    text_colour = {"condition": {"test": "datum.dark", "value": "white"}, "value": "#262730"}

    def label(field: str, baseline: str) -> dict:
        return {
            "mark": {
                "type": "text",
                "baseline": baseline,
                "fontSize": {"expr": f"min(cell / 2.6, {FONT})"},
                "opacity": {"expr": f"cell >= {LABEL_CELL_PX} ? 1 : 0"},
            },
            "encoding": {"text": {"field": field}, "color": text_colour},
        }

    axis = {
        "labelAngle": 0,
        "labelFontSize": {"expr": f"min(cell * 0.75, {FONT - 1})"},  # one character per row or column
        "titleFontSize": FONT,
        "labelOverlap": V > 40,
        "ticks": False,
    }
    return {
        "datasets": {"cells": cells},
        "data": {"name": "cells"},
        "width": "container",
        "height": "container",
        "autosize": {"type": "fit", "contains": "padding"},
        "params": [{"name": "cell", "expr": f"min(width, height) / {V}"}],
        "encoding": {
            "x": {
                "field": "next",
                "type": "ordinal",
                "sort": chars,
                "title": "next character",
                "axis": axis | {"orient": "top"},
                "scale": {"range": [0, {"expr": "min(width, height)"}]},  # square cells, whatever the box
            },
            "y": {
                "field": "prev",
                "type": "ordinal",
                "sort": chars,
                "title": rows_title,
                "axis": axis,
                "scale": {"range": [0, {"expr": "min(width, height)"}]},
            },
        },
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 0.5},
                "encoding": {
                    "color": {
                        "field": "z",
                        "type": "quantitative",
                        "title": legend,
                        "scale": {"scheme": "blues", "type": "symlog" if log else "linear"},
                        "legend": {  # above the grid, so the grid takes the box's whole width
                            "orient": "top",
                            "direction": "horizontal",
                            "titleOrient": "left",
                            "gradientLength": {"expr": "min(width, height) * 0.5"},
                            "labelFontSize": FONT - 2,
                        }
                        | ({"values": [0, *(10**e for e in range(1, len(str(int(zmax)))))]} if log else {}),
                    },
                    "tooltip": [{"field": t} for t in tooltip],
                },
            },
            label("top", "bottom"),
            label("bottom", "top"),
        ],
        "config": {"view": {"strokeWidth": 0}},
    }
