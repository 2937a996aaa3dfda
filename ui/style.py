"""The app's one stylesheet: type and figure sizes Streamlit's theme cannot set.

Static CSS files only, never text a user typed: ui/format.py keeps user text literal everywhere else.
"""

from pathlib import Path

import streamlit as st

from . import presenter

HERE = Path(__file__).parent


def apply() -> None:
    """Every session: metrics that wrap instead of cutting their value, heatmaps that fit the screen; when
    presenting, larger type."""
    st.html(HERE / "style.css")
    if presenter.on():
        st.html(HERE / "presenter.css")
