"""Presenter mode (?present=true): the app as a projector shows it to a class.

Larger type, the sidebar collapsed, each view's controls tucked into a closed "Settings" expander, and figures
sized to the screen's height (ui/style.css). A teacher link (?hide=…) also opens with the sidebar collapsed.
"""

import streamlit as st

from . import url

PRESENT = url.Flag("present")


def on() -> bool:
    """Whether this session presents: the sidebar's toggle once drawn, before that the address."""
    if PRESENT.key in st.session_state:
        return bool(st.session_state[PRESENT.key])
    raw = st.query_params.get(PRESENT.key)
    return raw is not None and bool(PRESENT.parse(raw)[0])


def sidebar_state() -> str:
    """How the sidebar opens: collapsed on a projector or a teacher's link, where the view is the lesson."""
    return "collapsed" if on() or url.hidden() else "auto"


def toggle() -> None:
    """The sidebar's presenter-mode switch, bound to ?present=."""
    url.bind(PRESENT)
    st.toggle(
        "Presenter mode",
        key=PRESENT.key,
        bind="query-params",
        help="For a projector: larger type, settings tucked away, figures that fit the screen.",
    )


def controls():
    """Where a view draws its settings: a closed expander when presenting, else in place."""
    return st.expander("Settings", icon=":material/tune:") if on() else st.container()
