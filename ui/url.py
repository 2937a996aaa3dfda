"""The address bar as part of the interface: every control of a view is bound to a query parameter.

A view declares its parameters (Number, Choice, Text) and calls bind() before drawing its widgets, each with
key = the parameter's name and bind="query-params". bind() checks what a link asks for: a value that cannot be
shown is snapped to the nearest allowed one and said so in a note, never silently replaced, and a parameter no
view knows is dropped from the address bar. Widgets then take their value from the URL (Streamlit's binding)
or, for a snapped value, from the session.
"""

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from .format import md

# Kept on every view: one k, one seed, one word list for the app, the presenter mode and a teacher link's hiding.
APP_WIDE = ("k", "seed", "list", "present", "hide")
HIDE = "hide"  # ?hide=lr,steps: a teacher link that opens a view with these controls tucked away


@dataclass(frozen=True)
class Number:
    key: str
    default: float
    lo: float
    hi: float
    integer: bool = False

    def parse(self, raw: str) -> tuple[float | int, str | None]:
        """The value to show for `raw`, and a note when it is not `raw` itself."""
        try:
            value = float(raw)
        except ValueError:
            return self.default, f"?{self.key}={raw} is not a number, so {self.key} is {self.default:g}."
        if math.isnan(value):
            return self.default, f"?{self.key}={raw} is not a number, so {self.key} is {self.default:g}."
        snapped = min(max(value, self.lo), self.hi)
        why = f"is outside {self.lo:g} to {self.hi:g}" if snapped != value else "is not a whole number"
        if self.integer:
            snapped = int(round(snapped))
        if snapped != value:
            return snapped, f"?{self.key}={raw} {why}, so {self.key} is {snapped:g}."
        return (int(value) if self.integer else value), None


@dataclass(frozen=True)
class Choice:
    key: str
    default: str
    options: Sequence[str]

    def parse(self, raw: str) -> tuple[str, str | None]:
        if raw in self.options:
            return raw, None
        folded = {o.casefold(): o for o in self.options}
        if raw.strip().casefold() in folded:
            return folded[raw.strip().casefold()], None
        return self.default, (
            f"?{self.key}={raw} is not one of {', '.join(self.options)}, so {self.key} is {self.default}."
        )


@dataclass(frozen=True)
class Text:
    key: str
    default: str
    max_chars: int

    def parse(self, raw: str) -> tuple[str, str | None]:
        if len(raw) <= self.max_chars:
            return raw, None
        return raw[: self.max_chars], f"?{self.key}= is longer than {self.max_chars} characters, so it is cut there."


@dataclass(frozen=True)
class Flag:
    key: str
    default: bool = False

    def parse(self, raw: str) -> tuple[bool, str | None]:
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true", None
        return self.default, f"?{self.key}={raw} is neither true nor false, so {self.key} is {self.default}."


@dataclass(frozen=True)
class Several:
    """A multiselect's choices, ?key=a&key=b: those not among `options` are left out, with a note."""

    key: str
    default: tuple[Any, ...]
    options: Sequence[Any]

    def parse(self, raw: list[str]) -> tuple[list[Any], str | None]:
        kept = [o for o in self.options if str(o) in raw]
        if not (left := [r for r in raw if r not in map(str, self.options)]):
            return kept, None
        options = ", ".join(map(str, self.options))
        return kept, f"?{self.key}={', '.join(left)} is not one of {options}, so it is left out."


Param = Number | Choice | Text | Flag | Several


def parsed(p: Param) -> tuple[Any, str | None] | None:
    """p's value in the URL and a note when it is not the URL's own; None when the URL does not give p."""
    if isinstance(p, Several):
        values = [value for value in st.query_params.get_all(p.key) if value]
        return p.parse(values) if values else None
    raw = st.query_params.get(p.key)
    return None if raw is None else p.parse(raw)


def bind(*params: Param) -> None:
    """Check the URL's values for `params` before their widgets read them; note what had to change."""
    for p in params:
        value, note = parsed(p) or (None, None)
        if note is None:
            continue
        st.session_state[p.key] = value  # the widget shows it, and writes it to the URL
        st.warning(md(note), icon=":material/link:")


def hidden() -> frozenset[str]:
    """The controls this address hides (?hide=lr,steps): a teacher chose them when sharing the link."""
    return frozenset(key.strip() for key in st.query_params.get(HIDE, "").split(",") if key.strip())


def control(p: Param, draw: Callable[[], Any], label: str = "") -> Any:
    """p's value: its widget, which draw() makes with key=p.key and bind="query-params", after bind(p) checked
    the URL; or, when a teacher link hides the control, the URL's value (or p's default) with no widget.

    The view's controls are listed, by key and `label`, for the teacher-link builder in the sidebar."""
    bind(p)
    shown_controls()[p.key] = label or p.key
    if p.key not in hidden():
        return draw()
    # In the session too, where the rest of the app reads settings, and where the widget finds it if shown again.
    st.session_state[p.key] = value = (parsed(p) or (p.default, None))[0]
    return value


def shown_controls() -> dict[str, str]:
    """The controls of this script run, key → label; app.py empties it before the view runs."""
    return st.session_state.setdefault("url_controls", {})


def keep_only(*keys: str) -> None:
    """Drop from the address bar every parameter that neither this view nor the app as a whole knows."""
    known = set(keys) | set(APP_WIDE)
    for key in list(st.query_params):
        if key not in known:
            with contextlib.suppress(StreamlitAPIException, KeyError):  # bound elsewhere, or Streamlit's own
                del st.query_params[key]


def widget(p: Param, draw: Callable[..., Any], label: str, *args: Any, **kw: Any) -> Any:
    """control() for the usual widget: draw(label, *args, **kw) keyed and bound to p, kept across page switches."""
    kw = {"key": p.key, "bind": "query-params", "persist_state": "session"} | kw
    return control(p, lambda: draw(label, *args, **kw), label)


def number_input(p: Number, where: Any, label: str, **kw: Any) -> Any:
    """widget() for a number input whose bounds and default are p's: a value it takes, a link may give."""
    return widget(p, where.number_input, label, p.lo, p.hi, p.default, **kw)
