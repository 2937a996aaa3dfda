"""The download of a view's notebook (bigram_core.notebook), built only when it is clicked."""

import functools
from collections.abc import Callable

import streamlit as st

from bigram_core import WordList
from bigram_core.notebook import (
    NetSettings,
    NotebookNode,
    breakdown_notebook,
    counts_notebook,
    generator_notebook,
    to_bytes,
    training_notebook,
)

from . import state

BUILDERS: dict[str, Callable[..., NotebookNode]] = {
    "breakdown": breakdown_notebook,
    "counts": counts_notebook,
    "training": training_notebook,
    "generator": generator_notebook,
}


def net_settings() -> NetSettings:
    """How the net the views use was trained: the session's own, else the lecture's 100 steps (state.net_weights)."""
    net = state.trained_net()
    if net is None:
        return NetSettings(seed=state.seed(), **state.LECTURE_TRAINING)
    s = net.settings
    return NetSettings(len(net.records), s["lr"], s["reg"], s["seed"], s["init"], exact=not s.get("changed"))


def offer(view: str, words: WordList, where=st, **settings) -> None:
    """A button that downloads the notebook rebuilding `view` with `settings`. Streamlit calls the builder on the
    click, on a thread of its own, so every setting is read now and a rerun costs nothing."""
    build = functools.partial(BUILDERS[view], words.words, words.name, **settings)
    where.download_button(
        "Notebook",
        lambda: to_bytes(build()),
        file_name=f"bigram_{view}.ipynb",
        mime="application/x-ipynb+json",
        icon=":material/download:",
        on_click="ignore",
        help="A Jupyter notebook that rebuilds this view with its current settings in plain "
        "PyTorch, the word list inside.",
    )
