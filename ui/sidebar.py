"""The sidebar every page shares: which word list is loaded, how to load another, the seed, a link to share."""

from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from bigram_core import SEED, BigramError, WordList, limits
from bigram_core.data import case_note, check_bytes, parse_ready
from bigram_core.fetch import fetch_url

from . import presenter, state, url, worker
from .format import code, count, md, md_with_urls, size

SEED_PARAM = url.Number("seed", SEED, *limits.SERVER_SEEDS, integer=True)


def _load(loader, uploaded: bool = False, linked: bool = False) -> None:
    """Replace the word list with loader()'s; on bad input keep the current one and say why."""
    try:
        state.set_words(loader(), uploaded, linked)
    except BigramError as e:
        st.session_state["load_error"] = str(e)


def _on_upload() -> None:
    upload = st.session_state.get("upload")
    if isinstance(upload, UploadedFile):  # not None (removed) or a DeletedFile (already let go of, below)
        data, name = upload.getvalue(), upload.name
        release(upload)  # before the parse, which may wait for the worker
        _load(lambda: parse_upload(data, name), uploaded=True, linked=True)


def parse_upload(data: bytes, name: str) -> WordList:
    """What the bytes alone refuse is refused here; the parse runs in the worker: in this process a 500,000-line list
    would hold the interpreter lock, and every other session, for most of a second."""
    check_bytes(data, name)
    return worker.run(parse_ready, data, name)


def release(upload: UploadedFile) -> None:
    """Drop the upload's bytes from Streamlit's uploaded-file manager once read: the parsed list is what the
    session keeps, and the manager would otherwise hold the file until its session shuts down, which a
    session expired after a disconnect does not always do."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.uploaded_file_mgr.remove_file(ctx.session_id, upload.file_id)  # type: ignore[attr-defined]  # memory manager only


def render() -> None:
    with st.sidebar:
        words = state.words()
        st.markdown("#### Word list")
        note = case_note(words)
        st.markdown(
            f"**{md(words.name)}**  \n{count(len(words.words), 'word')} · "
            f"{count(len(words.vocab), 'character')} · {size(words.nbytes)}" + (f"  \n{md(note)}" if note else "")
        )  # one element, so nothing below it moves
        if message := st.session_state.pop("startup_error", None):
            st.error(md_with_urls(message))
        # Keyed, and the error goes inside it: an element inserted above would make the browser redraw the
        # expander as a new, collapsed one, taking the chosen file with it.
        with st.expander("Load another word list", key="load_list"):
            st.file_uploader(
                "Upload a text file: UTF-8, one word per line", type=["txt"], key="upload", on_change=_on_upload
            )
            if message := st.session_state.pop("load_error", None):
                st.error(md_with_urls(message))
            address = st.selectbox("Or fetch from an allowed address", state.allowed_urls())
            if st.button("Fetch", icon=":material/download:"):
                with st.spinner(f"Fetching {code(address)} …"):
                    _load(lambda: fetch_url(address, state.allowed_urls()), linked=True)
                st.rerun()
            path = state.command_line().data
            if path:
                st.button(
                    f"Use {md(path)} (from the command line)", on_click=_load, args=(lambda: state.load_file(path),)
                )
            st.button("Use the bundled names (SSA 2017)", on_click=_load, args=(state.bundled,))
        url.control(
            SEED_PARAM,
            lambda: st.number_input(
                "Seed",
                min_value=limits.SERVER_SEEDS[0],
                max_value=limits.SERVER_SEEDS[1],
                value=SEED,
                step=1,
                key="seed",
                bind="query-params",
                help="Seeds W's random init and, separately, a fresh generator for sampling.",
            ),
            "Seed",
        )
        presenter.toggle()
        if hide := url.hidden():
            st.caption(f"This link hides {count(len(hide), 'control')}.")
            st.button("Show every control", icon=":material/visibility:", on_click=_show_every_control)


def _show_every_control() -> None:
    del st.query_params[url.HIDE]


def share() -> None:
    """The address of this view with its settings and word list, to copy and send (drawn after the view ran),
    and a teacher's link: the same view with chosen controls hidden, for a class."""
    base = st.context.url
    if not base:  # no browser (AppTest)
        return
    params = st.query_params.to_dict()
    with st.sidebar.popover("Copy link", icon=":material/link:", width="stretch"):
        st.caption("This view as you see it: its settings, the seed and the word list.")
        st.code(address(base, params), language=None, wrap_lines=True)
        teacher_link(base, params, dict(url.shown_controls()))


def address(base: str, params: dict[str, str]) -> str:
    return base + (f"?{urlencode(params)}" if params else "")


@st.fragment
def teacher_link(base: str, params: dict[str, str], controls: dict[str, str]) -> None:
    """A link for a class: this view with the chosen controls tucked away and the sidebar collapsed."""
    st.markdown("**A link for your class**")
    hide = st.multiselect(
        "Hide these controls",
        list(controls),
        default=[key for key in url.hidden() if key in controls],
        format_func=lambda key: controls[key],
        key="share_hide",
        placeholder="Choose controls",
    )
    present = st.checkbox("Presenter mode", value=presenter.on(), key="share_present")
    shared = {key: value for key, value in params.items() if key not in (url.HIDE, presenter.PRESENT.key)}
    if hide:
        shared[url.HIDE] = ",".join(hide)
    if present:
        shared[presenter.PRESENT.key] = "true"
    if hide or present:
        st.code(address(base, shared), language=None, wrap_lines=True)
        st.caption("It opens with the sidebar collapsed; hidden controls keep the values they have now.")
    else:
        st.caption("Choose controls to hide, or presenter mode, for a link that opens ready for the class.")
