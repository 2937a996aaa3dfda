"""Sessions share nothing they could change: each trains its own net, a cache hands every reader its own copy,
and what is computed from an uploaded list is cached for its session only."""

import streamlit as st
import torch
from streamlit.runtime.caching.cache_data_api import _data_caches

from bigram_core import SEED, fit, load_bundled, parse_text
from tests.apptest import assert_clean, open_page
from ui import state
from ui.pages import NAMES as PAGES


def test_two_sessions_train_their_own_net():
    words = load_bundled()
    a, b = open_page("training", words), open_page("training", words)
    for _ in range(3):
        a.button(key="training_step").click().run()
    b.number_input(key="lr").set_value(10.0).run()
    b.button(key="training_step").click().run()
    Wa, Wb = a.session_state["net"].W, b.session_state["net"].W
    assert torch.allclose(Wa, fit(words.counts, steps=3, seed=SEED)[0])
    assert torch.allclose(Wb, fit(words.counts, steps=1, lr=10.0, seed=SEED)[0])
    assert Wa.untyped_storage().data_ptr() != Wb.untyped_storage().data_ptr()


def test_a_cached_tensor_is_a_fresh_copy_for_every_reader():
    """What a word-list cache hands out can be changed by its reader without reaching the next one."""
    computed = []

    @state.word_list_cache(max_entries=1)
    def weights(digest: str) -> torch.Tensor:
        computed.append(digest)
        return torch.zeros(3)

    first = weights("a list")
    first += 100  # a careless reader
    assert torch.equal(weights("a list"), torch.zeros(3)) and computed == ["a list"]  # from the cache, intact


def cache_entries() -> dict[str, int]:
    """Entries in st.cache_data's caches: "global" ones, and those scoped to some session."""
    counts = {"global": 0, "session": 0}
    for session, caches in _data_caches._function_caches.items():  # Streamlit's registry of caches
        counts["global" if session is None else "session"] += sum(
            len(stats) for cache in caches.values() for stats in cache.get_stats().values()
        )
    return counts


def test_an_uploaded_list_is_cached_for_its_session_only():
    at = open_page("dataset", parse_text("anna\nbob\ncy\n", "x.txt"))
    at.sidebar.file_uploader[0].set_value(("mine.txt", "zoë\nrenée\njosé\n".encode(), "text/plain")).run()
    st.cache_data.clear()
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert_clean(at)
    assert at.session_state["words_uploaded"]
    entries = cache_entries()
    assert entries["global"] == 0 and entries["session"] > 0
    at.sidebar.button[-1].click().run()  # the bundled list: a list the server provides is shared again
    at.switch_page("views/dataset.py").run()
    assert not at.session_state["words_uploaded"] and cache_entries()["global"] > 0
