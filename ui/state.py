"""What one browser session holds: the loaded word list, the seed, the net it trained.

Everything here lives in st.session_state, so it is private to a session and survives page switches.
Caches (st.cache_data) hold only results keyed on hashable inputs, and hand every reader its own copy
(they are pickled), so no tensor is shared between sessions; see word_list_cache for whose they are.
"""

import argparse
import functools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import streamlit as st
import torch

from bigram_core import SEED, BigramError, WordList, fit, limits, load_bundled, load_path
from bigram_core.fetch import ALLOWED_URLS
from bigram_core.neural import TrainRecord

from . import list_store, url


class TrainingSettings(TypedDict):
    lr: float
    steps: int
    reg: float
    init: str


LECTURE_TRAINING: TrainingSettings = {"lr": 50.0, "steps": 100, "reg": 0.01, "init": "randn"}


def command_line() -> argparse.Namespace:
    """`streamlit run app.py -- --data PATH --allow-url URL …`: options after the `--`."""
    parser = argparse.ArgumentParser(prog="app.py", add_help=False)
    parser.add_argument("--data", default=None)
    parser.add_argument("--allow-url", action="append", default=[])
    return parser.parse_known_args(sys.argv[1:])[0]


def allowed_urls() -> tuple[str, ...]:
    """The makemore names.txt, plus any address given with --allow-url."""
    return ALLOWED_URLS + tuple(command_line().allow_url)


@st.cache_data(max_entries=4, show_spinner=False)
def _load_path(path: str, mtime: float) -> WordList:
    """A word-list file, read once per version (mtime) for every session; each gets its own copy."""
    return load_path(path)


def load_file(path: str | Path) -> WordList:
    path = Path(path)
    return _load_path(str(path), path.stat().st_mtime if path.is_file() else 0.0)


def load_startup_words() -> WordList:
    """The word list a new session starts with: --data PATH if given and valid, else the bundled one."""
    path = command_line().data
    if path:
        try:
            return load_file(path)
        except BigramError as e:
            st.session_state["startup_error"] = f"Could not load --data {path}: {e} Using the bundled list."
    return bundled()


@st.cache_data(max_entries=1, show_spinner=False)
def bundled() -> WordList:
    return load_bundled()


def linked_words() -> WordList | None:
    """The list a link names with ?list=<digest>, if the server still keeps it; else None, with a note."""
    digest = st.query_params.get("list")
    if digest is None:
        return None
    startup = load_startup_words()
    if digest == startup.digest:
        return startup
    if (found := list_store.find(digest)) is not None:
        st.session_state["words_linked"] = st.session_state["words_uploaded"] = True
        return found
    del st.query_params["list"]
    hours = list_store.KEEP_SECONDS // 3600
    st.session_state["load_error"] = (
        f"The word list this link names is no longer on this server (uploaded lists "
        f"are kept for {hours} hours after their last use). Showing {startup.name}."
    )
    return startup


def words() -> WordList:
    """The session's current word list; a list of the user's own stays named in the URL (?list=<digest>)."""
    if "words" not in st.session_state:
        st.session_state["words"] = linked_words() or load_startup_words()
    current = st.session_state["words"]
    if st.session_state.get("words_linked") and st.query_params.get("list") != current.digest:
        st.query_params["list"] = current.digest  # a page switch clears the address; a reload must find it
    return current


def set_words(new: WordList, uploaded: bool = False, linked: bool = False) -> None:
    """Make `new` the session's word list; a net trained on other words no longer applies.

    `uploaded`: the list is the user's own, not one the server provides (see word_list_cache).
    `linked`: the server keeps it for links (list_store), and the URL names it.
    """
    st.session_state["words"] = new
    st.session_state["words_uploaded"] = uploaded
    st.session_state["words_linked"] = linked = linked and list_store.keep(new)
    if linked:
        st.query_params["list"] = new.digest
    elif "list" in st.query_params:
        del st.query_params["list"]
    st.session_state.pop("net", None)


