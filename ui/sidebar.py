"""The sidebar every page shares: which word list is loaded, how to load another, and the seed."""
import streamlit as st
from starlette.formparsers import MultiPartParser

from bigram_core import MAX_BYTES, SEED, BigramError, parse_bytes
from bigram_core.data import fetch_url

from . import state
from .format import md, size

# Streamlit's upload route parses the request with starlette, which spools a file past 1 MB to a temporary
# file on disk. A word list is at most MAX_BYTES, and Streamlit reads the whole file into memory right after
# anyway: keeping the spool in memory up to that size means an upload never touches the disk. (+1 MiB for
# the multipart framing; Streamlit refuses anything larger with 413.)
MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, MAX_BYTES + 2**20)


def _load(loader, uploaded: bool = False) -> None:
    """Replace the word list with loader()'s; on bad input keep the current one and say why."""
    try:
        state.set_words(loader(), uploaded)
    except BigramError as e:
        st.session_state["load_error"] = str(e)


def _on_upload() -> None:
    upload = st.session_state.get("upload")
    if upload is not None:
        _load(lambda: parse_bytes(upload.getvalue(), upload.name), uploaded=True)


def render() -> None:
    with st.sidebar:
        words = state.words()
        st.markdown("#### Word list")
        st.markdown(f"**{md(words.name)}**  \n{len(words.words):,} words · {len(words.vocab)} characters · "
                    f"{size(words.nbytes)}")
        if message := st.session_state.pop("load_error", None):
            st.error(md(message))
        with st.expander("Load another word list"):
            st.file_uploader("Upload a text file: UTF-8, one word per line", type=["txt"], key="upload",
                             on_change=_on_upload)
            url = st.selectbox("Or fetch from an allowed address", state.allowed_urls())
            if st.button("Fetch", icon=":material/download:"):
                with st.spinner(f"Fetching {md(url)} …"):
                    _load(lambda: fetch_url(url, state.allowed_urls()))
                st.rerun()
            path = state.command_line().data
            if path:
                st.button(f"Use {md(path)} (from the command line)", on_click=_load,
                          args=(lambda: state.load_file(path),))
            st.button("Use the bundled names (SSA 2017)", on_click=_load, args=(state.bundled,))
        st.number_input("Seed", min_value=0, max_value=2**53 - 1, value=SEED, step=1, key="seed",
                        help="Seeds W's random init and, separately, a fresh generator for sampling.")
