"""The address bar as part of the interface: every control of a view is bound to a query parameter.

A view declares its parameters (Number, Choice, Text) and calls bind() before drawing its widgets, each with
key = the parameter's name and bind="query-params". bind() checks what a link asks for: a value that cannot be
shown is snapped to the nearest allowed one and said so in a note, never silently replaced, and a parameter no
view knows is dropped from the address bar. Widgets then take their value from the URL (Streamlit's binding)
or, for a snapped value, from the session. A value chosen on one view is what the next view with a control of
the same key shows (one k for the app), and the address bar shows what every control shows.
"""

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

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
        note = f"The {self.key} in the address was cut to its first {self.max_chars:,} characters."
        return raw[: self.max_chars], note


@dataclass(frozen=True)
class Stops:
    """A number that must be one of a slider's stops (all > 0); another is snapped to the nearest on a log scale."""

    key: str
    default: float
    stops: Sequence[float]

    def parse(self, raw: str) -> tuple[float, str | None]:
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not 0 < value < math.inf:  # nan too
            return self.default, f"?{self.key}={raw} is not a positive number, so {self.key} is {self.default:g}."
        nearest = min(self.stops, key=lambda stop: abs(math.log(stop / value)))
        if math.isclose(nearest, value):
            return nearest, None
        return (
            nearest,
            f"?{self.key}={raw} is not one of the slider's values, so {self.key} is {nearest:g}, the nearest.",
        )


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


Param = Number | Choice | Text | Stops | Flag | Several


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
        got = parsed(p)
        if got is None:
            continue
        value, note = got
        raw = st.query_params.get(p.key)
        # ?model=NET, ?reg=1e-4: the widget knows only "net" and "0.0001"
        folded = value != raw if isinstance(p, Choice) else isinstance(p, Stops) and f"{value:g}" != raw
        if note is None and not folded:
            continue
        st.session_state[p.key] = value  # the widget shows it, and control() writes it to the URL
        if note is not None:
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
    raw = st.query_params.get(p.key)
    if p.key in hidden():
        value = (parsed(p) or (p.default, None))[0]
        st.session_state[p.key] = value  # read by callbacks and the next view, as the widget's would be
    else:
        _arrive(p, raw)
        value = draw()
    if not isinstance(p, Several):  # a multiselect writes its own repeated ?key=a&key=b
        _choose(p.key, value, p.default)
    return value


def _arrive(p: Param, raw: str | None) -> None:
    """On a view's first run, a widget new to it does not see the value of another view's widget with the same
    key: give it what was chosen there (or this view's default), unless the address says otherwise."""
    page, drawn = get_script_run_ctx().page_script_hash, _held("url_drawn")  # type: ignore[union-attr]
    first, drawn[p.key] = drawn.get(p.key) != page, page
    want = _held("url_chosen").get(p.key, p.default)
    if raw is None and first and (want != p.default or want != st.session_state.get(p.key, want)):
        st.session_state[p.key] = want


def carry(p: Param) -> None:
    """An app-wide parameter in the address of a view without its control: the next view with one shows it."""
    if (got := parsed(p)) is not None:
        _remember(p.key, got[0], p.default)


def _held(name: str) -> dict[str, Any]:
    return st.session_state.setdefault(name, {})


def _remember(key: str, value: Any, default: Any) -> bool:
    """Keep `value` as the session's choice for `key`; False if it is the default, which is no choice."""
    if value == default:
        _held("url_chosen").pop(key, None)
        return False
    _held("url_chosen")[key] = value
    return True


def _choose(key: str, value: Any, default: Any) -> None:
    """Keep `value` as the session's choice for `key`, and in the address bar unless it is the default."""
    if not _remember(key, value, default):
        return
    text = str(value).lower() if isinstance(value, bool) else str(value)
    text = text.removesuffix(".0") if isinstance(value, float) else text
    if st.query_params.get(key) == text:
        return
    try:
        st.query_params[key] = text
    except StreamlitAPIException:  # bound: Streamlit writes a value set in code only from the widget's second run
        with get_script_run_ctx().session_state.query_params() as qp:  # type: ignore[union-attr]  # may change on upgrade
            qp.set_corrected_value(key, text, "string_value")


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