def word_list_cache(max_entries: int):
    """st.cache_data for results computed from the session's word list.

    For a list the server provides (bundled, --data, an allowed URL) the cache is global: a class on the
    same list computes each result once. For an uploaded list it is session-scoped: Streamlit drops it
    when the session ends, so a student's words, and whatever was computed from them, leave with the student.
    """

    def decorate(fn):
        shared = st.cache_data(max_entries=max_entries, show_spinner=False)(fn)
        private = st.cache_data(max_entries=max_entries, show_spinner=False, scope="session")(fn)

        @functools.wraps(fn)
        def cached(*args, **kwargs):
            return (private if st.session_state.get("words_uploaded") else shared)(*args, **kwargs)

        return cached

    return decorate


def session_memo(name: str, key, compute):
    """compute() kept in this session's state under `name` while `key` is unchanged: no pickling on every
    rerun (st.cache_data copies a result by pickling it), and it leaves with the session."""
    held = st.session_state.get(name)
    if held is None or held[0] != key:
        held = (key, compute())
        st.session_state[name] = held
    return held[1]


def default_word(preferred: str) -> str:
    """`preferred` (the lecture's example) if the list has its characters, else the list's own first word."""
    vocab = words().vocab
    if all(ch in vocab.stoi for ch in preferred):
        return preferred
    return next((w for w in words().words if len(w) <= limits.WORD_LENGTH), words().words[0][: limits.WORD_LENGTH])


def default_words(preferred: list[str], at_least: int = 3) -> str:
    """The lecture's words the list can spell, topped up with the list's own first words; comma-separated."""
    vocab, own = words().vocab, [w for w in words().words[:100] if len(w) <= limits.WORD_LENGTH]
    chosen = [w for w in preferred if all(ch in vocab.stoi for ch in w)]
    chosen += [w for w in dict.fromkeys(own) if w not in chosen][: max(0, at_least - len(chosen))]
    return ", ".join(chosen)


K = url.Number("k", 1.0, 0.0, limits.SMOOTHING_K)  # one smoothing k for the whole app, ?k= on every view


def smoothing_k(container=st, *, disabled: bool = False, label: str = "Smoothing k") -> float:
    """The app's smoothing k: the same key, bounds and URL parameter on every view, kept across page switches."""
    k = url.control(
        K,
        lambda: container.number_input(
            label,
            K.lo,
            K.hi,
            K.default,
            step=1.0,
            format="%g",
            key=K.key,
            bind="query-params",
            persist_state="session",
            disabled=disabled,
            help="Fake counts added to every cell of N before each row is normalised: "
            "P = (N + k) / (N + k).sum(1, keepdim=True).",
        ),
        "Smoothing k",
    )
    return k + 0.0  # -0 reads 0


def seed() -> int:
    """The session's seed (the sidebar's), for weights and sampling."""
    return int(st.session_state.get("seed", SEED))


@dataclass
class Net:
    """A net this session trained: W (V, V), a record per step, and what it was trained with."""

    W: torch.Tensor
    digest: str
    settings: dict
    records: list[TrainRecord] = field(default_factory=list)


def trained_net() -> Net | None:
    """The net trained on the training page for the current word list, if any."""
    net = st.session_state.get("net")
    return net if net is not None and net.digest == words().digest else None


@word_list_cache(max_entries=8)
def _lecture_weights(digest: str, seed: int, _N: torch.Tensor) -> torch.Tensor:
    return fit(_N, seed=seed, **LECTURE_TRAINING)[0]


def net_weights() -> tuple[torch.Tensor, str]:
    """W of the session's trained net, or of the lecture's 100 steps when none; and a description."""
    net = trained_net()
    if net is not None:
        return net.W.clone(), f"the net you trained ({len(net.records)} steps)"
    W = _lecture_weights(words().digest, seed(), words().counts)
    return W, "the net after the lecture's 100 steps (lr 50, λ 0.01)"
