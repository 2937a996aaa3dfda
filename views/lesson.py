"""Lesson (/lesson?chapter=N): the lecture in its own order, one chapter per step.

Each chapter is a sentence, a short cell of PyTorch that runs (bigram_core.lesson), the picture of what it
made and the numbers it printed, in large type. The chapter number lives in the URL, so a teacher can send one.
"""
import streamlit as st

from bigram_core import WordList
from bigram_core.lesson import CHAPTERS, PROVIDED, Run, chapter, defined_in, fill, run, snap
from bigram_core.sampling import SAMPLER_NAMES, SAMPLER_NOTE, SAMPLERS
from ui import state
from ui.format import md
from ui.lesson_pictures import draw

LAST = len(CHAPTERS)
OUTPUT_LINES = 12  # a longer output (the 100 losses) scrolls in a box this many lines high


@state.word_list_cache(max_entries=64)
def cell(digest: str, number: int, sampler: str, _words: WordList) -> Run:
    """Chapter `number`'s cell run on the word list `digest` names: cached, as the slowest takes seconds."""
    return run(number, _words.words, sampler)


def go(number: int) -> None:
    """Button and chapter-list callback: the URL carries the chapter, the rerun reads it from there."""
    st.query_params["chapter"] = str(number)


def chapter_from_url() -> int:
    """?chapter= snapped to a chapter that exists, with a note when it was not one."""
    raw = st.query_params.get("chapter")
    number = snap(raw)
    if raw is not None and raw != str(number):
        st.info(f"There is no chapter {md(raw)}: this is chapter {number}, the nearest of 1 to {LAST}.")
    go(number)
    return number


# Previous / the chapter list / Next; ← and → turn the page as well.
def navigation(number: int) -> None:
    prev, pick, nxt = st.columns([1, 4, 1], vertical_alignment="bottom")
    prev.button("Previous", icon=":material/arrow_back:", on_click=go, args=(number - 1,), disabled=number == 1,
                shortcut="left", width="stretch", key="lesson_prev")
    nxt.button("Next", icon=":material/arrow_forward:", icon_position="right", on_click=go, args=(number + 1,),
               disabled=number == LAST, shortcut="right", type="primary", width="stretch", key="lesson_next")
    st.session_state["lesson_chapter"] = number  # the list follows the URL (Previous, Next, a link)
    pick.selectbox(f"Chapter (of {LAST})", range(1, LAST + 1), key="lesson_chapter",
                   format_func=lambda n: f"{n}. {CHAPTERS[n - 1].title}",
                   on_change=lambda: go(st.session_state["lesson_chapter"]))


# What the cell finds already defined, and where the lesson defined it.
def provided(number: int) -> str:
    ch = chapter(number)
    given = [f"{PROVIDED[n].names} (chapter {defined_in(n)})" for n in ch.needs if defined_in(n) != number]
    return "Defined by earlier chapters: " + "; ".join(given) + "." if given else ""


# The numbers the cell printed, in large type.
def metrics(result: Run) -> None:
    columns = st.columns(min(len(result.metrics), 4) or 1)
    for i, (label, value) in enumerate(result.metrics):
        shown = {"inf": "∞", "-inf": "−∞"}.get(value, value)  # the printed inf, as the lesson's text calls it
        columns[i % len(columns)].metric(md(label), md(shown))


def main() -> None:
    words = state.words()
    st.title("Lesson: makemore, part 1")
    number = chapter_from_url()
    navigation(number)
    ch = chapter(number)
    st.header(f"{number}. {ch.title}", anchor=False)
    st.write(md(fill(ch.text, words.words)))
    sampler = "torch"
    if ch.draws:
        sampler = st.segmented_control("Sampler", SAMPLERS, default="torch", required=True, key="lesson_sampler",
                                       format_func=SAMPLER_NAMES.get, persist_state="session")
        st.caption(SAMPLER_NOTE)
    with st.spinner("Running the cell …" + (" a Python loop over every bigram takes seconds." if ch.loops else "")):
        result = cell(words.digest, number, sampler, words)
    if result.sample:
        st.info(f"This cell loops in Python over every bigram, so here it runs on the first {result.sample:,} of the "
                f"{len(words.words):,} words (`words` is that sample).")
    code, picture = st.columns([1, 1], gap="large") if ch.picture else (st.container(), None)
    with code:
        st.code(result.code, language="python")
        if note := provided(number):
            st.caption(md(note) + " torch, F (torch.nn.functional) and np are imported.")
        tall = result.output.count("\n") > OUTPUT_LINES
        st.code(result.output.rstrip("\n"), language="text", height=24 * OUTPUT_LINES if tall else "content")
    if picture is not None:
        with picture:
            draw(ch.picture, result, words)
    metrics(result)


main()
